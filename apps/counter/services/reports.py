"""Resident reports: made from the web form or an Open311 client, moved through their states by staff.

One `submit_report` serves both doors, so the checks (service, place inside the world, attribute
answers against the service definition, photo by content and size with EXIF dropped) are the
same. A status change writes a public `ReportUpdate` and tells the reporter, all in one
transaction; the message and mail leave once it commits.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.counter.models import (
    AttributeType,
    Open311ApiKey,
    ReportService,
    ReportSource,
    ReportStatus,
    ReportUpdate,
    ResidentReport,
)
from apps.counter.permissions_floor import may_triage_reports, may_update_report
from apps.counter.services.floor_mail import mail_after_commit
from apps.notifications.choices import Category, OrganisationKind
from apps.notifications.services import Organisation, publish
from civicportal.uploads import clean_photo

DESCRIPTION_LIMIT = 4000  # the GeoReport v2 limit
NOTE_LIMIT = 500
ADDRESS_LIMIT = 300
ATTRIBUTE_TEXT_LIMIT = 1000

# Characters no XML 1.0 document may hold (the Open311 XML answers must stay well-formed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _control_error(errors: dict, name: str, value: str) -> None:
    if value and _CONTROL.search(value) and name not in errors:
        errors[name] = _("Remove the control characters from this text.")


# Which moves staff may make; closing may come from any open state, reopening only from closed.
TRANSITIONS = {
    ReportStatus.OPEN: {ReportStatus.ACKNOWLEDGED, ReportStatus.IN_PROGRESS, ReportStatus.CLOSED},
    ReportStatus.ACKNOWLEDGED: {ReportStatus.IN_PROGRESS, ReportStatus.CLOSED},
    ReportStatus.IN_PROGRESS: {ReportStatus.CLOSED},
    ReportStatus.CLOSED: {ReportStatus.OPEN},
}


def _clean_value(attribute, raw) -> object:
    """One attribute answer, checked against its datatype; raises ValueError with the reason."""
    values = raw if isinstance(raw, list) else [raw]
    values = [str(v).strip() for v in values if v is not None and str(v).strip() != ""]
    if attribute.datatype == AttributeType.MULTI:
        keys = {str(v.get("key")) for v in attribute.values}
        wrong = [v for v in values if v not in keys]
        if wrong:
            raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": wrong[0]})
        return sorted(set(values))
    if len(values) > 1:
        raise ValueError(_("Give one value only."))
    value = values[0] if values else ""
    if attribute.datatype == AttributeType.SINGLE:
        if value not in {str(v.get("key")) for v in attribute.values}:
            raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": value})
        return value
    if attribute.datatype == AttributeType.NUMBER:
        try:
            number = float(value)
        except ValueError:
            raise ValueError(_("Give a number.")) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(_("Give a number."))
        return number
    if attribute.datatype == AttributeType.DATETIME:
        parsed = parse_datetime(value)
        if parsed is None or parsed.tzinfo is None:
            raise ValueError(_("Give a date and time with its offset, e.g. 2026-11-23T09:00:00+09:00."))
        return parsed.isoformat()
    if len(value) > ATTRIBUTE_TEXT_LIMIT:
        raise ValueError(_("Use at most %(n)d characters.") % {"n": ATTRIBUTE_TEXT_LIMIT})
    if _CONTROL.search(value):
        raise ValueError(_("Remove the control characters from this text."))
    if attribute.datatype == AttributeType.STRING and ("\n" in value or "\r" in value):
        raise ValueError(_("Give one line only."))
    return value


def clean_attributes(service: ReportService, raw: dict) -> dict:
    """Answers keyed by attribute code; unknown codes and missing required answers are refused."""
    errors: dict[str, str] = {}
    definitions = {a.code: a for a in service.attributes.all() if a.variable}
    cleaned: dict = {}
    for code in sorted(set(raw) - set(definitions)):
        errors[f"attribute[{code}]"] = _("This service has no attribute “%(code)s”.") % {"code": code}
    for code, attribute in definitions.items():
        value = raw.get(code)
        empty = value is None or value == "" or value == []
        if empty:
            if attribute.required:
                errors[f"attribute[{code}]"] = _("An answer is required: %(question)s") % {
                    "question": attribute.description}
            continue
        try:
            cleaned[code] = _clean_value(attribute, value)
        except ValueError as exc:
            errors[f"attribute[{code}]"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def submit_report(
    *,
    service: ReportService,
    description: str,
    lat: float | None = None,
    lon: float | None = None,
    address_string: str = "",
    attributes: dict | None = None,
    photo=None,
    media_url: str = "",
    reporter: User | None = None,
    reporter_email: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    source: str = ReportSource.WEB,
    api_key: Open311ApiKey | None = None,
) -> ResidentReport:
    errors: dict[str, str] = {}
    if not service.is_active:
        errors["service_code"] = _("This service does not take reports now.")
    description = (description or "").strip()
    if len(description) > DESCRIPTION_LIMIT:
        errors["description"] = _("Use at most %(limit)d characters (now %(n)d).") % {
            "limit": DESCRIPTION_LIMIT, "n": len(description)}
    if "<" in description and ">" in description:
        errors["description"] = _("Write plain text, without HTML or code.")
    address_string = (address_string or "").strip()
    if len(address_string) > ADDRESS_LIMIT:
        errors["address_string"] = _("Use at most %(limit)d characters.") % {"limit": ADDRESS_LIMIT}
    location = None
    if (lat is None) != (lon is None):
        errors["lat" if lat is None else "long"] = _("Send both lat and long.")
    elif lat is not None:
        if not (-90 <= lat <= 90):
            errors["lat"] = _("Latitude must be between -90 and 90.")
        elif not (-180 <= lon <= 180):
            errors["long"] = _("Longitude must be between -180 and 180.")
        else:
            location = Point(lon, lat, srid=4326)
    if location is None and not address_string and "lat" not in errors and "long" not in errors:
        errors["lat"] = _("Give the place: lat and long, or an address.")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors["media_url"] = _("Give a full web address starting with https:// or http://.")
    for name, value in (("description", description), ("address_string", address_string),
                        ("first_name", reporter_name), ("phone", reporter_phone)):
        _control_error(errors, name, value)
    if reporter_email:
        try:
            validate_email(reporter_email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    try:
        cleaned_attributes = clean_attributes(service, attributes or {})
    except ValidationError as exc:
        errors.update({k: "; ".join(v) for k, v in exc.message_dict.items()})
        cleaned_attributes = {}
    cleaned_photo = None
    if photo is not None:
        try:
            cleaned_photo = clean_photo(photo)
        except ValidationError as exc:
            errors.update({k: "; ".join(v) for k, v in exc.message_dict.items()})
    if not description and not cleaned_attributes and not cleaned_photo and "description" not in errors:
        errors["description"] = _("Say what is wrong.")
    if errors:
        raise ValidationError(errors)
    if reporter is not None and not reporter.is_authenticated:
        reporter = None
    report = ResidentReport(
        service=service, department_id=service.department_id, description=description, location=location,
        address_string=address_string, attributes=cleaned_attributes, media_url=media_url, source=source,
        reporter=reporter, reporter_email=reporter_email if reporter is None else "",
        reporter_name=reporter_name[:120], reporter_phone=reporter_phone[:40], api_key=api_key,
    )
    if cleaned_photo is not None:
        report.photo.save(cleaned_photo.name, cleaned_photo, save=False)
    try:
        report.save()
        ReportUpdate.objects.create(report=report, status=report.status, department_id=report.department_id,
                                    note="", created_by=reporter)
    except BaseException:
        if report.photo:
            report.photo.storage.delete(report.photo.name)  # a report that is not kept leaves no file
        raise
    return report


def _notify(report: ResidentReport, note: str) -> None:
    department = report.department
    status = report.get_status_display()
    title = f"【通報の状況】{report.service.name}: {status}"[:120]
    body = f"通報番号 {report.pk}（{report.service.name}）の状況が「{status}」になりました。"
    if note:
        body += f"\n{note}"
    if report.reporter_id:
        publish(sender=None, organisation=Organisation(OrganisationKind.DEPARTMENT, department.pk, department.name),
                audience={"segments": [{"kind": "explicit", "user_ids": [report.reporter_id]}]},
                category=Category.ADMINISTRATION, title=title, body=body[:900],
                variants={"en": {"title": f"Your report #{report.pk}: {report.status}"[:120],
                                 "body": (f"Report #{report.pk} ({report.service.name_en or report.service.name}) "
                                          f"is now “{report.status}”." + (f"\n{note}" if note else ""))[:900]}})
    elif report.reporter_email:
        mail_after_commit(to=report.reporter_email, subject=title, body=f"{body}\n\n-- \n{department.name}")


@transaction.atomic
def update_report(*, report: ResidentReport, user: User, status: str, note: str = "",
                  department: Department | None = None, photo_public: bool | None = None,
                  public_description: str | None = None) -> ResidentReport:
    """Staff move a report (status, public note), pass it to another department, or edit what is public."""
    report = ResidentReport.objects.select_for_update().select_related("service", "department").get(pk=report.pk)
    passing_on = department is not None and department.pk != report.department_id
    if passing_on and not may_triage_reports(user):
        raise PermissionDenied(_("Only city staff can assign reports."))
    if not passing_on and not may_update_report(user, report):
        raise PermissionDenied(_("Only staff of the department in charge can update this report."))
    errors: dict[str, str] = {}
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        errors["note"] = _("Use at most %(limit)d characters.") % {"limit": NOTE_LIMIT}
    if status not in ReportStatus.values:
        errors["status"] = _("Unknown status “%(value)s”.") % {"value": status}
    elif status != report.status and status not in TRANSITIONS[ReportStatus(report.status)]:
        errors["status"] = _("A report that is “%(from)s” cannot become “%(to)s”.") % {
            "from": report.get_status_display(), "to": ReportStatus(status).label}
    if status == ReportStatus.CLOSED and status != report.status and not note:
        errors["note"] = _("Say why the report is closed: the reporter and the public read it.")
    if public_description is not None and len(public_description) > DESCRIPTION_LIMIT:
        errors["public_description"] = _("Use at most %(limit)d characters.") % {"limit": DESCRIPTION_LIMIT}
    if errors:
        raise ValidationError(errors)
    changed = status != report.status or passing_on or bool(note)
    fields = ["updated_at"]
    if photo_public is not None:
        report.photo_public = photo_public
        fields.append("photo_public")
    if public_description is not None:
        report.public_description = public_description.strip()
        fields.append("public_description")
    if changed:
        status_changed = status != report.status
        report.status = status
        if passing_on:
            report.department = department
        if note:
            report.status_notes = note
        fields += ["status", "department", "status_notes"]
        ReportUpdate.objects.create(report=report, status=status, note=note, department=report.department,
                                    created_by=user)
        if status_changed or note:
            _notify(report, note)
    report.save(update_fields=fields)
    return report


def parse_w3_datetime(value: str, field: str) -> dt.datetime:
    parsed = parse_datetime(value or "")
    if parsed is None or parsed.tzinfo is None:
        raise ValidationError({field: _("Use the w3 format with a time zone, e.g. 2026-01-01T00:00:00Z.")})
    return parsed
