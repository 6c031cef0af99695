"""Suspicious-person reports (不審者情報): stored, put on the safety map, sent to guardians nearby.

All three happen in one transaction: a report that cannot go on the map or to guardians is not
kept, and the guardians' message leaves only once everything is committed.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.childwatch.choices import SAFETY_CATEGORIES, AlertCategory
from apps.childwatch.models import School, SuspiciousPersonReport
from apps.childwatch.permissions import may_report_suspicious_person
from apps.disastermap.services.incidents import record_incident
from apps.geo.models import SchoolDistrict
from apps.notifications.choices import Category, OrganisationKind, Priority
from apps.notifications.services import Organisation, publish

TOKYO = ZoneInfo("Asia/Tokyo")
PLACE_LIMIT = 200
TEXT_LIMIT = 1500
MAX_AGE = dt.timedelta(days=30)
FUTURE_TOLERANCE = dt.timedelta(minutes=2)

# Okayama Prefecture's six safety-mail categories, as guardians read them.
CATEGORY_JA = {
    AlertCategory.CHILD_SUSPICIOUS: "子供被害不審者情報",
    AlertCategory.CHILD_CRIME_PREVENTION: "子供防犯情報",
    AlertCategory.WOMEN_SUSPICIOUS: "女性被害不審者情報",
    AlertCategory.WOMEN_CRIME_PREVENTION: "女性防犯情報",
    AlertCategory.GENERAL_CRIME_PREVENTION: "一般防犯情報",
    AlertCategory.TRAFFIC_SAFETY: "交通安全情報",
}
CATEGORY_EN = {
    AlertCategory.CHILD_SUSPICIOUS: "Suspicious person (children)",
    AlertCategory.CHILD_CRIME_PREVENTION: "Crime prevention (children)",
    AlertCategory.WOMEN_SUSPICIOUS: "Suspicious person (women)",
    AlertCategory.WOMEN_CRIME_PREVENTION: "Crime prevention (women)",
    AlertCategory.GENERAL_CRIME_PREVENTION: "General crime prevention",
    AlertCategory.TRAFFIC_SAFETY: "Traffic safety",
}


def _text(errors: dict, name: str, value: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("Use at most %(limit)d characters (now %(n)d).") % {"limit": limit, "n": len(value)}
    return value


def _clean(*, category: str, occurred_at: dt.datetime, place_description: str, description: str,
           suspect_description: str, school_districts: list[SchoolDistrict]) -> dict:
    errors: dict[str, str] = {}
    if category not in SAFETY_CATEGORIES:
        errors["category"] = _("Choose one of the six safety categories.")
    now = timezone.now()
    if not isinstance(occurred_at, dt.datetime) or timezone.is_naive(occurred_at):
        errors["occurred_at"] = _("Give the time with its time zone.")
    elif occurred_at > now + FUTURE_TOLERANCE:
        errors["occurred_at"] = _("The time is in the future.")
    elif occurred_at < now - MAX_AGE:
        errors["occurred_at"] = _("The report is older than %(days)d days.") % {"days": MAX_AGE.days}
    fields = {
        "place_description": _text(errors, "place_description", place_description, PLACE_LIMIT),
        "description": _text(errors, "description", description, TEXT_LIMIT),
        "suspect_description": _text(errors, "suspect_description", suspect_description, TEXT_LIMIT,
                                     required=False),
    }
    if not school_districts:
        errors["school_districts"] = _("Choose at least one school district to tell.")
    if errors:
        raise ValidationError(errors)
    return fields


def _message(report: SuspiciousPersonReport, districts: list[SchoolDistrict]) -> dict:
    local = report.occurred_at.astimezone(TOKYO)
    when_ja = f"{local.month}月{local.day}日 {local.hour}時{local.minute:02d}分ごろ"
    person = f"\n■人物の特徴\n{report.suspect_description}" if report.suspect_description else ""
    body = (f"{report.school.name}からのお知らせです。\n■日時\n{when_ja}\n■場所\n{report.place_description}\n"
            f"■内容\n{report.description}{person}\n\n"
            "お子様には、一人で行動しない、知らない人についていかない、危ないと思ったら大声を出して逃げるよう"
            "お声かけください。見かけた場合はすぐに110番通報してください。")
    person_en = f"\nThe person: {report.suspect_description}" if report.suspect_description else ""
    en_body = (f"From {report.school.name_en or report.school.name}.\nWhen: {local:%d %B %Y, %H:%M}\n"
               f"Where: {report.place_description}\nWhat happened: {report.description}{person_en}\n\n"
               "Please remind your children not to walk alone and not to go with strangers. "
               "If you see this person, call the police (110).")
    return {
        "title": f"【{CATEGORY_JA[report.category]}】{report.place_description}"[:120],
        "body": body,
        "variants": {"en": {"title": f"[{CATEGORY_EN[report.category]}] {report.place_description}"[:120],
                            "body": en_body}},
    }


@transaction.atomic
def report_suspicious_person(
    *,
    user: User,
    school: School,
    category: str,
    occurred_at: dt.datetime,
    lat: float,
    lon: float,
    place_description: str,
    description: str,
    suspect_description: str = "",
    school_districts: list[SchoolDistrict] | None = None,
) -> SuspiciousPersonReport:
    """Store a report, put it on the safety map's incidents and warn guardians in the districts.

    `school_districts` defaults to the school's own district.
    """
    if not may_report_suspicious_person(user, school):
        raise PermissionDenied(_("Only the school's staff, its police liaisons or city staff can report."))
    if school_districts is None:
        school_districts = [school.school_district] if school.school_district_id else []
    school_districts = list(school_districts)
    fields = _clean(category=category, occurred_at=occurred_at, place_description=place_description,
                    description=description, suspect_description=suspect_description,
                    school_districts=school_districts)
    # The public map shows the place generalised, and never the description of the person.
    incident = record_incident(
        kind="suspicious_person", source="childwatch",
        title=f"{CATEGORY_JA[category]}（{fields['place_description']}）"[:120],
        description=fields["description"][:2000], occurred_at=occurred_at, lat=lat, lon=lon, created_by=user,
    )
    report = SuspiciousPersonReport.objects.create(
        school=school, category=category, occurred_at=occurred_at, location=incident.location,
        reported_by=user, incident_id=incident.pk, **fields,
    )
    report.school_districts.set(school_districts)
    try:
        message = publish(
            sender=user, organisation=Organisation(OrganisationKind.SCHOOL, school.pk, school.name),
            audience={"segments": [{"kind": "guardians_in_school_districts",
                                    "ids": sorted(d.pk for d in school_districts)}]},
            category=Category.CRIME_SAFETY, priority=Priority.HIGH, **_message(report, school_districts),
        )
    except PermissionDenied:
        raise ValidationError({"school_districts": _(
            "Include a school district of a school you report for.")}) from None
    report.message_id = message.pk
    report.save(update_fields=["message_id"])
    return report
