"""Import and export of map data: national CSV layouts, hazard zones, gazetteer, GeoJSON layers."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from apps.disastermap.choices import ShelterStatus
from apps.disastermap.models import Facility, HazardZone, Place, Shelter
from apps.disastermap.services.importers import MAX_REPORTED_ERRORS

DATA = Path(__file__).parent / "data"
IMPORT_URL = "/api/v1/map/imports/"
HEADER = "ID,名称,緯度,経度\r\n"


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def staff(make_user):
    return make_user("city_staff")


@pytest.fixture
def staff_api(staff) -> APIClient:
    client = APIClient()
    client.force_authenticate(staff)
    return client


def upload(api: APIClient, kind: str, name: str, content: bytes, **options):
    return api.post(IMPORT_URL, {"kind": kind, "file": SimpleUploadedFile(name, content), **options},
                    format="multipart")


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def snapshot(model=Facility, **filters) -> dict[str, dict]:
    """Every stored value of the rows, by external ID, for comparing imports."""
    rows = {}
    skip = {"id", "updated_at", "facility_ptr", "status_changed_at"}
    for obj in model.objects.filter(**filters).order_by("external_id"):
        values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in skip}
        values["location"] = (obj.location.x, obj.location.y)
        values.pop("genre_id")
        values["genre"] = obj.genre.code
        rows[obj.external_id] = values
    return rows


def export(client, name: str) -> bytes:
    response = client.get(f"/api/v1/map/exports/{name}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return response.content


def assert_error(body: dict, row: int | None, column: str, contains: str = "") -> None:
    matches = [e for e in body["report"]["errors"] if e["row"] == row and e["column"] == column]
    assert matches, body["report"]["errors"]
    if contains:
        assert any(contains in e["message"] for e in matches), matches


# --- the national layouts -------------------------------------------------------------------

def test_emergency_sites_import_fills_shelters(staff_api):
    response = upload(staff_api, "emergency_sites", "sites.csv", sample("emergency_sites.csv"))
    assert response.status_code == 200, response.json()
    assert response.json() | {"errors": []} == response.json()
    assert (response.json()["created"], response.json()["updated"]) == (3, 0)

    school = Shelter.objects.get(source="emergency-sites", external_id="E001")
    assert school.is_emergency_site and school.is_designated_shelter and not school.is_welfare_shelter
    assert school.hazards() == ["flood", "earthquake", "large_fire", "inland_flood"]
    assert school.capacity == 1200
    assert (school.location.x, school.location.y) == (140.1034, 36.1012)
    assert school.address == "桜川市本町1-2-3" and school.postal_code == "3000001"
    assert school.name_en == "Sakuragawa Chuo Elementary School"
    assert school.genre.code == "shelter" and school.status == ShelterStatus.CLOSED
    assert "対象となる町会・自治会: 本町一丁目自治会" in school.description
    park = Shelter.objects.get(external_id="E002")
    assert not park.is_designated_shelter and park.capacity is None and park.hazards() == ["earthquake", "large_fire"]


@pytest.mark.parametrize(("kind", "file", "name"), [
    ("emergency_sites", "emergency_sites.csv", "emergency-sites"),
    ("designated_shelters", "designated_shelters.csv", "designated-shelters"),
    ("aed", "aed.csv", "aed"),
    ("public_facilities", "public_facilities.csv", "public-facilities"),
])
def test_import_export_import_round_trips(staff_api, kind, file, name):
    assert upload(staff_api, kind, file, sample(file)).status_code == 200
    first = snapshot(source=name)
    assert len(first) >= 2
    exported = export(staff_api, name)
    assert exported.startswith("\ufeff".encode())

    again = upload(staff_api, kind, f"{name}.csv", exported)
    assert again.status_code == 200, again.json()
    report = again.json()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, len(first))
    assert snapshot(source=name) == first
    assert Facility.objects.filter(source=name).count() == len(first)
    assert export(staff_api, name) == exported


def test_designated_shelters_mark_welfare_shelters(staff_api):
    assert upload(staff_api, "designated_shelters", "s.csv", sample("designated_shelters.csv")).status_code == 200
    welfare = Shelter.objects.get(external_id="S002")
    assert welfare.is_welfare_shelter and welfare.is_designated_shelter and not welfare.is_emergency_site
    school = Shelter.objects.get(external_id="S001")
    assert school.is_emergency_site and not school.is_welfare_shelter and school.capacity == 600


def test_aed_hours_and_paediatric_pads(staff_api):
    assert upload(staff_api, "aed", "aed.csv", sample("aed.csv")).status_code == 200
    hall = Facility.objects.get(source="aed", external_id="A001")
    assert hall.genre.code == "aed"
    assert hall.hours == "月～金 08:30-17:15 (祝日・年末年始を除く)"
    assert "設置位置: 1階正面玄関" in hall.description and "小児対応設備の有無: 有" in hall.description
    assert Facility.objects.get(external_id="A002").hours == "毎日 (24時間)"


def test_public_facilities_genres_and_barrier_free(staff_api):
    assert upload(staff_api, "public_facilities", "p.csv", sample("public_facilities.csv")).status_code == 200
    library = Facility.objects.get(external_id="P001")
    assert library.genre.code == "library"
    assert library.description.startswith("蔵書30万冊。\n学習室あり。")
    assert library.wheelchair_toilet and library.elevator and library.nursing_room and library.accessible_parking
    hall = Facility.objects.get(external_id="P002")
    assert hall.genre.code == "community_centre"  # by its Japanese genre name
    assert hall.wheelchair_accessible and hall.wheelchair_toilet and not hall.elevator  # “エレベーターなし”
    assert Facility.objects.get(external_id="P003").genre.code == "public_toilet"  # by its English name


def test_staff_may_choose_one_genre_for_every_row(staff_api):
    content = (HEADER + "X1,給水所1,36.1,140.1\r\nX2,給水所2,36.2,140.2\r\n").encode()
    response = upload(staff_api, "public_facilities", "water.csv", content, genre="water_supply")
    assert response.status_code == 200, response.json()
    assert set(Facility.objects.filter(source="public-facilities").values_list("genre__code", flat=True)) == {
        "water_supply"}


def test_reimport_updates_instead_of_duplicating(staff_api):
    assert upload(staff_api, "aed", "aed.csv", sample("aed.csv")).status_code == 200
    changed = sample("aed.csv").decode().replace("1階正面玄関", "2階ロビー").replace("36.1001", "36.1002")
    response = upload(staff_api, "aed", "aed.csv", changed.encode())
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["updated"], response.json()["unchanged"]) == (0, 1, 2)
    hall = Facility.objects.get(external_id="A001")
    assert "設置位置: 2階ロビー" in hall.description and hall.location.y == 36.1002
    assert Facility.objects.filter(source="aed").count() == 3


def test_same_ids_under_another_source_are_other_rows(staff_api):
    assert upload(staff_api, "aed", "aed.csv", sample("aed.csv")).status_code == 200
    assert upload(staff_api, "aed", "aed.csv", sample("aed.csv"), source="fire-department").status_code == 200
    assert Facility.objects.filter(external_id="A001").count() == 2


@pytest.mark.parametrize("encoding", ["cp932", "shift_jis", "utf-8-sig"])
def test_shift_jis_and_bom_files_read_the_same(staff_api, encoding):
    text = sample("emergency_sites.csv").decode("utf-8")
    response = upload(staff_api, "emergency_sites", "sjis.csv", text.encode(encoding))
    assert response.status_code == 200, response.json()
    assert Shelter.objects.get(external_id="E003").name == "南地区センター"
    assert Shelter.objects.get(external_id="E003").serves_landslide


def test_older_layout_with_gsi_headings_is_read(staff_api):
    content = ("NO,共通ID,施設・場所名,住所,洪水,崖崩れ、土石流及び地滑り,高潮,地震,津波,大規模な火事,内水氾濫,"
               "火山現象,指定避難所との住所同一,緯度,経度,備考\r\n"
               "1,G1,番町小学校,桜川市番町8,1,,1,1,,,1,,1,36.1,140.1,\r\n").encode()
    response = upload(staff_api, "emergency_sites", "gsi.csv", content)
    assert response.status_code == 200, response.json()
    shelter = Shelter.objects.get(external_id="G1")
    assert shelter.address == "桜川市番町8" and shelter.is_designated_shelter
    assert shelter.hazards() == ["flood", "storm_surge", "earthquake", "inland_flood"]


# --- bad input: one transaction, every bad row named -----------------------------------------------

def test_bad_rows_are_all_reported_and_nothing_is_written(staff_api):
    content = (HEADER.replace("\r\n", ",POIコード\r\n")
               + "B1,良い施設,36.1,140.1,library\r\n"
               + "B2,緯度が範囲外,91.5,140.1,library\r\n"
               + "B3,経度が文字,36.1,東経140度,library\r\n"
               + "B4,未知のジャンル,36.1,140.1,casino\r\n"
               + "B5,,36.1,140.1,library\r\n"
               + "B1,重複ID,36.1,140.1,library\r\n").encode()
    response = upload(staff_api, "public_facilities", "bad.csv", content)
    assert response.status_code == 400
    body = response.json()
    assert body["report"]["error_count"] == 5 and not body["report"]["ok"]
    assert_error(body, 3, "緯度", "out of range")
    assert_error(body, 4, "経度", "not a number")
    assert_error(body, 5, "POIコード", "casino")
    assert_error(body, 6, "名称", "required")
    assert_error(body, 7, "ID", "row 2")
    assert "Row 3, column 緯度" in " ".join(body["errors"]["rows"])
    assert not Facility.objects.exists()


def test_error_list_is_capped_with_the_total(staff_api):
    rows = "".join(f"R{i},施設{i},200,140.1\r\n" for i in range(150))
    body = upload(staff_api, "aed", "many.csv", (HEADER + rows).encode()).json()
    assert body["report"]["error_count"] == 150
    assert len(body["report"]["errors"]) == MAX_REPORTED_ERRORS and body["report"]["errors_truncated"]
    assert "50 more" in body["errors"]["rows"][-1]
    assert not Facility.objects.exists()


def test_one_bad_row_keeps_earlier_data_as_it_was(staff_api):
    assert upload(staff_api, "aed", "aed.csv", sample("aed.csv")).status_code == 200
    before = snapshot(source="aed")
    changed = sample("aed.csv").decode().replace("1階正面玄関", "2階ロビー").replace("36.1077", "-95")
    response = upload(staff_api, "aed", "aed.csv", changed.encode())
    assert response.status_code == 400
    assert_error(response.json(), 4, "緯度")
    assert snapshot(source="aed") == before


def test_missing_required_columns_are_named(staff_api):
    response = upload(staff_api, "emergency_sites", "cols.csv", "ID,名称\r\n1,公園\r\n".encode())
    assert response.status_code == 400
    body = response.json()
    assert {e["column"] for e in body["report"]["errors"]} == {"緯度", "経度"}
    assert all(e["row"] is None for e in body["report"]["errors"])
    assert "file" in body["errors"]


@pytest.mark.parametrize(("content", "message"), [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG"),
    (b"PK\x03\x04" + b"\x00" * 64, "ZIP"),
    ("ID,名称,緯度,経度\n1,中央小学校,36.1,140.1\n".encode("euc-jp"), "neither UTF-8 nor Shift_JIS"),
    ("ID,名称,緯度,経度\n".encode("utf-16"), "UTF-16"),
    (b"   \r\n", "empty"),
])
def test_files_that_are_not_what_they_claim(staff_api, content, message):
    response = upload(staff_api, "aed", "aed.csv", content)
    assert response.status_code == 400
    assert message in response.json()["errors"]["file"][0]
    assert not Facility.objects.exists()


def test_upload_size_is_limited(staff_api, settings):
    settings.DISASTERMAP_IMPORT_MAX_BYTES = 100
    response = upload(staff_api, "aed", "aed.csv", sample("aed.csv"))
    assert response.status_code == 400
    assert "limit" in response.json()["errors"]["file"][0]
    assert not Facility.objects.exists()


def test_api_validates_its_fields(staff_api):
    response = staff_api.post(IMPORT_URL, {"kind": "spreadsheet"}, format="multipart")
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"kind", "file"}
    response = upload(staff_api, "hazard_zones", "z.geojson", sample("flood_zones.geojson"))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"hazard", "level_field"}
    response = upload(staff_api, "public_facilities", "p.csv", sample("public_facilities.csv"), genre="casino")
    assert response.status_code == 400
    assert "casino" in response.json()["errors"]["genre"][0]
    assert not HazardZone.objects.exists() and not Facility.objects.exists()


# --- hazard zones ---------------------------------------------------------------------------

def zones(api, content: bytes, name: str = "flood.geojson", **options):
    options.setdefault("hazard", "flood")
    options.setdefault("level_field", "RANK")
    return upload(api, "hazard_zones", name, content, **options)


def test_geojson_zones_import_and_replace(staff_api):
    response = zones(staff_api, sample("flood_zones.geojson"), label_field="RANK_NAME", name_field="RIVER")
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 2
    deep = HazardZone.objects.get(level=3)
    assert deep.hazard == "flood" and deep.label == "3.0m以上5.0m未満" and deep.name == "桜川"
    assert deep.area.geom_type == "MultiPolygon" and len(deep.area) == 2
    assert HazardZone.objects.get(level=1).area.contains(Point(140.1, 36.095, srid=4326))

    again = zones(staff_api, sample("flood_zones.geojson")).json()
    assert (again["deleted"], again["created"]) == (2, 2)
    assert HazardZone.objects.count() == 2
    zones(staff_api, sample("flood_zones.geojson"), keep_existing="true")
    assert HazardZone.objects.count() == 4


def feature(geometry: dict, **properties) -> dict:
    return {"type": "Feature", "properties": {"RANK": 2, **properties}, "geometry": geometry}


BOWTIE = {"type": "Polygon",
          "coordinates": [[[140.0, 36.0], [140.1, 36.1], [140.1, 36.0], [140.0, 36.1], [140.0, 36.0]]]}
SQUARE = {"type": "Polygon",
          "coordinates": [[[140.0, 36.0], [140.1, 36.0], [140.1, 36.1], [140.0, 36.1], [140.0, 36.0]]]}


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_self_intersecting_polygon_is_a_row_error(staff_api):
    response = zones(staff_api, collection(feature(SQUARE), feature(BOWTIE)))
    assert response.status_code == 400
    assert_error(response.json(), 2, "geometry", "not valid")
    assert not HazardZone.objects.exists()


def test_self_intersecting_polygon_can_be_repaired(staff_api):
    response = zones(staff_api, collection(feature(BOWTIE)), repair="true")
    assert response.status_code == 200, response.json()
    zone = HazardZone.objects.get()
    assert zone.area.valid and len(zone.area) == 2


@pytest.mark.parametrize(("bad", "column", "message"), [
    (feature({"type": "Point", "coordinates": [140.0, 36.0]}), "geometry", "Point"),
    (feature({"type": "Polygon", "coordinates": [[[140.0, 36.0], [540.0, 36.0], [140.0, 99.0], [140.0, 36.0]]]}),
     "geometry", "out of range"),
    (feature(SQUARE, RANK="deep"), "RANK", "not a level"),
    (feature(SQUARE, RANK=None), "RANK", "not a level"),
    ({"type": "Feature", "properties": {"RANK": 1}, "geometry": None}, "geometry", "no geometry"),
])
def test_bad_features_are_named(staff_api, bad, column, message):
    response = zones(staff_api, collection(feature(SQUARE), bad))
    assert response.status_code == 400
    assert_error(response.json(), 2, column, message)
    assert not HazardZone.objects.exists()


@pytest.mark.parametrize(("content", "message"), [
    (b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
    (b'{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
])
def test_zone_files_that_are_not_geojson(staff_api, content, message):
    response = zones(staff_api, content)
    assert response.status_code == 400
    assert message in response.json()["errors"]["file"][0]


def test_unknown_level_attribute_is_named(staff_api):
    response = zones(staff_api, sample("flood_zones.geojson"), level_field="DEPTH")
    assert response.status_code == 400
    assert_error(response.json(), None, "level_field", "RANK")


def make_shapefile(tmp_path: Path, geojson: bytes, *, srs: str = "EPSG:6677", with_prj: bool = True) -> bytes:
    """A zipped Shapefile made by GDAL's own ogr2ogr, reprojected to a Japanese plane system."""
    source = tmp_path / "in.geojson"
    source.write_bytes(geojson)
    out = tmp_path / "shp"
    out.mkdir()
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-t_srs", srs, "-lco", "ENCODING=UTF-8",
                    str(out / "flood.shp"), str(source)], check=True, capture_output=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(out.iterdir()):
            if with_prj or path.suffix != ".prj":
                archive.write(path, f"flood/{path.name}")
    return buffer.getvalue()


def test_shapefile_is_reprojected_to_wgs84(staff_api, tmp_path):
    assert shutil.which("ogr2ogr"), "gdal-bin is installed by scripts/bootstrap.sh"
    content = make_shapefile(tmp_path, sample("flood_zones.geojson"))
    response = zones(staff_api, content, name="flood.zip", label_field="RANK_NAME", name_field="RIVER")
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 2
    deep = HazardZone.objects.get(level=3)
    assert deep.label == "3.0m以上5.0m未満" and deep.name == "桜川"
    xmin, ymin, xmax, ymax = deep.area.extent
    assert abs(xmin - 140.095) < 1e-6 and abs(ymin - 36.092) < 1e-6
    assert abs(xmax - 140.13) < 1e-6 and abs(ymax - 36.11) < 1e-6


def test_shapefile_without_prj_in_a_projected_system_is_rejected(staff_api, tmp_path):
    content = make_shapefile(tmp_path, sample("flood_zones.geojson"), with_prj=False)
    response = zones(staff_api, content, name="flood.zip")
    assert response.status_code == 400
    assert_error(response.json(), 1, "geometry", "out of range")
    assert "No .prj" in response.json()["report"]["warnings"][0]


def test_zip_without_a_shapefile_is_rejected(staff_api):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "no shapes here")
    response = zones(staff_api, buffer.getvalue(), name="flood.zip")
    assert response.status_code == 400
    assert ".shp" in response.json()["errors"]["file"][0]


def test_shapefile_missing_its_dbf_is_rejected(staff_api, tmp_path):
    content = make_shapefile(tmp_path, sample("flood_zones.geojson"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            if not name.endswith(".dbf"):
                target.writestr(name, source.read(name))
    response = zones(staff_api, buffer.getvalue(), name="flood.zip")
    assert response.status_code == 400
    assert ".dbf" in response.json()["errors"]["file"][0]


# --- gazetteer ------------------------------------------------------------------------------

def test_gazetteer_import(staff_api):
    response = upload(staff_api, "gazetteer", "places.csv", sample("gazetteer.csv"))
    assert response.status_code == 200, response.json()
    assert sorted(Place.objects.values_list("postal_code", "name")) == [
        ("3000001", "本町"), ("3000002", "北町"), ("3000003", "")]
    again = upload(staff_api, "gazetteer", "places.csv", sample("gazetteer.csv")).json()
    assert (again["created"], again["unchanged"]) == (0, 3)


def test_gazetteer_bad_rows(staff_api):
    content = "郵便番号,名称,緯度,経度\r\n12-34,本町,36.1,140.1\r\n,,36.1,140.1\r\n3000001,北町,36.1,181\r\n".encode()
    response = upload(staff_api, "gazetteer", "places.csv", content)
    assert response.status_code == 400
    body = response.json()
    assert_error(body, 2, "郵便番号", "seven-digit")
    assert_error(body, 3, "郵便番号", "postal code or a place name")
    assert_error(body, 4, "経度", "out of range")
    assert not Place.objects.exists()


# --- permissions ----------------------------------------------------------------------------

def test_only_city_staff_may_import(client, make_user, staff):
    url = reverse("disastermap:import")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    anonymous_api = upload(APIClient(), "aed", "aed.csv", sample("aed.csv"))
    assert anonymous_api.status_code == 401

    for role in ("resident", "association_officer", "school_staff"):
        person = make_user(role)
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"kind": "aed", "file": SimpleUploadedFile("aed.csv", sample("aed.csv"))}
                           ).status_code == 403
        api = APIClient()
        api.force_authenticate(person)
        assert upload(api, "aed", "aed.csv", sample("aed.csv")).status_code == 403
    assert not Facility.objects.exists()

    client.force_login(staff)
    page = client.get(url)
    assert page.status_code == 200 and "Shapefile" in page.content.decode()


def test_import_page_shows_the_report(client, staff):
    client.force_login(staff)
    url = reverse("disastermap:import")
    response = client.post(url, {"kind": "aed", "encoding": "auto",
                                 "file": SimpleUploadedFile("aed.csv", sample("aed.csv"))})
    assert response.status_code == 200
    assert response.context["report"].created == 3
    bad = (HEADER + "1,施設,36.1,999\r\n").encode()
    response = client.post(url, {"kind": "aed", "encoding": "auto", "file": SimpleUploadedFile("aed.csv", bad)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page and "経度" in page and "out of range" in page
    assert Facility.objects.filter(source="aed").count() == 3


def test_import_page_validates_zone_options(client, staff):
    client.force_login(staff)
    response = client.post(reverse("disastermap:import"), {
        "kind": "hazard_zones", "encoding": "auto",
        "file": SimpleUploadedFile("z.geojson", sample("flood_zones.geojson"))})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"hazard", "level_field"}
    assert not HazardZone.objects.exists()


def test_downloads_page_is_public(client, staff_api):
    upload(staff_api, "aed", "aed.csv", sample("aed.csv"))
    response = client.get(reverse("disastermap:downloads"))
    assert response.status_code == 200
    page = response.content.decode()
    for url in ("/api/v1/map/exports/emergency-sites.csv", "/api/v1/map/exports/aed.csv",
                "/api/v1/map/exports/public-facilities.csv", "/api/v1/map/layers/facilities.geojson",
                "/api/v1/map/layers/shelters.geojson", "/api/v1/map/layers/hazard-zones.geojson"):
        assert url in page
    assert "CC BY 4.0" in page


# --- exports --------------------------------------------------------------------------------

def geojson(client, path: str, **params) -> dict:
    response = client.get(f"/api/v1/map/layers/{path}", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert_rfc7946(body)
    return body


def assert_rfc7946(body: dict) -> None:
    """The structure RFC 7946 asks for, checked member by member."""
    assert body["type"] == "FeatureCollection" and "crs" not in body
    assert isinstance(body["features"], list)
    for item in body["features"]:
        assert item["type"] == "Feature" and isinstance(item["properties"], dict) and "crs" not in item
        geometry = item["geometry"]
        if geometry["type"] == "Point":
            positions = [geometry["coordinates"]]
        else:
            assert geometry["type"] == "MultiPolygon"
            for polygon in geometry["coordinates"]:
                for ring in polygon:
                    assert len(ring) >= 4 and ring[0] == ring[-1]
            positions = [p for polygon in geometry["coordinates"] for ring in polygon for p in ring]
        for lon, lat in positions:
            assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_facilities_layer_is_public_geojson_without_hidden_facilities(client, make_facility):
    make_facility("aed", lon=140.1, lat=36.1, name="見えるAED")
    make_facility("library", lon=140.2, lat=36.2, name="図書館")
    make_facility("aed", lon=140.3, lat=36.3, name="非公開AED", is_public=False)
    body = geojson(client, "facilities.geojson")
    assert {f["properties"]["name"] for f in body["features"]} == {"見えるAED", "図書館"}
    aed = next(f for f in body["features"] if f["properties"]["name"] == "見えるAED")
    assert aed["geometry"]["coordinates"] == [140.1, 36.1]  # longitude first
    assert aed["properties"]["genre"] == "aed"
    only_aed = geojson(client, "facilities.geojson", genre="aed")
    assert [f["properties"]["name"] for f in only_aed["features"]] == ["見えるAED"]
    boxed = geojson(client, "facilities.geojson", bbox="140.15,36.15,140.25,36.25")
    assert [f["properties"]["name"] for f in boxed["features"]] == ["図書館"]
    assert client.get("/api/v1/map/layers/facilities.geojson", {"bbox": "1,2,3"}).status_code == 400
    assert "bbox" in client.get("/api/v1/map/layers/facilities.geojson", {"bbox": "9,9,1,1"}).json()["errors"]


def test_shelters_layer_has_live_status(client, make_shelter):
    make_shelter(lon=140.1, lat=36.1, hazards=("flood", "earthquake"), name="開設中", status=ShelterStatus.OPEN,
                 headcount=30, capacity=100)
    make_shelter(lon=140.2, lat=36.2, name="非公開", is_public=False)
    body = geojson(client, "shelters.geojson")
    assert len(body["features"]) == 1
    properties = body["features"][0]["properties"]
    assert properties["status"] == "open" and properties["headcount"] == 30
    assert properties["occupancy_percent"] == 30 and properties["hazards"] == ["flood", "earthquake"]


def test_hazard_zones_layer(client, staff_api):
    zones(staff_api, sample("flood_zones.geojson"), label_field="RANK_NAME")
    zones(staff_api, collection(feature(SQUARE)), hazard="tsunami")
    body = geojson(client, "hazard-zones.geojson")
    assert sorted(f["properties"]["hazard"] for f in body["features"]) == ["flood", "flood", "tsunami"]
    flood = geojson(client, "hazard-zones.geojson", hazard="flood")
    assert {f["properties"]["label"] for f in flood["features"]} == {"0.5m未満", "3.0m以上5.0m未満"}
    assert client.get("/api/v1/map/layers/hazard-zones.geojson", {"hazard": "meteor"}).status_code == 400


def test_csv_export_uses_the_national_columns(client, staff_api):
    upload(staff_api, "emergency_sites", "sites.csv", sample("emergency_sites.csv"))
    text = export(client, "emergency-sites").decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header[:4] == ["全国地方公共団体コード", "ID", "地方公共団体名", "名称"]
    assert "災害種別_崖崩れ、土石流及び地滑り" in text.splitlines()[0]
    assert {"緯度", "経度", "想定収容人数", "指定避難所との住所同一"} <= set(header)
    assert client.get("/api/v1/map/exports/secret-list.csv").status_code == 404


def test_csv_export_leaves_out_hidden_facilities(client, make_facility):
    make_facility("aed", lon=140.1, lat=36.1, name="公開AED")
    make_facility("aed", lon=140.1, lat=36.1, name="非公開AED", is_public=False)
    text = export(client, "aed").decode("utf-8-sig")
    assert "公開AED" in text and "非公開AED" not in text


# --- management command -----------------------------------------------------------------------

def test_command_prints_the_report(capsys, db):
    call_command("import_map_data", "aed", str(DATA / "aed.csv"), "--source", "bulk")
    report = json.loads(capsys.readouterr().out)
    assert report["created"] == 3 and report["source"] == "bulk"
    call_command("import_map_data", "hazard_zones", str(DATA / "flood_zones.geojson"), "--hazard", "flood",
                 "--level-field", "RANK", "--label-field", "RANK_NAME")
    assert json.loads(capsys.readouterr().out)["created"] == 2
    assert HazardZone.objects.count() == 2


def test_command_fails_and_writes_nothing_on_bad_rows(capsys, db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes((HEADER + "1,施設,36.1,140.1\r\n2,施設,-91,140.1\r\n").encode("cp932"))
    with pytest.raises(CommandError, match="1 problems"):
        call_command("import_map_data", "aed", str(bad))
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == [{"row": 3, "column": "緯度", "message": report["errors"][0]["message"]}]
    assert not Facility.objects.exists()
