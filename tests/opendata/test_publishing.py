"""Staff publishing: files are checked (type, size, CSV parse and encoding), versions kept, links kept."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.opendata.models import Dataset, Resource, ResourceVersion

pytestmark = pytest.mark.django_db

CSV_UTF8 = "地区コード,地区名,人口\n01,中央,3300\n02,旭町,2100\n03,桜ヶ丘,4000\n".encode()


def post_upload(client, slug: str, name: str, content: bytes, **extra):
    return client.post(reverse("opendata:resource_add", args=[slug]), {
        "kind": "upload", "name": "人口", "name_en": "", "description": "",
        "file": SimpleUploadedFile(name, content), **extra})


def test_staff_create_a_dataset_with_the_form(client, staff, english):
    client.force_login(staff)
    from apps.opendata.models import Organisation

    organisation = Organisation.objects.get_or_create(code="citizen-affairs", defaults={"name": "市民課"})[0]
    response = client.post(reverse("opendata:dataset_create"), {
        "slug": "bus-stops", "organisation": organisation.pk, "title": "バス停一覧", "title_en": "Bus stops",
        "tags": "交通、バス", "theme": "transport", "licence": "CC-BY-4.0", "update_frequency": "annual",
        "temporal_start": "2026-04-01", "temporal_end": "2026-03-31", "published": "on",
    })
    assert response.status_code == 200
    assert "The end of the period covered is before its start." in response.content.decode()
    response = client.post(reverse("opendata:dataset_create"), {
        "slug": "bus-stops", "organisation": organisation.pk, "title": "バス停一覧", "title_en": "Bus stops",
        "tags": "交通、バス", "theme": "transport", "licence": "CC-BY-4.0", "update_frequency": "annual",
        "published": "on",
    })
    assert response.status_code == 302
    dataset = Dataset.objects.get(slug="bus-stops")
    assert set(dataset.tags.values_list("name", flat=True)) == {"交通", "バス"}
    again = client.post(reverse("opendata:dataset_create"), {
        "slug": "shelters", "organisation": organisation.pk, "title": "x", "theme": "other",
        "licence": "CC-BY-4.0", "update_frequency": "annual"})
    assert "is taken" in again.content.decode()


def test_shift_jis_csv_is_detected_and_served_as_uploaded(client, uploaded):
    dataset, resource = uploaded
    assert resource.encoding == "shift_jis" and resource.format == "CSV"
    version = resource.current_version()
    assert version.rows == 2 and version.size == resource.size
    response = client.get(reverse("opendata:resource_download", args=[dataset.slug, resource.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.decode("cp932").startswith("地区コード")
    assert response["ETag"] == f'"{resource.checksum}"'
    again = client.get(reverse("opendata:resource_download", args=[dataset.slug, resource.pk]),
                       HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_new_version_keeps_the_old_one(client, staff, uploaded):
    dataset, resource = uploaded
    client.force_login(staff)
    response = client.post(reverse("opendata:version_add", args=[dataset.slug, resource.pk]), {
        "file": SimpleUploadedFile("population.csv", CSV_UTF8), "note": "4月分"})
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.encoding == "utf-8"
    assert list(resource.versions.values_list("number", flat=True)) == [2, 1]
    latest = client.get(reverse("opendata:resource_download", args=[dataset.slug, resource.pk]))
    assert b"".join(latest.streaming_content) == CSV_UTF8
    first = client.get(reverse("opendata:version_download", args=[dataset.slug, resource.pk, 1]))
    rows = list(csv.reader(io.StringIO(b"".join(first.streaming_content).decode("cp932"))))
    assert rows[1] == ["01", "中央", "3210"]
    package = client.get("/api/3/action/package_show", {"id": dataset.slug}).json()["result"]
    assert package["resources"][0]["hash"] == f"sha256:{resource.checksum}"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("ragged.csv", b"a,b,c\n1,2,3\n4,5\n", "Line 3 has 2 columns; the header has 3."),
    ("latin.csv", "name\ncafé\n".encode("latin-1"), "neither UTF-8 nor Shift_JIS"),
    ("utf16.csv", "name\ncafé\n".encode("utf-16"), "holds binary data"),
    ("quote.csv", b'a,b\n"1,2\n', "does not parse"),
    ("empty.csv", b"", "The submitted file is empty."),
    ("tool.exe", b"MZ\x90\x00", "cannot be published"),
    ("fake.pdf", b"hello", "is not a PDF"),
    ("fake.xlsx", b"a,b\n1,2\n", "not a ZIP-based file"),
    ("zipped.csv", b"PK\x03\x04rest", "holds binary data"),
    ("broken.json", b"{not json", "not valid JSON"),
    ("plain.geojson", b'{"hello": 1}', "not GeoJSON"),
])
def test_bad_files_are_refused_with_the_reason(client, staff, uploaded, english, name, content, message):
    dataset, _resource = uploaded
    client.force_login(staff)
    before = ResourceVersion.objects.count()
    response = post_upload(client, dataset.slug, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ResourceVersion.objects.count() == before


def test_size_limit(client, staff, uploaded, english, settings):
    settings.OPENDATA_MAX_UPLOAD_BYTES = 1024 * 1024
    dataset, _resource = uploaded
    client.force_login(staff)
    response = post_upload(client, dataset.slug, "big.csv", b"a,b\n" + b"1,2\n" * 300_000)
    assert "the limit is 1 MB" in response.content.decode()


def test_external_link_resource(client, staff, uploaded, english):
    dataset, _resource = uploaded
    client.force_login(staff)
    bad = client.post(reverse("opendata:resource_add", args=[dataset.slug]), {
        "kind": "link", "name": "API", "url": "ftp://example.jp/x", "format": "API"})
    assert bad.status_code == 200 and "starting with https://" in bad.content.decode()
    response = client.post(reverse("opendata:resource_add", args=[dataset.slug]), {
        "kind": "link", "name": "県のカタログ", "url": "https://opendata.pref.example.jp/dataset/1", "format": "html"})
    assert response.status_code == 302
    link = Resource.objects.get(kind="link")
    assert link.format == "HTML"
    package = client.get("/api/3/action/package_show", {"id": dataset.slug}).json()["result"]
    assert "https://opendata.pref.example.jp/dataset/1" in [item["url"] for item in package["resources"]]
    redirect = client.get(reverse("opendata:resource_download", args=[dataset.slug, link.pk]))
    assert redirect.status_code == 302 and redirect["Location"] == link.url


def test_residents_and_strangers_cannot_publish(client, make_user, uploaded):
    dataset, resource = uploaded
    pages = [reverse("opendata:manage"), reverse("opendata:dataset_create"),
             reverse("opendata:resource_add", args=[dataset.slug]),
             reverse("opendata:dataset_edit", args=[dataset.slug]),
             reverse("opendata:version_add", args=[dataset.slug, resource.pk])]
    for url in pages:
        assert client.get(url).status_code == 302  # to sign in
    client.force_login(make_user("resident"))
    for url in pages:
        assert client.get(url).status_code == 403
    response = post_upload(client, dataset.slug, "x.csv", CSV_UTF8)
    assert response.status_code == 403 and resource.versions.count() == 1
    from django.core.exceptions import PermissionDenied

    from apps.opendata.services.catalogue import add_link

    with pytest.raises(PermissionDenied):
        add_link(user=make_user("association_officer"), dataset=dataset, url="https://example.jp", name="x",
                 format="HTML")


def test_live_dataset_keeps_its_own_titles_when_staff_edit_it(client, staff, city, english):
    client.force_login(staff)
    shelters = Dataset.objects.get(slug="shelters")
    response = client.post(reverse("opendata:dataset_edit", args=["shelters"]), {
        "organisation": shelters.organisation.pk, "title": "書き換え", "theme": "other", "licence": "CC0-1.0",
        "update_frequency": "daily", "contact_name": "危機管理課", "published": "on"})
    assert response.status_code == 302
    shelters.refresh_from_db()
    assert shelters.title == "指定緊急避難場所・指定避難所一覧" and shelters.theme == "disaster"
    assert shelters.licence == "CC0-1.0" and shelters.contact_name == "危機管理課"
