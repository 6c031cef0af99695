"""Live datasets: records in the catalogue, every format, and changes that show at once."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from apps.disastermap.services.shelters import update_status
from apps.opendata.models import Dataset
from apps.opendata.services.live import sync_live_catalogue
from civicportal.datasets import live_datasets

pytestmark = pytest.mark.django_db

EXPECTED = {"shelters", "facilities", "aed", "hazard-zones", "neighbourhood-associations", "notification-statistics"}


def download(client, slug: str, live_format: str, ext: str, **headers):
    return client.get(reverse("opendata:live_download", args=[slug, live_format, ext]), **headers)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))


def test_every_declared_dataset_has_a_catalogue_record_with_live_resources():
    assert set(live_datasets()) >= EXPECTED
    records = {record.live_slug: record for record in sync_live_catalogue()}
    assert set(records) >= EXPECTED
    shelters = records["shelters"]
    formats = set(shelters.resources.values_list("live_format", flat=True))
    assert formats == {"csv", "csv-bom", "json", "geojson"}
    statistics = records["notification-statistics"]
    assert set(statistics.resources.values_list("live_format", flat=True)) == {"csv", "csv-bom", "json"}
    assert shelters.organisation.code == "crisis-management"
    assert set(shelters.tags.values_list("name", flat=True)) == {"避難所", "shelters", "防災"}
    # A second sync changes nothing and duplicates nothing.
    before = shelters.metadata_modified
    sync_live_catalogue()
    assert Dataset.objects.filter(live_slug="shelters").count() == 1
    assert Dataset.objects.get(live_slug="shelters").metadata_modified == before


def test_shelter_csv_geojson_json_and_excel_csv(client, city):
    rows = csv_rows(download(client, "shelters", "csv", "csv"))
    assert [row["name"] for row in rows] == ["中央小学校"]
    assert rows[0]["status"] == "closed" and rows[0]["capacity"] == "600"
    assert rows[0]["serves_earthquake"] == "true" and rows[0]["serves_flood"] == "false"
    assert float(rows[0]["longitude"]) == pytest.approx(133.935)

    excel = body(download(client, "shelters", "csv-bom", "csv"))
    assert excel.startswith("\ufeff".encode()) and "中央小学校".encode() in excel

    geojson = json.loads(body(download(client, "shelters", "geojson", "geojson")))
    assert geojson["type"] == "FeatureCollection"
    (feature,) = geojson["features"]
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == pytest.approx([133.935, 34.6617])
    assert feature["properties"]["name"] == "中央小学校"

    items = json.loads(body(download(client, "shelters", "json", "json")))
    assert items[0]["serves_earthquake"] is True and items[0]["geometry"]["type"] == "Point"


def test_facilities_by_genre_aed_zones_associations_and_statistics(client, city):
    facilities = csv_rows(download(client, "facilities", "csv", "csv"))
    genres = {row["name"]: row["genre_code"] for row in facilities}
    assert genres == {"中央小学校": "shelter", "市役所AED": "aed", "中央図書館": "library"}  # not the hidden one
    assert [row["name"] for row in csv_rows(download(client, "aed", "csv", "csv"))] == ["市役所AED"]

    zones = json.loads(body(download(client, "hazard-zones", "geojson", "geojson")))
    (zone,) = zones["features"]
    assert zone["geometry"]["type"] == "MultiPolygon" and zone["properties"]["level"] == 3

    (association,) = csv_rows(download(client, "neighbourhood-associations", "csv", "csv"))
    assert association["name"] == "中央町内会" and association["district_codes"] == "01"

    statistics = csv_rows(download(client, "notification-statistics", "csv", "csv"))
    assert statistics, "the broadcast's deliveries are counted"
    assert {row["category"] for row in statistics} == {"disaster"}
    assert sum(int(row["deliveries"]) for row in statistics) == city["message"].deliveries.count()
    assert all(int(row["messages"]) == 1 for row in statistics)


def test_geojson_only_for_spatial_datasets_and_unknown_formats_404(client, city):
    assert download(client, "notification-statistics", "geojson", "geojson").status_code == 404
    assert download(client, "shelters", "xml", "xml").status_code == 404
    assert download(client, "shelters", "csv", "json").status_code == 404
    assert download(client, "no-such-dataset", "csv", "csv").status_code == 404


def test_shelter_change_shows_in_package_show_and_download(client, city, staff):
    def package():
        return client.get("/api/3/action/package_show", {"id": "shelters"}).json()["result"]

    before = package()
    first = download(client, "shelters", "csv", "csv")
    etag = first["ETag"]
    assert csv_rows(first)[0]["status"] == "closed"
    # Unchanged: the validators answer 304, with no body.
    assert download(client, "shelters", "csv", "csv", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert download(client, "shelters", "csv", "csv",
                    HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304

    update_status(shelter=city["shelter"], user=staff, status="open", headcount=42)

    after = package()
    assert after["metadata_modified"] > before["metadata_modified"]
    csv_resource = next(item for item in after["resources"] if item["live_format"] == "csv")
    assert csv_resource["last_modified"] > before["metadata_modified"]
    second = download(client, "shelters", "csv", "csv", HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 200 and second["ETag"] != etag
    row = csv_rows(second)[0]
    assert (row["status"], row["headcount"]) == ("open", "42")


def test_deleting_a_watched_row_moves_the_record(client, city):
    record = Dataset.objects.get(live_slug="hazard-zones")
    before = record.data_modified
    city["zone"].delete()
    record.refresh_from_db()
    assert record.data_modified > before
    assert json.loads(body(download(client, "hazard-zones", "geojson", "geojson")))["features"] == []


def test_download_streams_in_chunks(client, make_facility, demo_map):
    from apps.disastermap.models import Facility, Genre

    genre = Genre.objects.get(code="aed")
    from django.contrib.gis.geos import Point

    Facility.objects.bulk_create([
        Facility(genre=genre, name=f"AED {n:05d}", address="桜川市" + "長い住所" * 10,
                 location=Point(133.9 + n * 1e-5, 34.6, srid=4326)) for n in range(3000)
    ])
    response = download(client, "aed", "csv", "csv")
    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) > 3, "a download is sent in pieces, not built whole"
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode())))
    assert len(rows) == 3000 and rows[-1]["name"] == "AED 02999"


def test_organisation_takes_the_department_names_once_it_exists():
    from apps.accounts.models import Department
    from apps.opendata.models import Organisation

    sync_live_catalogue()
    # As a fresh database leaves it: the department did not exist when the record was made.
    Organisation.objects.filter(code="crisis-management").update(name="crisis-management", name_en="",
                                                                department=None)
    Department.objects.update_or_create(code="crisis-management",
                                        defaults={"name": "危機管理課", "name_en": "Crisis Management Division"})
    sync_live_catalogue()
    organisation = Organisation.objects.get(code="crisis-management")
    assert (organisation.name, organisation.name_en) == ("危機管理課", "Crisis Management Division")
    assert organisation.department.code == "crisis-management"
