"""Fixtures for child watch: two schools, classes, children, their guardians and staff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import grant_role
from apps.childwatch.models import Child, Guardianship, School, SchoolClass
from tests.notifications.conftest import resident_in, run_broadcast  # noqa: F401  (shared fixtures)


@pytest.fixture
def school(demo_map) -> School:
    return School.objects.create(code="chuo-es", name="桜川市立中央小学校",
                                 school_district=demo_map.school_districts["E1"],
                                 pta_approved_on=dt.date(2026, 4, 1))


@pytest.fixture
def other_school(demo_map) -> School:
    return School.objects.create(code="minato-es", name="桜川市立港小学校",
                                 school_district=demo_map.school_districts["E3"],
                                 pta_approved_on=dt.date(2026, 4, 1))


@pytest.fixture
def make_class(db):
    def make(school: School, grade: int = 1, name: str = "1組", teacher=None) -> SchoolClass:
        return SchoolClass.objects.create(school=school, year=2026, grade=grade, name=name, teacher=teacher)
    return make


@pytest.fixture
def make_child(db):
    counter = {"n": 0}

    def make(school_class: SchoolClass, given_name: str | None = None) -> Child:
        counter["n"] += 1
        given_name = given_name or f"こども{counter['n']}"
        return Child.objects.create(school=school_class.school, school_class=school_class,
                                    full_name=f"桜川 {given_name}", given_name=given_name)
    return make


@pytest.fixture
def make_staff(make_user):
    """make_staff(school) -> a user holding school_staff for that school only."""
    def make(school: School):
        user = make_user("resident")
        grant_role(user=user, role=Role.SCHOOL_STAFF, scope=school)
        return user
    return make


@pytest.fixture
def make_guardian(make_user):
    """make_guardian(child, ...) -> a resident linked to those children, consenting to gate notices."""
    def make(*children: Child, consent: bool = True, verified_by=None):
        user = make_user("resident")
        for child in children:
            Guardianship.objects.create(guardian=user, child=child, verified_by=verified_by, relationship="母",
                                        passage_consent_at=timezone.now() if consent else None)
        return user
    return make
