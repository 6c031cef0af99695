"""The catalogue pages: search with facets, a dataset with its preview table and map box."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicportal.datasets import live_datasets

pytestmark = pytest.mark.django_db


def test_catalogue_lists_and_filters_by_facet(client, city, uploaded, english):
    page = client.get(reverse("opendata:catalogue")).content.decode()
    assert "Open data catalogue" in page and "Population by district" in page and "AED locations" in page
    assert 'aria-labelledby="facet-organization"' in page and "?theme=disaster" in page

    filtered = client.get(reverse("opendata:catalogue"), {"theme": "disaster"}).content.decode()
    assert "AED locations" in filtered and "Population by district" not in filtered
    disaster_themed = sum(live.theme == "disaster" for live in live_datasets().values())
    assert f"{disaster_themed} datasets" in filtered and 'aria-current="true"' in filtered

    both = client.get(reverse("opendata:catalogue"), {"theme": "disaster", "tag": "AED"}).content.decode()
    assert "1 dataset" in both

    searched = client.get(reverse("opendata:catalogue"), {"q": "人口"}).content.decode()
    assert "Population by district" in searched and "AED locations" not in searched
    nothing = client.get(reverse("opendata:catalogue"), {"q": "存在しない言葉"}).content.decode()
    assert "No dataset matches" in nothing
    assert client.get(reverse("opendata:catalogue"), {"page": "x", "format": "CSV"}).status_code == 200


def test_dataset_page_previews_csv_as_a_table(client, uploaded, english):
    page = client.get(reverse("opendata:dataset", args=["population"])).content.decode()
    assert "<caption" in page and "First 2 rows of" in page
    assert "<th scope=\"col\">地区名</th>" in page and "<td>旭町</td>" in page
    assert "opendata-map" not in page
    assert "shift_jis" in page


def test_live_spatial_dataset_shows_map_box_with_table_fallback(client, city, english):
    page = client.get(reverse("opendata:dataset", args=["shelters"])).content.decode()
    assert 'id="opendata-map"' in page
    assert 'data-geojson="/opendata/shelters/download/geojson.geojson"' in page
    assert "The table below shows the same data." in page and "<td>中央小学校</td>" in page
    assert "opendata-map.js" in page
    assert client.get(reverse("opendata:dataset", args=["nothing"])).status_code == 404


def test_staff_see_publishing_links_and_residents_do_not(client, make_user, staff, uploaded, english):
    client.force_login(make_user("resident"))
    assert "Publish open data" not in client.get(reverse("opendata:catalogue")).content.decode()
    client.force_login(staff)
    assert "Publish open data" in client.get(reverse("opendata:catalogue")).content.decode()
    manage = client.get(reverse("opendata:manage")).content.decode()
    assert "Population by district" in manage


def test_pages_keep_the_filters(client, staff, uploaded, english):
    from apps.opendata.services.catalogue import create_dataset

    dataset, _resource = uploaded
    for n in range(22):
        create_dataset(user=staff, slug=f"shop-{n:02d}", organisation=dataset.organisation, tags=[],
                       title=f"店舗 {n:02d}", theme="economy")
    first = client.get(reverse("opendata:catalogue"), {"theme": "economy"}).content.decode()
    assert "22 datasets" in first and "Page 1 of 2" in first
    assert "?theme=economy&amp;page=2" in first
    second = client.get(reverse("opendata:catalogue"), {"theme": "economy", "page": "2"}).content.decode()
    assert "店舗 21" in second and "Population by district" not in second


def test_uploaded_geojson_is_previewed_on_a_map_and_as_a_table(client, staff, uploaded, english):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.opendata.services.catalogue import add_upload, create_dataset

    dataset, _resource = uploaded
    places = create_dataset(user=staff, slug="parks", organisation=dataset.organisation, tags=[], title="公園")
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [133.93, 34.66]},
         "properties": {"name": "中央公園", "area_m2": 12000}}]}
    resource = add_upload(user=staff, dataset=places, name="公園", upload=SimpleUploadedFile(
        "parks.geojson", json.dumps(document, ensure_ascii=False).encode()))
    assert resource.format == "GeoJSON" and resource.media_type == "application/geo+json"
    page = client.get(reverse("opendata:dataset", args=["parks"])).content.decode()
    map_url = reverse("opendata:resource_download", args=["parks", resource.pk])
    assert f'data-geojson="{map_url}"' in page
    assert "<td>中央公園</td>" in page and "<td>12000</td>" in page
    served = client.get(map_url)
    assert served["Content-Type"] == "application/geo+json"
    assert json.loads(b"".join(served.streaming_content)) == document
