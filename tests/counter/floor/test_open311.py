"""Open311 GeoReport v2, tested as a client would use it: plain HTTP, form-encoded POSTs, and the
JSON and XML shapes of the spec (https://wiki.open311.org/GeoReport_v2/) parsed with lxml.

(No maintained Python Open311 client is installed in the project's environment, so the
client here is the HTTP the spec describes.)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from apps.counter.models import Open311ApiKey, ReportSource, ResidentReport
from apps.counter.services import reports as services

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]


def xml(response) -> etree._Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return etree.fromstring(response.content)


def test_an_open311_client_lists_services_and_posts_a_report_that_appears_on_staffs_map(
        client, road_service, light_service, api_key, clerk):
    """Done-when: an Open311 client lists services and posts a report that appears on staff's map."""
    discovery = client.get("/open311/discovery.json").json()
    endpoint = discovery["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert {"text/xml", "application/json"} <= set(endpoint["formats"])
    base = endpoint["url"].split("://", 1)[1].split("/", 1)[1]  # the path of the endpoint
    assert base == "open311/v2"

    services_xml = xml(client.get(f"/{base}/services.xml"))
    assert services_xml.tag == "services"
    road = next(s for s in services_xml.findall("service") if s.findtext("service_code") == "road-damage")
    assert [child.tag for child in road] == SERVICE_FIELDS
    assert road.findtext("metadata") == "true" and road.findtext("type") == "realtime"
    definition = client.get(f"/{base}/services/road-damage.json").json()
    size = next(a for a in definition["attributes"] if a["code"] == "size")
    assert size["required"] is True and size["datatype"] == "singlevaluelist"
    assert [v["key"] for v in size["values"]] == ["small", "large"]

    posted = client.post(f"/{base}/requests.xml", {
        "api_key": api_key, "service_code": "road-damage", "lat": "34.6551", "long": "133.9195",
        "address_string": "本町1-2 交差点", "email": "reporter@example.jp", "first_name": "Hanako",
        "last_name": "Yamada", "phone": "0862223333", "description": "A large pothole.",
        "media_url": "https://photos.example.org/123.jpg", "attribute[size]": "large",
        "attribute[danger][]": ["car", "walk"], "device_id": "dev-1", "account_id": "acc-9"})
    assert posted.status_code == 200
    answer = xml(posted).find("request")
    report_id = int(answer.findtext("service_request_id"))
    assert answer.findtext("service_notice") == "3開庁日以内に確認します。"
    assert answer.findtext("account_id") == "acc-9" and answer.find("token") is None
    report = ResidentReport.objects.get(pk=report_id)
    assert report.source == ReportSource.OPEN311 and report.attributes == {"size": "large", "danger": ["car", "walk"]}
    assert (report.reporter_email, report.reporter_name) == ("reporter@example.jp", "Yamada Hanako")
    assert Open311ApiKey.objects.get().last_used_at is not None

    client.force_login(clerk)
    staff_map = client.get(reverse("api:counter-reports-triage-map")).json()
    feature = next(f for f in staff_map["features"] if f["id"] == report_id)
    assert feature["geometry"]["coordinates"] == pytest.approx([133.9195, 34.6551])
    assert feature["properties"]["service_code"] == "road-damage"
    triage = client.get(reverse("counter:reports_triage")).content.decode()
    assert reverse("counter:report_staff", args=[report_id]) in triage


def test_get_requests_in_json_and_xml_follow_the_spec_and_hide_the_reporter(client, road_service, light_service):
    report = services.submit_report(service=road_service, description="穴", lat=34.65, lon=133.92,
                                    attributes={"size": "small"}, reporter_email="secret@example.jp",
                                    reporter_name="Secret Person", source="open311")
    services.submit_report(service=light_service, description="消えている", address_string="本町1丁目")
    rows = client.get("/open311/v2/requests.json").json()
    assert len(rows) == 2 and list(rows[0]) == REQUEST_FIELDS
    mine = next(r for r in rows if r["service_request_id"] == report.pk)
    assert mine["status"] == "open" and mine["lat"] == pytest.approx(34.65) and mine["long"] == pytest.approx(133.92)
    assert mine["requested_datetime"].endswith("+09:00") and mine["agency_responsible"] == "道路維持課"
    tree = xml(client.get("/open311/v2/requests.xml"))
    assert tree.tag == "service_requests" and len(tree.findall("request")) == 2
    assert [child.tag for child in tree.find("request")] == REQUEST_FIELDS
    for body in (str(rows), etree.tostring(tree, encoding="unicode")):
        assert "secret@example.jp" not in body and "Secret Person" not in body

    one = xml(client.get(f"/open311/v2/requests/{report.pk}.xml")).findall("request")
    assert len(one) == 1 and one[0].findtext("service_code") == "road-damage"
    by_ids = client.get("/open311/v2/requests.json", {"service_request_id": f"{report.pk},999999"}).json()
    assert [r["service_request_id"] for r in by_ids] == [report.pk]
    only_light = client.get("/open311/v2/requests.json", {"service_code": "street-light"}).json()
    assert [r["service_code"] for r in only_light] == ["street-light"]


def test_status_and_date_filters(client, road_service, road_clerk):
    old = services.submit_report(service=road_service, description="old", lat=34.6, lon=133.9,
                                 attributes={"size": "small"})
    ResidentReport.objects.filter(pk=old.pk).update(requested_at=timezone.now() - dt.timedelta(days=120))
    fresh = services.submit_report(service=road_service, description="new", lat=34.6, lon=133.9,
                                   attributes={"size": "small"})
    closed = services.submit_report(service=road_service, description="done", lat=34.6, lon=133.9,
                                    attributes={"size": "small"})
    services.update_report(report=closed, user=road_clerk, status="closed", note="補修済み")
    ids = [r["service_request_id"] for r in client.get("/open311/v2/requests.json").json()]
    assert set(ids) == {fresh.pk, closed.pk}  # the default window is the last 90 days
    closed_rows = client.get("/open311/v2/requests.json", {"status": "closed"}).json()
    assert [(r["service_request_id"], r["status_notes"]) for r in closed_rows] == [(closed.pk, "補修済み")]
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json", {"status": "open"}).json()] == [
        fresh.pk]
    start = (timezone.now() - dt.timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - dt.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    old_rows = client.get("/open311/v2/requests.json", {"start_date": start, "end_date": end}).json()
    assert [r["service_request_id"] for r in old_rows] == [old.pk]


@pytest.mark.parametrize(("params", "status", "words"), [
    ({}, 403, "api_key was not provided"),
    ({"api_key": "wrong"}, 403, "Invalid api_key"),
    ({"api_key": "KEY"}, 400, "service_code was not provided"),
    ({"api_key": "KEY", "service_code": "nope"}, 404, "service_code “nope” was not found"),
    ({"api_key": "KEY", "service_code": "road-damage", "attribute[size]": "large"}, 400, "lat"),
    ({"api_key": "KEY", "service_code": "road-damage", "lat": "34.6", "long": "x", "attribute[size]": "large"},
     400, "long: “x” is not a number"),
    ({"api_key": "KEY", "service_code": "road-damage", "lat": "34.6", "long": "133.9"}, 400, "attribute[size]"),
    ({"api_key": "KEY", "service_code": "road-damage", "lat": "34.6", "long": "133.9", "attribute[size]": "huge"},
     400, "“huge” is not one of the choices"),
    ({"api_key": "KEY", "service_code": "road-damage", "lat": "34.6", "long": "133.9", "attribute[size]": "small",
      "attribute[depth]": "deep"}, 400, "attribute[depth]: Give a number"),
    ({"api_key": "KEY", "service_code": "road-damage", "lat": "34.6", "long": "133.9", "attribute[size]": "small",
      "attribute[colour]": "red"}, 400, "no attribute “colour”"),
    ({"api_key": "KEY", "service_code": "road-damage", "lat": "95", "long": "133.9", "attribute[size]": "small"},
     400, "lat: Latitude must be between -90 and 90"),
    ({"api_key": "KEY", "service_code": "road-damage", "address_string": "本町", "attribute[size]": "small",
      "media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"api_key": "KEY", "service_code": "road-damage", "address_string": "本町", "attribute[size]": "small",
      "jurisdiction_id": "other-city.jp"}, 404, "jurisdiction_id"),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_posts_answer_in_the_specs_error_format(client, english, road_service, api_key, params, status, words,
                                                   fmt):
    data = {k: (api_key if v == "KEY" else v) for k, v in params.items()}
    response = client.post(f"/open311/v2/requests.{fmt}", data)
    assert response.status_code == status
    if fmt == "json":
        body = response.json()
        assert isinstance(body, list) and all(set(e) == {"code", "description"} for e in body)
        assert body[0]["code"] == status
        descriptions = " ".join(e["description"] for e in body)
    else:
        tree = xml(response)
        assert tree.tag == "errors" and tree.find("error/code").text == str(status)
        descriptions = " ".join(e.findtext("description") for e in tree.findall("error"))
    assert words in descriptions
    assert ResidentReport.objects.count() == 0


def test_get_errors_in_the_specs_format(client, english, road_service):
    assert client.get("/open311/v2/services/nope.json").status_code == 404
    span = client.get("/open311/v2/requests.json", {"start_date": "2026-01-01T00:00:00Z",
                                                    "end_date": "2026-06-01T00:00:00Z"})
    assert span.status_code == 400 and "90 days" in span.json()[0]["description"]
    naive = client.get("/open311/v2/requests.xml", {"start_date": "2026-01-01T00:00:00"})
    assert naive.status_code == 400 and "w3 format" in xml(naive).findtext("error/description")
    assert client.get("/open311/v2/requests.json", {"status": "pending"}).status_code == 400
    assert client.get("/open311/v2/requests/abc.json").status_code == 404
    unknown = client.get("/open311/v2/services.html")
    assert unknown.status_code == 400 and xml(unknown).tag == "errors"
    assert xml(client.get("/open311/v2/nothing-here")).tag == "errors"


def test_an_inactive_key_is_refused(client, road_service, api_key):
    Open311ApiKey.objects.update(is_active=False)
    response = client.post("/open311/v2/requests.json", {"api_key": api_key, "service_code": "road-damage",
                                                         "address_string": "本町", "attribute[size]": "small"})
    assert response.status_code == 403


def test_an_admin_makes_a_key_that_is_shown_once_and_works(client, english, make_user, road_service):
    admin = make_user("system_admin")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post(reverse("admin:counter_open311apikey_add"), {"name": "FixMyStreet bridge",
                                                                        "is_active": "on"}, follow=True)
    shown = [str(m) for m in response.context["messages"] if "The new API key is" in str(m)]
    assert len(shown) == 1
    plain = shown[0].split("The new API key is ")[1].split(" ")[0]
    key = Open311ApiKey.objects.get()
    assert key.prefix == plain[:8] and plain not in key.digest
    client.logout()
    posted = client.post("/open311/v2/requests.json", {"api_key": plain, "service_code": "road-damage",
                                                       "address_string": "本町", "attribute[size]": "small"})
    assert posted.status_code == 200 and posted.json()[0]["service_request_id"]


def test_control_characters_and_huge_ids_are_refused_not_a_500(client, english, road_service, light_service,
                                                              api_key):
    bad = client.post("/open311/v2/requests.xml", {"api_key": api_key, "service_code": "street-light",
                                                   "address_string": "本町", "description": "消えて\x0bいる\x00"})
    assert bad.status_code == 400 and "description: Remove the control characters" in xml(bad).findtext(
        "error/description")
    huge = client.get("/open311/v2/requests.json", {"service_request_id": "9" * 40})
    assert huge.status_code == 400 and "service_request_id" in huge.json()[0]["description"]
    # A row that still holds one (written before the check, or by hand) renders as well-formed XML.
    report = services.submit_report(service=light_service, description="ok", address_string="本町")
    ResidentReport.objects.filter(pk=report.pk).update(description="消えて\x0bいる")
    rendered = client.get(f"/open311/v2/requests/{report.pk}.xml")
    assert xml(rendered).findtext("request/description") == "消えている"
