"""Resident reports through the web form: photo checks, EXIF removal, states, notices, public and staff maps."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apps.counter.models import ReportStatus, ResidentReport
from apps.counter.services import reports as services
from apps.notifications.models import Delivery, Message
from tests.counter.floor.conftest import jpeg_with_gps


def _form(service, **extra) -> dict:
    return {"service": service.pk, "description": "穴があいています", "lat": "34.6551", "lon": "133.9195",
            f"attr__{service.code}__size": "large", **extra}


def test_a_resident_reports_with_a_photo_whose_location_is_removed(client, english, make_user, road_service,
                                                                   data_dir):
    resident = make_user("resident")
    client.force_login(resident)
    photo = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(reverse("counter:report_new"), {**_form(road_service), "photo": photo,
                                                           f"attr__{road_service.code}__danger": ["car", "walk"]})
    report = ResidentReport.objects.get()
    assert response["Location"] == reverse("counter:report_detail", args=[report.pk])
    assert report.reporter == resident and report.department == road_service.department
    assert report.attributes == {"size": "large", "danger": ["car", "walk"]}
    assert (round(report.location.y, 4), round(report.location.x, 4)) == (34.6551, 133.9195)
    with report.photo.open("rb") as stored, Image.open(stored) as picture:
        assert picture.format == "JPEG"
        assert picture.getexif().get_ifd(0x8825) == {} and 0x010F not in picture.getexif()
    # The photo is not public until staff say so; the reporter and staff may see it.
    client.logout()
    assert client.get(reverse("counter:report_photo", args=[report.pk])).status_code == 404
    client.force_login(resident)
    assert client.get(reverse("counter:report_photo", args=[report.pk])).status_code == 200


@pytest.mark.parametrize(("content", "name", "error"), [
    (b"%PDF-1.4 not a picture", "photo.jpg", "not a JPEG, PNG or WebP"),
    (b"GIF89a" + b"\x00" * 40, "photo.png", "not a JPEG, PNG or WebP"),
])
def test_a_file_that_is_not_a_photo_is_refused_by_its_content(client, english, road_service, content, name, error,
                                                             data_dir):
    response = client.post(reverse("counter:report_new"), {
        **_form(road_service), "photo": SimpleUploadedFile(name, content, content_type="image/jpeg")})
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors["photo"])
    assert ResidentReport.objects.count() == 0


def test_a_photo_too_large_is_refused(client, english, road_service, data_dir, monkeypatch):
    big = io.BytesIO()
    Image.effect_noise((1800, 1800), 90).convert("RGB").save(big, format="PNG")
    assert big.tell() > 1024 * 1024
    from civicportal import uploads

    monkeypatch.setattr(uploads, "MAX_PHOTO_BYTES", 1024 * 1024)  # a small limit keeps the upload small
    response = client.post(reverse("counter:report_new"), {
        **_form(road_service), "photo": SimpleUploadedFile("big.png", big.getvalue(), content_type="image/png")})
    assert "at most 1 MB" in " ".join(response.context["form"].errors["photo"])


def test_missing_place_and_bad_answers_are_refused_naming_the_field(client, english, road_service):
    data = _form(road_service, lat="", lon="")
    data[f"attr__{road_service.code}__size"] = ""
    response = client.post(reverse("counter:report_new"), data)
    errors = response.context["form"].errors
    assert "lat" in errors and f"attr__{road_service.code}__size" in errors
    response = client.post(reverse("counter:report_new"), _form(road_service, lat="34.6", lon=""))
    assert "lon" in response.context["form"].errors
    assert ResidentReport.objects.count() == 0


def test_staff_move_a_report_and_the_reporter_is_told(client, english, make_user, road_service, road_clerk, clerk,
                                                      run_broadcast):
    resident = make_user("resident")
    report = services.submit_report(service=road_service, description="穴", lat=34.65, lon=133.92,
                                    attributes={"size": "small"}, reporter=resident)
    client.force_login(road_clerk)
    response = client.post(reverse("counter:report_staff", args=[report.pk]), {
        "status": "acknowledged", "note": "明日確認に行きます。", "department": road_service.department.pk})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACKNOWLEDGED and report.status_notes == "明日確認に行きます。"
    message = Message.objects.get()
    run_broadcast(message)
    assert list(Delivery.objects.filter(message=message).values_list("recipient_id", flat=True).distinct()) == [
        resident.pk]
    # Closing needs a note; reopening an in-progress report is not a move.
    refused = client.post(reverse("counter:report_staff", args=[report.pk]), {
        "status": "closed", "note": "", "department": road_service.department.pk})
    assert "note" in refused.context["form"].errors
    # Staff of another department may pass it on but not change its status.
    with pytest.raises(Exception) as denied:
        services.update_report(report=report, user=clerk, status="in_progress")
    assert denied.type.__name__ == "PermissionDenied"
    # The public page shows the history without the reporter.
    client.logout()
    page = client.get(reverse("counter:report_detail", args=[report.pk])).content.decode()
    assert "明日確認に行きます。" in page and "Acknowledged" in page and resident.email not in page


def test_an_open311_reporter_with_an_email_is_told_by_mail(road_service, road_clerk, smtp_sink,
                                                            django_capture_on_commit_callbacks):
    report = services.submit_report(service=road_service, description="穴", lat=34.65, lon=133.92,
                                    attributes={"size": "small"}, reporter_email="app-user@example.jp",
                                    source="open311")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_report(report=report, user=road_clerk, status="closed", note="補修しました。")
    assert len(smtp_sink.messages) == 1 and "app-user@example.jp" in smtp_sink.messages[0]["To"]


def test_the_public_map_and_list_never_show_the_reporter(client, make_user, road_service):
    resident = make_user("resident", email="hanako.reporter@example.jp")
    services.submit_report(service=road_service, description="連絡先 090-1111-2222 まで", lat=34.65, lon=133.92,
                           attributes={"size": "small"}, reporter=resident, reporter_name="山田花子")
    page = client.get(reverse("counter:reports_map")).content.decode()
    geojson = client.get(reverse("api:counter-reports-map")).json()
    detail = client.get(reverse("counter:report_detail", args=[ResidentReport.objects.get().pk])).content.decode()
    for body in (page, str(geojson), detail):
        assert "hanako.reporter" not in body and "山田花子" not in body and "090-1111-2222" not in body
    assert geojson["features"][0]["properties"]["service_code"] == "road-damage"


def test_triage_filters_assigns_and_is_for_staff_only(client, english, make_user, road_service, light_service,
                                                      clerk, department):
    services.submit_report(service=road_service, description="穴", lat=34.65, lon=133.92,
                           attributes={"size": "small"})
    light = services.submit_report(service=light_service, description="消えている", address_string="本町1丁目")
    resident = make_user("resident")
    client.force_login(resident)
    assert client.get(reverse("counter:reports_triage")).status_code == 403
    assert client.get(reverse("counter:report_staff", args=[light.pk])).status_code == 404
    assert client.get(reverse("api:counter-reports-triage-map")).status_code == 403
    client.force_login(clerk)
    listing = client.get(reverse("counter:reports_triage"), {"service": "street-light"})
    assert [r.pk for r in listing.context["page"]] == [light.pk]
    # A clerk of another department passes the report on to their own department.
    client.post(reverse("counter:report_staff", args=[light.pk]), {
        "status": "open", "note": "", "department": department.pk})
    light.refresh_from_db()
    assert light.department == department
    mapped = client.get(reverse("api:counter-reports-triage-map"), {"service": "road-damage"}).json()
    assert len(mapped["features"]) == 1


def test_an_anonymous_web_reporter_may_leave_an_email_for_updates(client, english, road_service, data_dir):
    response = client.post(reverse("counter:report_new"), _form(road_service, reporter_email="not-an-address"))
    assert "reporter_email" in response.context["form"].errors
    client.post(reverse("counter:report_new"), _form(road_service, reporter_email="passer-by@example.jp"))
    report = ResidentReport.objects.get()
    assert report.reporter is None and report.reporter_email == "passer-by@example.jp"


def test_a_flood_of_reports_from_one_address_is_stopped(client, english, road_service, data_dir):
    from apps.counter.ratelimit_floor import LIMITS

    for _ in range(LIMITS["anonymous"]):
        assert client.post(reverse("counter:report_new"), _form(road_service)).status_code == 302
    response = client.post(reverse("counter:report_new"), _form(road_service))
    assert response.status_code == 429 and "Too many reports" in response.content.decode()
    assert ResidentReport.objects.count() == LIMITS["anonymous"]


def test_the_open_reports_dataset_lists_open_reports_without_the_reporter(make_user, road_service, road_clerk):
    from civicportal.datasets import live_datasets

    resident = make_user("resident", email="private.person@example.jp")
    kept = services.submit_report(service=road_service, description="穴 090-1234-5678", lat=34.65, lon=133.92,
                                  attributes={"size": "small"}, reporter=resident, reporter_name="山田")
    closed = services.submit_report(service=road_service, description="直った", address_string="本町",
                                    attributes={"size": "small"})
    services.update_report(report=closed, user=road_clerk, status="closed", note="補修済み")
    dataset = live_datasets()["open-resident-reports"]
    rows = list(dataset.rows())
    assert [row["id"] for row in rows] == [kept.pk]
    row = rows[0]
    assert set(row) == {f.name for f in dataset.fields} | {"geometry"}
    assert row["service_code"] == "road-damage" and row["status"] == "open"
    assert row["geometry"] == {"type": "Point", "coordinates": [133.92, 34.65]}
    assert "090-1234-5678" not in row["description"]
    assert "private.person" not in str(rows) and "山田" not in str(rows)
    assert dataset.last_modified() is not None


def test_the_dashboard_panel_counts_without_names(client, english, clerk, road_service):
    services.submit_report(service=road_service, description="穴", address_string="本町",
                           attributes={"size": "small"})
    from civicportal.dashboard import panels

    panel = next(p for p in panels() if p.key == "counter-floor")
    figures = dict((str(label), value) for label, value in panel.figures(None))
    assert figures["Reports not yet acknowledged"] == 1 and figures["Tickets issued today"] == 0
