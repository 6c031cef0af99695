"""One small city with every kind of private record, and one person per place in the matrix.

Each record carries a marker text that only someone allowed to see it can find in a page or
API answer; `World.actors` maps an actor name of the matrix to a user (None: anonymous).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import grant_role
from tests.neighbourhood.conftest import association, make_member, other_association  # noqa: F401  (fixtures)

# Texts that appear only in the private records (never in a public page).
MEMBER_ADDRESS = "秘密町1-2-3"
READER_NAME = "既読 確認子"
CHILD_NAME = "見守 ひみつ子"
NEEDS_HELP_NOTE = "人工呼吸器を使用"
SAFETY_NOTE = "安否のひみつメモ"
PERSON_NAME = "要援護 花子"


@dataclass
class World:
    actors: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def world(demo_map, make_user, association, other_association, make_member, point_in) -> World:  # noqa: F811
    from apps.childwatch.models import Child, GatePassage, GateReader, Guardianship, School, SchoolClass
    from apps.disastermap.models import PersonNeedingHelp
    from apps.neighbourhood.choices import MemberRole, PostKind, Visibility
    from apps.neighbourhood.models import BulletinRead, Membership
    from apps.neighbourhood.services import safety
    from apps.neighbourhood.services.posts import create_bulletin

    w = World()
    officer = make_member(association, MemberRole.OFFICER)
    member = make_member(association)
    Membership.objects.filter(user=member).update(address=MEMBER_ADDRESS, real_name=READER_NAME,
                                                  needs_help=True, needs_help_note=NEEDS_HELP_NOTE,
                                                  needs_help_consent_at=timezone.now())
    circular = create_bulletin(author=officer, association=association, kind=PostKind.CIRCULAR, category="notice",
                               title="回覧", body="お読みください", visibility=Visibility.MEMBERS)
    BulletinRead.objects.create(bulletin=circular, user=member)
    check = safety.start_check(user=officer, title="地震", association=association)
    safety.answer(safety_check=check, user_id=member.pk, status="need_help", note=SAFETY_NOTE)

    school = School.objects.create(code="chuo-es", name="桜川市立中央小学校",
                                   school_district=demo_map.school_districts["E1"], pta_approved_on=dt.date(2026, 4, 1))
    other_school = School.objects.create(code="minato-es", name="桜川市立港小学校",
                                         school_district=demo_map.school_districts["E3"],
                                         pta_approved_on=dt.date(2026, 4, 1))
    school_class = SchoolClass.objects.create(school=school, year=2026, grade=1, name="1組")
    child = Child.objects.create(school=school, school_class=school_class, full_name=CHILD_NAME, given_name="ひみつ子")
    reader = GateReader.objects.create(school=school, code="chuo-main", gate_name="正門")
    GatePassage.objects.create(child=child, reader=reader, direction="in", passed_at=timezone.now(),
                               reader_event_id="e-1")
    guardian = make_user(Role.RESIDENT)
    Guardianship.objects.create(guardian=guardian, child=child, relationship="母", passage_consent_at=timezone.now())
    school_staff = make_user(Role.RESIDENT)
    grant_role(user=school_staff, role=Role.SCHOOL_STAFF, scope=school)
    other_school_staff = make_user(Role.RESIDENT)
    grant_role(user=other_school_staff, role=Role.SCHOOL_STAFF, scope=other_school)

    area = demo_map.districts["01"]
    person = PersonNeedingHelp.objects.create(
        full_name=PERSON_NAME, address="桜川市1-2-3", location=point_in(area), district=area, phone="086-000-0000",
        needs="車いす", emergency_contact="長女", consent_given_on=dt.date(2025, 4, 1))
    authorised_staff = make_user(Role.CITY_STAFF)
    authorised_staff.user_permissions.add(Permission.objects.get(codename="view_personneedinghelp"))
    supporter = make_user(Role.RESIDENT)
    person.supporters.add(supporter)

    w.actors = {
        "anonymous": None,
        "resident": make_user(Role.RESIDENT),
        "member": member,
        "officer": officer,
        "other_officer": make_member(other_association, MemberRole.OFFICER),
        "guardian": guardian,
        "school_staff": school_staff,
        "other_school_staff": other_school_staff,
        "city_staff": make_user(Role.CITY_STAFF),
        "authorised_staff": authorised_staff,
        "supporter": supporter,
        "system_admin": make_user(Role.SYSTEM_ADMIN),
    }
    w.objects = {"association": association, "circular": circular, "check": check, "child": child,
                 "school": school, "person": person,
                 "membership": Membership.objects.get(user=member)}
    return w
