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

from apps.accounts.models import Department
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
APPLICATION_ADDRESS = "市原市ひみつ台9丁目8番7号"
INQUIRY_TEXT = "生活保護の相談をしたいのですが"
REPORTER_EMAIL = "tsuho-hogo@example.jp"
ALERT_DRAFT_HEADLINE = "下書き 桜川の避難指示"


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

    # --- the counter: an application, an inquiry and a resident report by one resident ---
    applicant, counter_objects = _counter_records(make_user, point_in(area))
    other_clerk = make_user(Role.RESIDENT)
    grant_role(user=other_clerk, role=Role.CITY_STAFF,
               department=Department.objects.get(code="waste"))  # on none of the records' routes

    # --- alerts: a draft waiting for a second person's approval ---
    alert_draft = _alert_draft(make_user(Role.CITY_STAFF))

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
        "applicant": applicant,
        "other_clerk": other_clerk,
    }
    w.objects = {"association": association, "circular": circular, "check": check, "child": child,
                 "school": school, "person": person,
                 "membership": Membership.objects.get(user=member), "alert_draft": alert_draft,
                 **counter_objects}
    return w


def _counter_records(make_user, where) -> tuple[Any, dict[str, Any]]:
    """A resident's application (route: citizen affairs, then insurance and pension; "city_staff" of
    the matrix works in citizen affairs, the first step's department), inquiry and report."""
    from apps.counter import catalogue_seed
    from apps.counter.models import ReportService
    from apps.counter.services.applications import submit_application
    from apps.counter.services.inquiries import ask
    from apps.counter.services.reports import submit_report
    from tests.counter.conftest import answers_for

    catalogue = catalogue_seed.load()
    applicant = make_user(Role.RESIDENT, email=REPORTER_EMAIL)
    procedure = catalogue["national-health-insurance"]
    application = submit_application(procedure=procedure, applicant=applicant,
                                     answers=answers_for(procedure, address=APPLICATION_ADDRESS))
    citizen_affairs = Department.objects.get(code="citizen-affairs")
    inquiry = ask(department=citizen_affairs, subject="相談", body=INQUIRY_TEXT, asker=applicant)
    service = ReportService.objects.create(code="matrix-road", name="道路の損傷", department=citizen_affairs)
    report = submit_report(service=service, description="道路に穴があります", lat=where.y, lon=where.x,
                           reporter=applicant)
    return applicant, {"application": application, "inquiry": inquiry, "report": report}


def _alert_draft(drafter):
    from apps.alerts.defaults import ensure_event_types
    from apps.alerts.services.areas import AreaChoice
    from apps.alerts.services.compose import AlertContent, draft
    from apps.geo.models import District

    ensure_event_types()
    content = AlertContent(
        event_type="evacuation", urgency="Immediate", severity="Severe", certainty="Likely", evacuation_level=4,
        headline=ALERT_DRAFT_HEADLINE, description="桜川が氾濫するおそれがあります。", instruction="避難してください。",
        headline_en="Evacuation order (draft)", description_en="The river may flood.", instruction_en="Evacuate.",
        headline_easy="ひなん", text_easy="かわ が あふれる かもしれません。",
        expires=timezone.now() + dt.timedelta(hours=6),
        area=AreaChoice(district_ids=[District.objects.order_by("code").first().id]))
    return draft(user=drafter, content=content)
