"""The printed community map: server-side SVG, numbered legend, A4 and A3 pages."""
# ruff: noqa: F811  (fixtures imported from community_support are requested by name)

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.urls import reverse

from apps.disastermap.choices import FeatureStatus
from apps.disastermap.selectors.community import accepted_features
from apps.disastermap.svgmap import PAPERS, Projection, render
from tests.disastermap.community_support import (  # noqa: F401  (fixtures)
    INSIDE,
    _english,
    _media,
    cmap,
    make_feature,
    make_map,
    people,
    private_map,
    road,
    square,
)

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  (our own renderer's output, not untrusted input)


@pytest.fixture
def drawn(cmap, make_feature, people):
    make_feature(cmap, category="meeting_point", title="中央公園 <集合>", geometry=square(133.905, 34.644))
    make_feature(cmap, category="danger", title="ブロック塀", note="通学路")
    make_feature(cmap, category="blocked_road", title="狭い路地", geometry=road(133.903, 34.643))
    make_feature(cmap, status=FeatureStatus.PROPOSED, by=people.member, title="未承認")
    return cmap


def test_svg_holds_every_accepted_feature_numbered_with_north_arrow_and_scale_bar(drawn):
    features = list(accepted_features(drawn))
    svg = render(drawn, features, paper="a4")
    root = parse(svg)  # well-formed XML, titles escaped
    assert root.get("viewBox") == "0 0 1000 1150"
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "1. ブロック塀" in titles and "2. 狭い路地" in titles and "3. 中央公園 <集合>" in titles
    assert not any("未承認" in (t or "") for t in titles)
    markers = root.findall(f".//{SVG}g[@class='marker']")
    assert [m.find(f"{SVG}text").text for m in markers] == ["1", "2", "3"]
    # Each category reads in black and white: a pattern for the area, a dash style for the road.
    area = [p for p in root.iter(f"{SVG}path") if p.get("fill") == "url(#pat-meeting_point)"]
    assert len(area) == 1
    assert any(p.get("stroke-dasharray") == "14 7" for p in root.iter(f"{SVG}path"))
    assert root.find(f".//{SVG}pattern[@id='pat-danger']") is not None
    assert root.find(f".//{SVG}g[@class='north-arrow']") is not None
    assert root.find(f".//{SVG}g[@class='scale-bar']") is not None
    assert root.find(f".//{SVG}path[@class='district']") is not None


def test_points_are_placed_where_they_are(drawn):
    features = list(accepted_features(drawn))
    svg = render(drawn, features, paper="a3")
    root = parse(svg)
    assert root.get("viewBox") == "0 0 1500 960"
    # The danger point sits inside the district; its marker lies inside the drawn district box.
    xs, ys = zip(*[(float(a), float(b)) for a, b in re.findall(r"([\d.]+) ([\d.]+)",
                                                                 root.find(f".//{SVG}path[@class='district']").get("d"))],
                 strict=True)
    marker = root.findall(f".//{SVG}g[@class='marker']")[0]
    circle = marker.find(f"{SVG}path")  # danger: a triangle around the number
    label = marker.find(f"{SVG}text")
    assert circle is not None
    assert min(xs) < float(label.get("x")) < max(xs) and min(ys) < float(label.get("y")) < max(ys)


def test_projection_keeps_distances_true_east_and_north():
    # 0.01° of longitude at 34.6°N is about 0.823 of 0.01° of latitude on the ground.
    projection = Projection((133.90, 34.64, 133.91, 34.65), 1000, 1000, margin=0)
    x0, y0 = projection.xy(133.90, 34.65)
    x1, _y = projection.xy(133.91, 34.65)
    _x, y1 = projection.xy(133.90, 34.64)
    assert (x1 - x0) / (y1 - y0) == pytest.approx(0.8229, abs=1e-3)
    assert projection.metres_per_unit == pytest.approx(1111.95 / (y1 - y0), rel=1e-6)


@pytest.mark.parametrize(("paper", "page_css"), [("a4", None), ("a3", "community-print-a3.css")])
def test_print_page_renders_for_both_paper_sizes(client, drawn, paper, page_css):
    response = client.get(reverse("disastermap:community_print", args=[drawn.pk]), {"paper": paper})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-paper="{paper}"' in html and f"paper-{paper}" in html
    assert "css/community-print.css" in html
    assert (page_css in html) if page_css else ("community-print-a3.css" not in html)
    assert "<script" not in html  # no JavaScript needed, none sent
    rows = re.findall(r'<tr><th scope="row">(\d+)</th><td>([^<]+)</td><td>([^<]+)</td><td>([^<]*)</td></tr>', html)
    assert rows == [("1", "Danger spot", "ブロック塀", "通学路"),
                    ("2", "Road that may be blocked in a disaster", "狭い路地", ""),
                    ("3", "Meeting point", "中央公園 &lt;集合&gt;", "")]
    assert "未承認" not in html


def test_print_css_sets_the_paper(client):
    from django.contrib.staticfiles import finders

    a4 = Path(finders.find("css/community-print.css")).read_text(encoding="utf-8")
    a3 = Path(finders.find("css/community-print-a3.css")).read_text(encoding="utf-8")
    assert "@page { size: A4 portrait" in a4 and "@page { size: A3 landscape" in a3


def test_unknown_paper_is_refused_and_private_maps_stay_private(client, private_map, people):
    url = reverse("disastermap:community_print", args=[private_map.pk])
    assert client.get(url, {"paper": "a4"}).status_code == 404
    client.force_login(people.member)
    assert client.get(url, {"paper": "b5"}).status_code == 400
    assert client.get(url).status_code == 200  # A4 when none is chosen
    assert set(PAPERS) == {"a4", "a3"}


def test_an_empty_map_still_prints(client, cmap):
    response = client.get(reverse("disastermap:community_print", args=[cmap.pk]), {"paper": "a3"})
    assert response.status_code == 200
    assert "Nothing has been drawn on this map yet." in response.content.decode()
    assert parse(render(cmap, [], paper="a3")).find(f".//{SVG}path[@class='district']") is not None


def test_point_right_at_the_inside_spot_is_listed_with_coordinates(client, cmap, make_feature):
    make_feature(cmap, title="消火器")
    page = client.get(reverse("disastermap:community_detail", args=[cmap.pk])).content.decode()
    assert f"Point at {INSIDE[1]:.5f}, {INSIDE[0]:.5f}" in page
