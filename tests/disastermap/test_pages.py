"""The map pages without JavaScript, the admin for city staff, the dashboard panel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.disastermap import demo as map_demo

pytestmark = pytest.mark.django_db


def test_map_page_works_without_javascript(client, make_shelter):
    make_shelter(lon=133.93, lat=34.65, name="中央小学校")
    body = client.get(reverse("disastermap:map")).content.decode()
    # The map box says what to do without JavaScript and the page links to every list.
    assert "map-fallback" in body
    for name in ("disastermap:shelter_list", "disastermap:risk", "disastermap:nearby"):
        assert reverse(name) in body
    # The nearby form submits to the server-rendered results page.
    assert f'action="{reverse("disastermap:nearby")}"' in body
    assert "<script>" not in body  # no inline scripts (CSP)


def test_facility_page_shows_accessibility_and_links_back_to_the_map(client, make_facility):
    toilet = make_facility("public_toilet", lon=133.93, lat=34.65, name="駅前トイレ", wheelchair_toilet=True,
                           phone="086-000-0000")
    body = client.get(reverse("disastermap:facility_detail", args=[toilet.pk])).content.decode()
    assert "駅前トイレ" in body and "tel:086-000-0000" in body
    assert "wheelchair" in body.lower() or "車いす" in body
    hidden = make_facility("aed", lon=133.93, lat=34.65, is_public=False)
    assert client.get(reverse("disastermap:facility_detail", args=[hidden.pk])).status_code == 404


@pytest.fixture
def seeded(demo_map, make_user):
    from apps.accounts.roles import Role

    demo_map.users = {Role.CITY_STAFF.value: make_user("city_staff"),
                      Role.ASSOCIATION_OFFICER.value: make_user("association_officer"),
                      Role.SCHOOL_STAFF.value: make_user("school_staff")}
    map_demo.seed(demo_map)
    return demo_map


def test_city_staff_open_every_map_admin_page(client, seeded):
    client.force_login(seeded.users["city_staff"])
    for model in ("genre", "facility", "shelter", "shelterstatuschange", "hazardzone", "communitymap",
                  "communityfeature", "incident", "waterlevelstation", "place"):
        response = client.get(reverse(f"admin:disastermap_{model}_changelist"))
        assert response.status_code == 200, model


def test_dashboard_panel_counts_open_shelters(client, seeded):
    from apps.disastermap.models import Shelter
    from apps.disastermap.services.shelters import update_status

    clerk = seeded.users["city_staff"]
    update_status(shelter=Shelter.objects.first(), user=clerk, status="open", headcount=25)
    client.force_login(clerk)
    body = client.get(reverse("dashboard")).content.decode()
    assert reverse("disastermap:shelter_list") in body
    panel = body[body.index(reverse("disastermap:shelter_list")) - 2000:]
    assert "25" in panel


def test_demo_data_answers_the_done_when(client, seeded):
    """A resident in the flood zone of the demo river finds flood shelters near them."""
    from apps.disastermap.models import HazardZone

    zone = HazardZone.objects.get(level=3)
    inside = zone.area.point_on_surface
    risk = client.get(reverse("api:map-risk"), {"lat": inside.y, "lon": inside.x}).json()
    assert "flood" in risk["hazards"]
    assert risk["shelters"], "the demo city has flood shelters near its river"
