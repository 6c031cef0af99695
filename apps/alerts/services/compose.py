"""Drafting alerts, their updates and cancels: every new CAP message starts here."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.selectors import profile_of
from apps.alerts.choices import (
    AlertState,
    CapCertainty,
    CapMsgType,
    CapSeverity,
    CapStatus,
    CapUrgency,
    EvacuationLevel,
)
from apps.alerts.models import Alert, EventType
from apps.alerts.permissions import is_alert_staff
from apps.alerts.services.areas import AreaChoice, resolve
from apps.disastermap.models import Shelter

LIMITS = {"headline": 120, "description": 3000, "instruction": 1500, "headline_en": 120, "description_en": 3000,
          "instruction_en": 1500, "headline_easy": 120, "text_easy": 1500, "area_desc": 300}


@dataclass
class AlertContent:
    """What staff write; the same shape for a new alert and for an update."""

    event_type: str = ""
    cap_status: str = CapStatus.ACTUAL
    urgency: str = ""
    severity: str = ""
    certainty: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    headline_en: str = ""
    description_en: str = ""
    instruction_en: str = ""
    headline_easy: str = ""
    text_easy: str = ""
    evacuation_level: int | None = None
    effective: dt.datetime | None = None
    expires: dt.datetime | None = None
    area_desc: str = ""
    area: AreaChoice = field(default_factory=AreaChoice)
    shelter_ids: list[int] = field(default_factory=list)


def sender_id() -> str:
    return settings.CAP_SENDER_ID


def new_identifier(now: dt.datetime | None = None) -> str:
    """URN-like, unique and never reused: the city's sender id, the day and a random part."""
    now = now or timezone.now()
    return f"urn:x-cap:{sender_id()}:{now:%Y%m%d}:{uuid.uuid4().hex[:16]}"


def _check(content: AlertContent, errors: dict) -> EventType | None:
    for name, limit in LIMITS.items():
        value = (getattr(content, name) or "").strip()
        setattr(content, name, value)
        if len(value) > limit:
            errors[name] = _("Use at most %(limit)d characters (now %(n)d).") % {"limit": limit, "n": len(value)}
    for name in ("headline", "description"):
        if not getattr(content, name):
            errors[name] = _("This field is required.")
    if bool(content.headline_en) != bool(content.description_en):
        errors["description_en" if content.headline_en else "headline_en"] = _(
            "Give both the English headline and the English description, or neither.")
    for name, choices in (("cap_status", CapStatus), ("urgency", CapUrgency), ("severity", CapSeverity),
                          ("certainty", CapCertainty)):
        if getattr(content, name) not in choices.values:
            errors[name] = _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)}
    if content.evacuation_level is not None and content.evacuation_level not in EvacuationLevel.values:
        errors["evacuation_level"] = _("The evacuation level is 1 to 5.")
    for name in ("effective", "expires"):
        value = getattr(content, name)
        if value is not None and timezone.is_naive(value):
            errors[name] = _("Give a time with its time zone.")
    if content.expires and timezone.is_aware(content.expires):
        if content.expires <= timezone.now():
            errors["expires"] = _("The expiry is in the past.")
        elif content.effective and timezone.is_aware(content.effective) and content.expires <= content.effective:
            errors["expires"] = _("The expiry must be after the effective time.")
    event_type = EventType.objects.filter(code=content.event_type).first()
    if event_type is None:
        errors["event_type"] = _("Choose one of the event types.")
    return event_type


def _shelters(ids: list[int], errors: dict) -> list[Shelter]:
    shelters = list(Shelter.objects.filter(id__in=ids, is_public=True))
    missing = set(ids) - {s.id for s in shelters}
    if missing:
        errors["shelter_ids"] = _("No such shelter: %(ids)s.") % {"ids": ", ".join(map(str, sorted(missing)))}
    return shelters


def _department_name(user: User) -> str:
    department = profile_of(user).department
    return department.name if department else _("City office")


@transaction.atomic
def draft(*, user: User, content: AlertContent, msg_type: str = CapMsgType.ALERT,
          replaces: Alert | None = None) -> Alert:
    """Store a new alert waiting for approval. Raises ValidationError naming each bad field."""
    if not is_alert_staff(user):
        raise PermissionDenied(_("Only city staff can draft alerts."))
    errors: dict[str, str] = {}
    event_type = _check(content, errors)
    area = resolve(content.area, errors)
    shelters = _shelters(content.shelter_ids, errors)
    if errors:
        raise ValidationError(errors)
    references = ""
    if replaces is not None:
        references = " ".join(filter(None, [replaces.references, replaces.reference()]))
    alert = Alert.objects.create(
        identifier=new_identifier(), sender=sender_id(), sender_name=_department_name(user),
        cap_status=content.cap_status, msg_type=msg_type, references=references, replaces=replaces,
        event_type=event_type, urgency=content.urgency, severity=content.severity, certainty=content.certainty,
        evacuation_level=content.evacuation_level, headline=content.headline, description=content.description,
        instruction=content.instruction, headline_en=content.headline_en, description_en=content.description_en,
        instruction_en=content.instruction_en, headline_easy=content.headline_easy, text_easy=content.text_easy,
        effective=content.effective, expires=content.expires,
        area_desc=content.area_desc or area.description, area=area.area, hazard_zone=area.hazard_zone,
        drawn_area=_drawn(content.area),
        state=AlertState.PENDING, created_by=user,
    )
    alert.districts.set(area.districts)
    alert.shelters.set(shelters)
    return alert


def _drawn(choice: AreaChoice) -> dict:
    drawn: dict = {}
    if choice.polygon:
        drawn["polygon"] = choice.polygon if isinstance(choice.polygon, str) else json.dumps(choice.polygon)
    if choice.circle:
        drawn["circle"] = list(choice.circle)
    return drawn


def content_of(alert: Alert) -> AlertContent:
    """An alert's content, as the starting point of its update or cancel."""
    drawn = alert.drawn_area or {}
    circle = tuple(drawn["circle"]) if drawn.get("circle") else None
    polygon = drawn.get("polygon")
    if not (drawn or alert.districts.exists() or alert.hazard_zone_id):
        polygon = alert.area.geojson  # an imported alert: its own area
    return AlertContent(
        event_type=alert.event_type.code, cap_status=alert.cap_status, urgency=alert.urgency,
        severity=alert.severity, certainty=alert.certainty, headline=alert.headline, description=alert.description,
        instruction=alert.instruction, headline_en=alert.headline_en, description_en=alert.description_en,
        instruction_en=alert.instruction_en, headline_easy=alert.headline_easy, text_easy=alert.text_easy,
        evacuation_level=alert.evacuation_level, effective=alert.effective,
        expires=alert.expires if alert.expires and alert.expires > timezone.now() else None,
        area_desc=alert.area_desc,
        area=AreaChoice(district_ids=list(alert.districts.values_list("id", flat=True)),
                        hazard_zone_id=alert.hazard_zone_id, polygon=polygon, circle=circle),
        shelter_ids=list(alert.shelters.values_list("id", flat=True)),
    )


def _followable(original: Alert) -> None:
    if original.state != AlertState.CURRENT or original.msg_type == CapMsgType.CANCEL:
        raise ValidationError({"alert": _("Only an alert in force can be updated or cancelled.")})
    if original.followups.filter(state=AlertState.PENDING).exists():
        raise ValidationError({"alert": _("An update or cancel of this alert is already waiting for approval.")})


@transaction.atomic
def draft_update(*, user: User, original: Alert, content: AlertContent) -> Alert:
    original = Alert.objects.select_for_update().get(id=original.id)
    _followable(original)
    if content.cap_status != original.cap_status:
        # An exercise never turns into a real alert by an update, nor the other way round.
        raise ValidationError({"cap_status": _("An update keeps the kind of message of the alert it updates.")})
    return draft(user=user, content=content, msg_type=CapMsgType.UPDATE, replaces=original)


@transaction.atomic
def draft_cancel(*, user: User, original: Alert, note: str = "", note_en: str = "", note_easy: str = "") -> Alert:
    """A cancel carries the original's area and says it is over, in each language it had."""
    original = Alert.objects.select_for_update().get(id=original.id)
    _followable(original)
    content = content_of(original)
    content.headline = f"【解除】{original.headline}"[:120]
    content.description = note.strip() or f"{original.headline}を解除しました。"
    content.instruction = ""
    if original.headline_en:
        content.headline_en = f"Cancelled: {original.headline_en}"[:120]
        content.description_en = note_en.strip() or f"{original.headline_en} has been cancelled."
        content.instruction_en = ""
    if original.text_easy:
        content.headline_easy = f"おわり: {original.headline_easy or original.headline}"[:120]
        content.text_easy = note_easy.strip() or "もう だいじょうぶ です。"
    content.evacuation_level = None
    content.expires = None
    return draft(user=user, content=content, msg_type=CapMsgType.CANCEL, replaces=original)


@transaction.atomic
def reject(*, alert: Alert, user: User) -> Alert:
    alert = Alert.objects.select_for_update().get(id=alert.id)
    if not is_alert_staff(user):
        raise PermissionDenied(_("Only city staff can reject alerts."))
    if alert.state != AlertState.PENDING:
        raise ValidationError({"state": _("Only an alert waiting for approval can be rejected.")})
    alert.state = AlertState.REJECTED
    alert.save(update_fields=["state", "updated_at"])
    return alert


def as_dict(content: AlertContent) -> dict:
    return asdict(content)
