"""The public directory and the privacy of member lists."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import AuditEntry
from apps.neighbourhood.choices import MemberRole, MembershipStatus
from apps.neighbourhood.models import Membership

pytestmark = pytest.mark.django_db


def test_directory_lists_counts_only_and_finds_by_district_and_address(client, association, other_association,
                                                                       make_member):
    make_member(association)
    make_member(association)
    make_member(association, status=MembershipStatus.PENDING)
    page = client.get(reverse("neighbourhood:directory"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "旭町町内会" in html and "港町自治会" in html
    assert page.context["associations"][0].member_count == 2  # pending requests are not members
    assert "会員 1" not in html  # no names, only a number

    by_district = client.get(reverse("neighbourhood:directory"), {"q": "港町"})
    assert [a.slug for a in by_district.context["associations"]] == ["minato"]

    point = association.area.point_on_surface
    by_point = client.get(reverse("neighbourhood:directory"), {"lat": point.y, "lon": point.x})
    assert [a.slug for a in by_point.context["associations"]] == ["asahi"]

    by_place = client.get(reverse("neighbourhood:directory"), {"place": "旭町2-3-1"})
    assert [a.slug for a in by_place.context["associations"]] == ["asahi"]

    unknown = client.get(reverse("neighbourhood:directory"), {"place": "どこにもない町"})
    assert unknown.status_code == 400 and unknown.context["form"].errors["place"]


def test_unlisted_associations_are_hidden_from_outsiders(client, association, make_member):
    association.listed = False
    association.save()
    assert "旭町町内会" not in client.get(reverse("neighbourhood:directory")).content.decode()
    assert client.get(reverse("neighbourhood:association_public", args=["asahi"])).status_code == 404
    client.force_login(make_member(association))
    assert client.get(reverse("neighbourhood:association_public", args=["asahi"])).status_code == 200


def test_api_directory_and_detail(association, other_association, make_member):
    make_member(association)
    api = APIClient()
    listing = api.get(reverse("api:neighbourhood-associations"), {"q": "旭町"}).json()
    assert [(a["slug"], a["member_count"], a["districts"]) for a in listing] == [("asahi", 1, ["02"])]
    detail = api.get(reverse("api:neighbourhood-association", args=["asahi"])).json()
    assert detail["area"]["type"] == "MultiPolygon"
    bad = api.get(reverse("api:neighbourhood-associations"), {"lat": 34.6})
    assert bad.status_code == 400 and "lon" in bad.json()["errors"]


def test_plain_member_sees_a_count_and_the_officers_names_only(client, association, make_member):
    chair = make_member(association, MemberRole.CHAIR)
    neighbour = make_member(association)
    member = make_member(association)
    client.force_login(member)
    about = client.get(reverse("neighbourhood:association_public", args=[association.slug]))
    html = about.content.decode()
    chair_name = Membership.objects.get(user=chair).real_name
    neighbour_membership = Membership.objects.get(user=neighbour)
    assert chair_name in html
    assert neighbour_membership.real_name not in html and neighbour_membership.address not in html

    assert client.get(reverse("neighbourhood:members", args=[association.slug])).status_code == 403
    assert client.get(reverse("neighbourhood:membership_requests", args=[association.slug])).status_code == 403
    api = APIClient()
    api.force_authenticate(member)
    response = api.get(reverse("api:neighbourhood-members", args=[association.slug]))
    assert response.status_code == 403
    assert neighbour_membership.address not in response.content.decode()


def test_member_of_one_association_never_sees_anothers_members(client, association, other_association, make_member):
    outsider_officer = make_member(other_association, MemberRole.CHAIR)
    insider = make_member(association)
    insider_membership = Membership.objects.get(user=insider)
    client.force_login(outsider_officer)
    for name in ("members", "membership_requests", "rules"):
        response = client.get(reverse(f"neighbourhood:{name}", args=[association.slug]))
        assert response.status_code in (403, 404)
        assert insider_membership.real_name not in response.content.decode()
    api = APIClient()
    api.force_authenticate(outsider_officer)
    for status in ("active", "pending"):
        response = api.get(reverse("api:neighbourhood-members", args=[association.slug]), {"status": status})
        assert response.status_code == 403
        assert insider_membership.real_name not in response.content.decode()
    anonymous = APIClient().get(reverse("api:neighbourhood-members", args=[association.slug]))
    assert anonymous.status_code in (401, 403)


def test_officers_see_names_addresses_and_roles_and_the_read_is_audited(client, association, officer, make_member):
    member = make_member(association)
    membership = Membership.objects.get(user=member)
    client.force_login(officer)
    html = client.get(reverse("neighbourhood:members", args=[association.slug])).content.decode()
    assert membership.real_name in html and membership.address in html
    assert AuditEntry.objects.filter(user=officer, action="neighbourhood.member_list").exists()
    api = APIClient()
    api.force_authenticate(officer)
    rows = api.get(reverse("api:neighbourhood-members", args=[association.slug])).json()
    assert {row["real_name"] for row in rows} >= {membership.real_name}


@pytest.mark.parametrize("slug", ["safety", "networks", "mine"])
def test_association_address_cannot_take_a_site_page(association, slug):
    from django.core.exceptions import ValidationError

    association.slug = slug
    with pytest.raises(ValidationError) as error:
        association.full_clean()
    assert "slug" in error.value.message_dict
