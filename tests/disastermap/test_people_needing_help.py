"""People who need help (要援護者): only authorised staff and their supporters, always logged, never public."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import AuditEntry
from apps.disastermap.models import PersonNeedingHelp
from apps.disastermap.selectors.support import ACCESS_ACTION, people_needing_help_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(demo_map, point_in):
    def person(name: str, district: str, **fields) -> PersonNeedingHelp:
        area = demo_map.districts[district]
        return PersonNeedingHelp.objects.create(
            full_name=name, address=f"桜川市{area.name}1-2-3", location=point_in(area), district=area,
            phone="086-000-0000", needs="車いすを使用", emergency_contact="長女 090-1111-2222",
            consent_given_on=dt.date(2025, 4, 1), **fields)

    return {"a": person("岡山花子", "01"), "b": person("倉敷太郎", "02")}


@pytest.fixture
def authorised(make_user):
    user = make_user("city_staff")
    user.user_permissions.add(Permission.objects.get(codename="view_personneedinghelp"))
    return user


@pytest.fixture
def supporter_of_a(make_user, people):
    user = make_user("resident")
    people["a"].supporters.add(user)
    return user


NAMES = ("岡山花子", "倉敷太郎")


def page(client, user, url_name="disastermap:support_map", *args):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(url_name, args=args), HTTP_ACCEPT_LANGUAGE="en")


def access_log(**filters) -> list[tuple[object, str, int]]:
    """(user, what, people shown) of each audited read, oldest first."""
    entries = AuditEntry.objects.filter(action=ACCESS_ACTION, **filters).order_by("id").select_related("user")
    rows = []
    for entry in entries:
        what, shown = entry.detail.rsplit(": ", 1)
        rows.append((entry.user, what, int(shown.removesuffix(" shown"))))
    return rows


def test_anonymous_is_sent_to_sign_in_and_sees_no_one(client, people):
    response = page(client, None)
    assert response.status_code == 302 and "login" in response["Location"]
    assert page(client, None, "disastermap:support_person", people["a"].pk).status_code == 302
    assert access_log() == []


@pytest.mark.parametrize("role", ["resident", "city_staff", "association_officer", "school_staff"])
def test_others_are_refused_even_city_staff(client, make_user, people, role):
    user = make_user(role)
    for response in (page(client, user), page(client, user, "disastermap:support_person", people["a"].pk)):
        assert response.status_code == 403
        assert not any(name in response.content.decode() for name in NAMES)
    assert people_needing_help_for(user) == []


def test_authorised_staff_see_everyone_and_the_view_is_logged(client, authorised, people):
    response = page(client, authorised)
    assert response.status_code == 200
    body = response.content.decode()
    assert all(name in body for name in NAMES)
    assert "車いすを使用" in body and "長女 090-1111-2222" in body and "086-000-0000" in body
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    ((user, what, shown),) = access_log()
    assert (user, shown) == (authorised, 2)
    assert "list" in what


def test_a_superuser_sees_everyone(client, make_user, people):
    root = make_user(None, is_superuser=True, is_staff=True)
    assert all(name in page(client, root).content.decode() for name in NAMES)


def test_a_supporter_sees_only_the_person_they_support(client, supporter_of_a, people):
    response = page(client, supporter_of_a)
    assert response.status_code == 200
    body = response.content.decode()
    assert "岡山花子" in body and "倉敷太郎" not in body
    assert page(client, supporter_of_a, "disastermap:support_person", people["a"].pk).status_code == 200
    other = page(client, supporter_of_a, "disastermap:support_person", people["b"].pk)
    assert other.status_code == 404
    assert "倉敷太郎" not in other.content.decode()
    assert [(what, shown) for _, what, shown in access_log(user=supporter_of_a)] == [
        ("support map list", 1), (f"person #{people['a'].pk}", 1), (f"person #{people['b'].pk}", 0)]


def test_the_person_page_for_authorised_staff(client, authorised, people):
    response = page(client, authorised, "disastermap:support_person", people["b"].pk)
    assert response.status_code == 200
    assert "倉敷太郎" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_never_in_public_pages_apis_or_layers(client, people, make_user):
    resident = make_user("resident")
    api = APIClient()
    for user in (None, resident):
        if user:
            client.force_login(user)
            api.force_authenticate(user)
        for url in (reverse("sitemap"), reverse("home"), reverse("disastermap:incident_list"),
                    reverse("disastermap:station_list")):
            body = client.get(url).content.decode()
            assert not any(name in body for name in NAMES)
            assert reverse("disastermap:support_map") not in body
        for url in (reverse("api:map-layer-incidents"), reverse("api:map-layer-water-levels"), "/api/schema/"):
            body = api.get(url).content.decode()
            assert not any(name in body for name in NAMES)
            assert "needinghelp" not in body.lower().replace("_", "")


def test_the_admin_hides_them_from_city_staff_without_the_permission(client, make_user, people):
    staff = make_user("city_staff")
    client.force_login(staff)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert reverse("admin:disastermap_personneedinghelp_changelist") not in index.content.decode()
    assert client.get(reverse("admin:disastermap_personneedinghelp_changelist")).status_code == 403
    assert client.get(reverse("admin:disastermap_personneedinghelp_change", args=[people["a"].pk])).status_code in (
        302, 403)
    assert access_log() == []


def test_the_admin_shows_them_to_authorised_staff_and_logs_it(client, authorised, people, supporter_of_a):
    client.force_login(authorised)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:disastermap_personneedinghelp_changelist") in index
    listing = client.get(reverse("admin:disastermap_personneedinghelp_changelist"))
    assert listing.status_code == 200 and "岡山花子" in listing.content.decode()
    change = client.get(reverse("admin:disastermap_personneedinghelp_change", args=[people["a"].pk]))
    assert change.status_code == 200
    assert [(what, shown) for _, what, shown in access_log()] == [
        ("admin list", 2), (f"admin person #{people['a'].pk}", 1)]


def test_the_access_log_is_read_only_in_the_admin(client, make_user, authorised, people):
    page(client, authorised)
    root = make_user(None, is_superuser=True, is_staff=True)
    client.force_login(root)
    log = AuditEntry.objects.get(action=ACCESS_ACTION)
    assert client.get(reverse("admin:accounts_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:accounts_auditentry_delete", args=[log.pk]), {"post": "yes"}
                       ).status_code == 403
    assert AuditEntry.objects.filter(pk=log.pk).exists()
