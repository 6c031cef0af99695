"""River water levels: readings from the stations' devices, stages, and warnings to residents.

A station's row is locked while readings are stored, so two devices (or a device and its
retry) posting at once cannot both see the stage rise: exactly one warning per rise.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import CITY_STAFF_ROLES
from apps.accounts.selectors import roles_of
from apps.disastermap.choices import WaterStage
from apps.disastermap.models import WaterLevelReading, WaterLevelStation
from civicportal.device_signing import (  # noqa: F401  (re-exported for the API)
    MAX_CLOCK_SKEW,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    check_signed_request,
    sign,
)

logger = logging.getLogger(__name__)

# Levels are metres above the station's zero; anything outside this is a broken sensor.
MIN_LEVEL = Decimal("-20")
MAX_LEVEL = Decimal("100")
# A device may catch up after an outage, but not with last month's data.
MAX_AGE = dt.timedelta(days=30)
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
MAX_BATCH = 100


# The warning goes out in Japanese with an English variant, whatever language the device "speaks".
STAGE_JA = {1: "水防団待機水位", 2: "氾濫注意水位", 3: "避難判断水位", 4: "氾濫危険水位"}
STAGE_EN = {1: "flood-fighting standby level", 2: "flood caution level", 3: "evacuation decision level",
            4: "flood danger level"}


# --- signatures --------------------------------------------------------------------------


def verify_signature(*, station: WaterLevelStation, timestamp: str | None, signature: str | None,
                     body: bytes, now: float | None = None) -> None:
    """Raise PermissionDenied unless the request was signed by this station's device just now."""
    check_signed_request(secret=station.device_secret, timestamp=timestamp, signature=signature, body=body,
                         now=now)


def rotate_device_secret(*, station: WaterLevelStation) -> str:
    """A new secret for a replaced or leaked device; the old one stops working at once."""
    secret = secrets.token_hex(32)
    WaterLevelStation.objects.filter(pk=station.pk).update(device_secret=secret)
    station.device_secret = secret
    return secret


# --- readings ----------------------------------------------------------------------------


def stage_for(station: WaterLevelStation, level: Decimal) -> int:
    """The highest stage whose threshold the level has reached."""
    stage = int(WaterStage.NORMAL)
    for threshold_stage, threshold in station.thresholds():
        if level >= threshold:
            stage = max(stage, threshold_stage)
    return stage


def clean_level(value, field_name: str = "level") -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValidationError({field_name: _("Give the level in metres as a number.")})
    try:
        level = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field_name: _("Give the level in metres as a number.")}) from None
    if not level.is_finite() or (isinstance(value, float) and not math.isfinite(value)):
        raise ValidationError({field_name: _("Give the level in metres as a number.")})
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        raise ValidationError({field_name: _("%(level)s m is not a plausible level (%(min)s to %(max)s m).") % {
            "level": level, "min": MIN_LEVEL, "max": MAX_LEVEL}})
    return level.quantize(Decimal("0.01"))


def clean_measured_at(value: dt.datetime, field_name: str = "measured_at") -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise ValidationError({field_name: _("Give the time with its offset, e.g. 2025-06-01T09:00:00+09:00.")})
    now = timezone.now()
    if value > now + FUTURE_TOLERANCE:
        raise ValidationError({field_name: _("The time is in the future.")})
    if value < now - MAX_AGE:
        raise ValidationError({field_name: _("The reading is older than %(days)d days.") % {"days": MAX_AGE.days}})
    return value


def _locked(station: WaterLevelStation) -> WaterLevelStation:
    """The station's row, locked until the transaction ends: devices posting at once queue here."""
    if connection.vendor == "sqlite":
        # SQLite has no row locks and select_for_update is a no-op; a read-then-write transaction
        # would fail with "database is locked" when another writer is in. Writing first takes the
        # database's write lock at once, so the second device waits (busy timeout) instead.
        WaterLevelStation.objects.filter(pk=station.pk).update(current_stage=F("current_stage"))
    return WaterLevelStation.objects.select_for_update().get(pk=station.pk)


@dataclass
class ReadingOutcome:
    measured_at: dt.datetime
    level: Decimal
    duplicate: bool


@dataclass
class RecordResult:
    station: WaterLevelStation
    outcomes: list[ReadingOutcome]
    previous_stage: int
    stage: int
    warning_message_id: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def duplicate(self) -> bool:
        return all(outcome.duplicate for outcome in self.outcomes)


def record_reading(*, station: WaterLevelStation, measured_at: dt.datetime, level) -> RecordResult:
    """Store one reading (a repeat of a stored time is a no-op) and warn if the stage rose."""
    return record_readings(station=station, readings=[(measured_at, level)])


@transaction.atomic
def record_readings(*, station: WaterLevelStation, readings: list[tuple[dt.datetime, object]]) -> RecordResult:
    """Store readings, move the station's latest level and stage, warn once per rise.

    A batch is judged by its newest reading: warnings are about the river now, not about
    a peak that passed while the device was offline.
    """
    if not readings:
        raise ValidationError({"readings": _("Send at least one reading.")})
    if len(readings) > MAX_BATCH:
        raise ValidationError({"readings": _("Send at most %(n)d readings at once.") % {"n": MAX_BATCH}})
    single = len(readings) == 1
    cleaned: list[tuple[dt.datetime, Decimal]] = []
    errors: dict[str, str] = {}
    for index, (measured_at, level) in enumerate(readings):
        prefix = "" if single else f"readings.{index}."
        try:
            cleaned.append((clean_measured_at(measured_at, f"{prefix}measured_at"),
                            clean_level(level, f"{prefix}level")))
        except ValidationError as exc:
            errors.update({k: "; ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)

    station = _locked(station)
    previous_stage = station.current_stage
    outcomes: list[ReadingOutcome] = []
    stored = set(WaterLevelReading.objects.filter(
        station=station, measured_at__in=[m for m, _level in cleaned]).values_list("measured_at", flat=True))
    newest: tuple[dt.datetime, Decimal] | None = None
    for measured_at, level in sorted(cleaned, key=lambda pair: pair[0]):
        if measured_at in stored:
            outcomes.append(ReadingOutcome(measured_at, level, duplicate=True))
            continue
        stored.add(measured_at)
        WaterLevelReading.objects.create(station=station, measured_at=measured_at, level=level,
                                         stage=stage_for(station, level))
        outcomes.append(ReadingOutcome(measured_at, level, duplicate=False))
        if station.latest_at is None or measured_at > station.latest_at:
            newest = (measured_at, level)

    result = RecordResult(station=station, outcomes=outcomes, previous_stage=previous_stage, stage=previous_stage)
    if newest is None:
        return result  # only repeats or late readings: nothing about "now" changed
    station.latest_at, station.latest_level = newest
    stage = stage_for(station, newest[1])
    updated = ["latest_at", "latest_level"]
    if stage != previous_stage:
        station.current_stage, station.stage_changed_at = stage, timezone.now()
        updated += ["current_stage", "stage_changed_at"]
    result.stage = stage
    # Falling stages are recorded (current_stage) but not announced: an "all clear" from one
    # gauge could mislead while the river still rises upstream; the city's own alerts say that.
    if stage > previous_stage and stage >= station.notify_from_stage:
        message_id = _warn(station=station, stage=stage, result=result)
        if message_id is not None:
            station.last_warning_at, station.last_warning_message_id = timezone.now(), message_id
            updated += ["last_warning_at", "last_warning_message_id"]
            result.warning_message_id = message_id
    station.save(update_fields=updated)
    return result


# --- warnings ----------------------------------------------------------------------------


def alert_problems(station: WaterLevelStation) -> list[str]:
    """Why a rise would not reach residents; shown to staff on the station page."""
    problems = []
    sender = station.alert_sender
    if sender is None:
        problems.append(_("No one is set to send warnings for this station: residents will not be warned."))
    elif not sender.is_active or not roles_of(sender) & CITY_STAFF_ROLES:
        problems.append(_("The person set to send warnings is not active city staff: residents will not be warned."))
    if not station.districts_to_warn.exists():
        problems.append(_("No districts are set to be warned: residents will not be warned."))
    if not station.thresholds():
        problems.append(_("No thresholds are set: the stage is always normal."))
    return problems


def station_url(station: WaterLevelStation) -> str:
    path = reverse("disastermap:station_detail", kwargs={"code": station.code})
    return settings.SITE_URL.rstrip("/") + path


def warning_texts(station: WaterLevelStation, stage: int) -> dict[str, dict[str, str]]:
    level = station.latest_level
    threshold = dict(station.thresholds()).get(stage)
    local = timezone.localtime(station.latest_at).strftime("%H:%M")
    ja_action = ("氾濫のおそれがあります。直ちに安全な場所へ避難してください。" if stage >= WaterStage.DANGER
                 else "川に近づかず、市の避難情報に注意し、早めの避難を心がけてください。")
    en_action = ("The river may flood. Move to a safe place now." if stage >= WaterStage.DANGER
                 else "Keep away from the river, follow the city's evacuation information and be ready to leave.")
    return {
        "ja": {
            "title": f"【水位情報】{station.river} {station.name}観測所が{STAGE_JA[stage]}に到達",
            "body": (f"{station.river}の{station.name}観測所の水位が{local}現在{level}mとなり、"
                     f"{STAGE_JA[stage]}（{threshold}m）に達しました。{ja_action}"),
        },
        "en": {
            "title": f"River level: {station.river} at {station.name} reached the {STAGE_EN[stage]}",
            "body": (f"At {local} the {station.river} at the {station.name} station was {level} m, reaching the "
                     f"{STAGE_EN[stage]} ({threshold} m). {en_action}"),
        },
    }


def _warn(*, station: WaterLevelStation, stage: int, result: RecordResult) -> int | None:
    from apps.notifications.services import publish

    problems = alert_problems(station)
    if problems:
        logger.warning("Water level station %s rose to stage %s but no warning was sent: %s",
                       station.code, stage, " ".join(problems))
        result.notes.extend(problems)
        return None
    texts = warning_texts(station, stage)
    try:
        # A savepoint: a refused message must not undo the reading itself.
        with transaction.atomic():
            message = publish(
                sender=station.alert_sender, title=texts["ja"]["title"], body=texts["ja"]["body"],
                category="disaster", priority="emergency" if stage >= WaterStage.DANGER else "high",
                audience={"segments": [{"kind": "district",
                                        "ids": list(station.districts_to_warn.values_list("id", flat=True))}]},
                variants={"en": texts["en"]}, link_url=station_url(station),
            )
    except (ValidationError, PermissionDenied) as exc:
        logger.error("Water level warning for station %s was refused: %s", station.code, exc)
        result.notes.append(str(exc))
        return None
    return message.id
