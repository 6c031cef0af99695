"""The CKAN Action API, through the `ckanapi` client as harvesters use it, and raw for the envelope."""

from __future__ import annotations

import json

import ckanapi
import pytest

from civicportal.datasets import live_datasets

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portal(live_server, city, uploaded):
    with ckanapi.RemoteCKAN(live_server.url, user_agent="civicportal-tests") as remote:
        yield remote


def test_ckanapi_lists_searches_and_shows(portal, uploaded):
    names = portal.action.package_list()
    assert {"shelters", "facilities", "aed", "hazard-zones", "neighbourhood-associations",
            "notification-statistics", "population"} <= set(names)
    assert names == sorted(names)

    found = portal.action.package_search(q="避難所")
    assert "shelters" in [package["name"] for package in found["results"]]
    assert found["count"] == len(found["results"])

    shown = portal.action.package_show(id="population")
    assert shown["title"] == "地区別人口" and shown["title_translated"]["en"] == "Population by district"
    assert shown["license_id"] == "CC-BY-4.0" and shown["organization"]["name"] == "citizen-affairs"
    assert {tag["name"] for tag in shown["tags"]} == {"人口", "統計"}
    (resource,) = shown["resources"]
    assert resource["format"] == "CSV" and resource["hash"].startswith("sha256:") and resource["size"] > 0
    # The same package by its id, as some clients ask.
    assert portal.action.package_show(id=shown["id"])["name"] == "population"

    again = portal.action.resource_show(id=resource["id"])
    assert again["url"] == resource["url"] and again["package_id"] == shown["id"]


def test_package_search_filters_facets_paging_and_sort(portal):
    everything = portal.action.package_search(rows=1000, **{"facet.field": json.dumps(
        ["organization", "tags", "groups", "res_format", "license_id"])})
    total = everything["count"]
    assert total == len(everything["results"]) >= 7
    facets = everything["search_facets"]
    assert {item["name"] for item in facets["organization"]["items"]} >= {"crisis-management", "citizen-affairs"}
    spatial = sum(live.spatial for live in live_datasets().values())
    disaster_themed = sum(live.theme == "disaster" for live in live_datasets().values())
    # Every spatial live dataset has a GeoJSON resource.
    assert {item["name"]: item["count"] for item in facets["res_format"]["items"]}["GeoJSON"] == spatial
    assert everything["facets"]["groups"]["disaster"] == disaster_themed

    disaster = portal.action.package_search(fq="groups:disaster")
    assert disaster["count"] == disaster_themed
    both = portal.action.package_search(fq='organization:crisis-management tags:"AED"')
    assert [package["name"] for package in both["results"]] == ["aed"]
    geojson = portal.action.package_search(fq="res_format:GeoJSON", rows=100)
    assert "notification-statistics" not in [package["name"] for package in geojson["results"]]

    by_name = [package["name"] for package in portal.action.package_search(sort="name asc", rows=100)["results"]]
    assert by_name == sorted(by_name)
    first = portal.action.package_search(sort="name asc", rows=2, start=0)["results"]
    second = portal.action.package_search(sort="name asc", rows=2, start=2)["results"]
    assert [p["name"] for p in first + second] == by_name[:4]


def test_organizations_groups_tags_and_status(portal):
    assert set(portal.action.organization_list()) >= {"crisis-management", "citizen-affairs"}
    detailed = portal.action.organization_list(all_fields=True)
    counts = {item["name"]: item["package_count"] for item in detailed}
    crisis = {live.slug for live in live_datasets().values() if live.organisation == "crisis-management"}
    assert {"shelters", "facilities", "aed", "hazard-zones"} <= crisis
    assert counts["crisis-management"] == len(crisis)
    organisation = portal.action.organization_show(id="crisis-management", include_datasets=True)
    assert {package["name"] for package in organisation["packages"]} == crisis
    assert "disaster" in portal.action.group_list()
    assert "避難所" in portal.action.tag_list()
    assert portal.action.tag_list(query="AE") == ["AED"]
    assert portal.action.site_read() is True
    assert portal.action.status_show()["ckan_version"].startswith("2.")


def test_get_only_clients_work_too(live_server, city):
    with ckanapi.RemoteCKAN(live_server.url, get_only=True) as remote:
        found = remote.action.package_search(fq="tags:AED", **{"facet.field": '["groups"]'})
        assert [package["name"] for package in found["results"]] == ["aed"]
        assert found["facets"] == {"groups": {"disaster": 1}}
        assert remote.action.package_show(id="shelters")["num_resources"] == 4


def test_errors_come_back_as_ckan_errors(portal, live_server):
    with pytest.raises(ckanapi.NotFound):
        portal.action.package_show(id="no-such-dataset")
    with pytest.raises(ckanapi.NotFound):
        portal.action.resource_show(id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(ckanapi.NotFound):
        portal.action.organization_show(id="nobody")
    with pytest.raises(ckanapi.ValidationError) as error:
        portal.action.package_search(rows="many")
    assert "rows" in error.value.error_dict
    with pytest.raises(ckanapi.ValidationError):
        portal.action.package_show()
    with pytest.raises(ckanapi.SearchQueryError):
        portal.action.package_search(fq="maintainer_email:someone@example.jp")


def test_envelope_status_codes_get_and_post(client, city):
    response = client.get("/api/3/action/package_show", {"id": "shelters"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"help", "success", "result"} and data["success"] is True
    assert data["help"].endswith("/api/3/action/help_show?name=package_show")

    posted = client.post("/api/3/action/package_search", data=json.dumps({"q": "AED", "rows": 5}),
                         content_type="application/json")
    assert posted.status_code == 200 and posted.json()["result"]["results"][0]["name"] == "aed"

    missing = client.get("/api/3/action/package_show", {"id": "nothing"})
    assert missing.status_code == 404
    assert missing.json()["success"] is False
    assert missing.json()["error"]["__type"] == "Not Found Error"

    invalid = client.get("/api/3/action/package_search", {"rows": "-1"})
    assert invalid.status_code == 409 and invalid.json()["error"]["__type"] == "Validation Error"
    assert "rows" in invalid.json()["error"]

    bad_filter = client.get("/api/3/action/package_search", {"fq": "maintainer_email:x"})
    assert bad_filter.status_code == 400 and bad_filter.json()["error"]["__type"] == "Search Query Error"
    assert missing.json()["error"]["message"] == "Not found: Dataset not found"

    unknown = client.get("/api/3/action/package_delete")
    assert unknown.status_code == 400 and unknown.json()["success"] is False

    broken = client.post("/api/3/action/package_search", data="{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["success"] is False
    assert client.put("/api/3/action/package_list").status_code == 405
