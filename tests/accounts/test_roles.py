"""Granting and revoking roles keeps grants, groups and staff flags in step."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from apps.accounts.models import Profile, RoleGrant, User
from apps.accounts.roles import Role, role_permissions
from apps.accounts.selectors import has_role, holders_of, roles_of, scope_ids
from apps.accounts.services import grant_role, revoke_role, sync_role_groups
from apps.geo.models import District

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db) -> User:
    return User.objects.create_user(email="person@example.jp", password="x" * 12)


def group_names(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_resident_grant_adds_group_and_no_staff_flags(person):
    grant = grant_role(user=person, role=Role.RESIDENT)

    person.refresh_from_db()
    assert grant.role == Role.RESIDENT and grant.scope_type is None
    assert group_names(person) == {"resident"}
    assert not person.is_staff and not person.is_superuser
    assert has_role(person, Role.RESIDENT)


def test_city_staff_is_staff_but_not_superuser_and_joins_department(person, department):
    grant_role(user=person, role=Role.CITY_STAFF, department=department)

    person.refresh_from_db()
    assert person.is_staff and not person.is_superuser
    assert group_names(person) == {"city_staff"}
    assert Profile.objects.get(user=person).department == department


def test_system_admin_is_staff_and_superuser(person):
    grant_role(user=person, role=Role.SYSTEM_ADMIN)

    person.refresh_from_db()
    assert person.is_staff and person.is_superuser
    assert group_names(person) == {"system_admin"}


def test_city_staff_without_department_is_refused(person):
    with pytest.raises(ValidationError) as caught:
        grant_role(user=person, role=Role.CITY_STAFF)

    assert "department" in caught.value.message_dict
    assert not RoleGrant.objects.filter(user=person).exists()
    assert group_names(person) == set()


def test_department_on_a_non_city_role_is_refused(person, department):
    with pytest.raises(ValidationError) as caught:
        grant_role(user=person, role=Role.RESIDENT, department=department)

    assert "department" in caught.value.message_dict
    assert not RoleGrant.objects.filter(user=person).exists()


def test_scope_on_an_unscoped_role_is_refused(person, demo_map):
    with pytest.raises(ValidationError) as caught:
        grant_role(user=person, role=Role.RESIDENT, scope=demo_map.districts["01"])

    assert "scope" in caught.value.message_dict
    assert not RoleGrant.objects.filter(user=person).exists()


def test_unsaved_scope_is_refused(person, demo_map):
    unsaved = District(city=demo_map.city, code="99", name="未保存", area=demo_map.districts["01"].area)

    with pytest.raises(ValidationError) as caught:
        grant_role(user=person, role=Role.ASSOCIATION_OFFICER, scope=unsaved)

    assert "scope" in caught.value.message_dict


def test_scoped_grant_applies_to_that_object_only(person, demo_map):
    # A District stands in for an association: any saved model instance can be a scope.
    first, second = demo_map.districts["01"], demo_map.districts["02"]

    grant_role(user=person, role=Role.ASSOCIATION_OFFICER, scope=first)

    assert has_role(person, Role.ASSOCIATION_OFFICER)
    assert has_role(person, Role.ASSOCIATION_OFFICER, scope=first)
    assert not has_role(person, Role.ASSOCIATION_OFFICER, scope=second)
    assert not has_role(person, Role.SCHOOL_STAFF, scope=first)
    assert scope_ids(person, Role.ASSOCIATION_OFFICER, District) == {first.pk}
    assert list(holders_of(Role.ASSOCIATION_OFFICER, scope=first)) == [person]
    assert not holders_of(Role.ASSOCIATION_OFFICER, scope=second).exists()


def test_holders_of_leaves_out_inactive_users(person, demo_map):
    district = demo_map.districts["01"]
    grant_role(user=person, role=Role.ASSOCIATION_OFFICER, scope=district)
    User.objects.filter(pk=person.pk).update(is_active=False)

    assert not holders_of(Role.ASSOCIATION_OFFICER, scope=district).exists()


def test_anonymous_holds_nothing(demo_map):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert roles_of(anonymous) == frozenset()
    assert not has_role(anonymous, Role.ASSOCIATION_OFFICER, scope=demo_map.districts["01"])
    assert scope_ids(anonymous, Role.ASSOCIATION_OFFICER, District) == set()


def test_granting_twice_is_idempotent(person, department, demo_map):
    district = demo_map.districts["01"]
    for _ in range(2):
        grant_role(user=person, role=Role.RESIDENT)
        grant_role(user=person, role=Role.CITY_STAFF, department=department)
        grant_role(user=person, role=Role.ASSOCIATION_OFFICER, scope=district)

    assert RoleGrant.objects.filter(user=person).count() == 3
    assert person.groups.count() == 3
    assert group_names(person) == {"resident", "city_staff", "association_officer"}


def test_revoking_one_scope_keeps_the_others(person, demo_map):
    first, second = demo_map.districts["01"], demo_map.districts["02"]
    grant_role(user=person, role=Role.ASSOCIATION_OFFICER, scope=first)
    grant_role(user=person, role=Role.ASSOCIATION_OFFICER, scope=second)

    revoke_role(user=person, role=Role.ASSOCIATION_OFFICER, scope=first)

    assert scope_ids(person, Role.ASSOCIATION_OFFICER, District) == {second.pk}
    assert has_role(person, Role.ASSOCIATION_OFFICER)
    assert "association_officer" in group_names(person)


def test_revoking_the_last_scope_drops_the_group(person, demo_map):
    district = demo_map.districts["01"]
    grant_role(user=person, role=Role.ASSOCIATION_OFFICER, scope=district)
    assert has_role(person, Role.ASSOCIATION_OFFICER)

    revoke_role(user=person, role=Role.ASSOCIATION_OFFICER, scope=district)

    assert not has_role(person, Role.ASSOCIATION_OFFICER)
    assert group_names(person) == set()


def test_revoking_city_staff_clears_staff_flag_and_department(person, department):
    grant_role(user=person, role=Role.RESIDENT)
    grant_role(user=person, role=Role.CITY_STAFF, department=department)

    revoke_role(user=person, role=Role.CITY_STAFF)

    person.refresh_from_db()
    assert not person.is_staff and not person.is_superuser
    assert group_names(person) == {"resident"}
    assert Profile.objects.get(user=person).department is None
    assert roles_of(person) == {"resident"}


def test_revoking_system_admin_clears_superuser(person):
    grant_role(user=person, role=Role.SYSTEM_ADMIN)

    revoke_role(user=person, role=Role.SYSTEM_ADMIN)

    person.refresh_from_db()
    assert not person.is_staff and not person.is_superuser
    assert not has_role(person, Role.SYSTEM_ADMIN)


def test_sync_role_groups_gives_city_staff_the_listed_geo_permissions():
    city_staff = Group.objects.get(name="city_staff")
    city_staff.permissions.clear()

    sync_role_groups()

    granted = {
        f"{app_label}.{codename}"
        for app_label, codename in city_staff.permissions.values_list("content_type__app_label", "codename")
    }
    geo_listed = {perm for perm in role_permissions(Role.CITY_STAFF) if perm.startswith("geo.")}
    assert geo_listed == {
        "geo.view_city",
        "geo.view_district", "geo.change_district", "geo.add_district",
        "geo.view_schooldistrict", "geo.change_schooldistrict", "geo.add_schooldistrict",
    }
    assert geo_listed <= granted
    assert "geo.delete_district" not in granted
    assert {group.name for group in Group.objects.filter(name__in=Role.values)} == set(Role.values)
    assert not Group.objects.get(name="resident").permissions.exists()


def test_sync_role_groups_removes_permissions_a_role_does_not_list():
    from django.contrib.auth.models import Permission

    resident = Group.objects.get(name="resident")
    resident.permissions.add(Permission.objects.get(codename="delete_district"))

    sync_role_groups()

    assert not resident.permissions.exists()
