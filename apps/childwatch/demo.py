"""Demo child watch for 桜川市: one school, a class, three children, a guardian, a gate reader.

Idempotent: every row is found by a natural key (school code, class, child name, reader code,
tag id) and made only once; the day's absence report is made for each new day.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import grant_role
from apps.childwatch.choices import AbsenceKind, AbsenceReason, PlanStatus
from apps.childwatch.models import (
    AbsenceReport,
    Child,
    GateReader,
    Guardianship,
    ICTag,
    School,
    SchoolClass,
    ServicePlan,
)

SCHOOL_CODE = "sakuragawa-chuo-es"
# (full name, kana, name used in messages)
CHILDREN = [
    ("山田 はなこ", "やまだ はなこ", "はなこ"),
    ("田中 そうた", "たなか そうた", "そうた"),
    ("小林 ゆい", "こばやし ゆい", "ゆい"),
]


def _school_year(today: dt.date) -> int:
    return today.year if today.month >= 4 else today.year - 1


def seed(demo) -> None:
    today = timezone.localdate()
    district = demo.school_districts.get("E1")
    school, _created = School.objects.get_or_create(code=SCHOOL_CODE, defaults={
        "name": "桜川市立中央小学校", "name_en": "Sakuragawa Chuo Elementary School", "school_district": district,
        "address": "桜川市本町1-1", "pta_approved_on": dt.date(_school_year(today), 4, 20),
        "location": district.area.point_on_surface if district else None,
    })
    staff = demo.users.get(Role.SCHOOL_STAFF.value)
    guardian = demo.users.get(Role.RESIDENT.value)
    if staff:
        grant_role(user=staff, role=Role.SCHOOL_STAFF, scope=school)
    school_class, _created = SchoolClass.objects.get_or_create(
        school=school, year=_school_year(today), grade=1, name="1組", defaults={"teacher": staff})
    children = [
        Child.objects.get_or_create(school=school, full_name=full_name, defaults={
            "school_class": school_class, "name_kana": kana, "given_name": given})[0]
        for full_name, kana, given in CHILDREN
    ]
    hanako = children[0]
    reader, _created = GateReader.objects.get_or_create(code="seimon", defaults={"school": school,
                                                                                  "gate_name": "正門"})
    ICTag.objects.get_or_create(uid="DEMO-TAG-0001", defaults={"child": hanako})
    if guardian:
        Guardianship.objects.get_or_create(guardian=guardian, child=hanako, defaults={
            "relationship": "母", "verified_by": staff, "passage_consent_at": timezone.now()})
        ServicePlan.objects.get_or_create(guardian=guardian, school=school, defaults={
            "plan": "gate", "monthly_fee_yen": 300, "status": PlanStatus.ACTIVE,
            "period_start": dt.date(_school_year(today), 5, 1)})
        AbsenceReport.objects.get_or_create(child=hanako, date=today, kind=AbsenceKind.LATE, defaults={
            "reason": AbsenceReason.APPOINTMENT, "expected_time": dt.time(10, 30),
            "note": "歯科受診のため、10時30分ごろ登校します。", "reported_by": guardian})
    demo.notes.append(
        f"Child watch: {school.name} (1年1組, 3 children); the demo teacher is its staff and class teacher, "
        f"the demo resident the guardian of はなこ (consented, late report today); gate reader “{reader.code}” "
        f"(正門) with tag DEMO-TAG-0001; see the admin for its secret.")
