"""Gate passages: events from IC-tag readers, stored with consent and told to that child's guardians.

Rules:
- The reader's event id makes an event idempotent: the same id from the same reader is one
  event, whether resent after a timeout or in an offline batch (a unique constraint backs this
  when two requests race).
- A tag the school does not know, or one reported lost or retired, is logged for the school
  (UnknownTagEvent) and told to nobody.
- A passage is stored only when the school's PTA has approved gate sensors and at least one
  active guardian of the child has consented; otherwise nothing about it is kept.
- Each stored passage is one message to that child's consenting guardians, nobody else.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.childwatch.choices import Direction, TagStatus
from apps.childwatch.models import Child, GatePassage, GateReader, Guardianship, ICTag, School, UnknownTagEvent
from apps.notifications.choices import Category, OrganisationKind, Priority
from apps.notifications.services import Organisation, publish

MAX_BATCH = 500
ID_LIMIT = 64
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
# "Last seen" is for staff checking a reader is alive: one write per few seconds is enough in a rush.
LAST_SEEN_STEP = dt.timedelta(seconds=5)
TOKYO = ZoneInfo("Asia/Tokyo")
EVENT_FIELDS = ("event_id", "tag", "direction", "at")

STORED, DUPLICATE, UNKNOWN_TAG, NO_CONSENT, INVALID = "stored", "duplicate", "unknown_tag", "no_consent", "invalid"
STATUSES = (STORED, DUPLICATE, UNKNOWN_TAG, NO_CONSENT, INVALID)

# What guardians read, in Japanese with an English variant (the reader has no language).
DIRECTION_JA = {Direction.IN: "登校", Direction.OUT: "下校"}
DIRECTION_EN = {Direction.IN: "arrived at school", Direction.OUT: "left school"}


@dataclass(frozen=True)
class GateEvent:
    event_id: str
    tag: str
    direction: str
    at: dt.datetime


@dataclass
class EventResult:
    event_id: str | None
    status: str
    errors: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"event_id": self.event_id, "status": self.status, "errors": self.errors}


# --- input --------------------------------------------------------------------------------


def _short_text(errors: dict, raw: dict, name: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        errors[name] = _("This field is required (a text of 1 to %(n)d characters).") % {"n": ID_LIMIT}
        return ""
    value = value.strip()
    if len(value) > ID_LIMIT:
        errors[name] = _("Use at most %(n)d characters.") % {"n": ID_LIMIT}
    return value


def clean_event(raw: object, *, max_age: dt.timedelta, now: dt.datetime | None = None) -> GateEvent:
    """One event as a reader sent it, checked; ValidationError names each bad field."""
    if not isinstance(raw, dict):
        raise ValidationError({"event": _("Each event must be an object with %(f)s.") % {"f": ", ".join(EVENT_FIELDS)}})
    errors: dict[str, str] = {}
    for name in sorted(set(raw) - set(EVENT_FIELDS)):
        errors[name] = _("Unknown field. Known fields: %(known)s.") % {"known": ", ".join(EVENT_FIELDS)}
    event_id = _short_text(errors, raw, "event_id")
    tag = _short_text(errors, raw, "tag")
    direction = raw.get("direction")
    if direction not in Direction.values:
        errors["direction"] = _("Use “in” or “out”.")
    at = None
    value = raw.get("at")
    try:
        at = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        at = None
    now = now or timezone.now()
    if at is None or timezone.is_naive(at):
        errors["at"] = _("Give the time in ISO 8601 with its offset, e.g. 2026-04-10T08:02:00+09:00.")
    elif at > now + FUTURE_TOLERANCE:
        errors["at"] = _("The time is in the future.")
    elif at < now - max_age:
        errors["at"] = _("The event is older than %(days)d days and would be deleted at once.") % {
            "days": max_age.days}
    if errors:
        raise ValidationError(errors)
    return GateEvent(event_id=event_id, tag=tag, direction=direction, at=at)


def _raw_event_id(raw: object) -> str | None:
    value = raw.get("event_id") if isinstance(raw, dict) else None
    return value.strip()[:ID_LIMIT] if isinstance(value, str) and value.strip() else None


# --- messages -----------------------------------------------------------------------------


def passage_texts(*, child: Child, reader: GateReader, direction: str, at: dt.datetime) -> dict:
    """Title and body in Japanese, and the English variant, e.g. 「はなこさんが 8:02 に正門を通過しました」."""
    local = at.astimezone(TOKYO)
    time_text = f"{local.hour}:{local.minute:02d}"
    name, gate = child.given_name or child.full_name, reader.gate_name
    title = f"【{DIRECTION_JA[direction]}】{name}さんが {time_text} に{gate}を通過しました"
    body = (f"{local.month}月{local.day}日 {time_text}、{name}さんが{reader.school.name}の{gate}を通過しました"
            f"（{DIRECTION_JA[direction]}）。")
    en_title = f"{name} {DIRECTION_EN[direction]}: {gate} at {time_text}"
    en_body = (f"{name} passed the gate “{gate}” of {reader.school.name_en or reader.school.name} at {time_text} "
               f"on {local:%d %B} ({DIRECTION_EN[direction]}).")
    return {"title": title, "body": body, "variants": {"en": {"title": en_title, "body": en_body}}}


def _notify(*, passage: GatePassage, child: Child, reader: GateReader) -> int:
    school = reader.school
    texts = passage_texts(child=child, reader=reader, direction=passage.direction, at=passage.passed_at)
    message = publish(
        sender=None,  # the reader, not a person: consent was checked here, not by a sender's role
        organisation=Organisation(OrganisationKind.SCHOOL, school.pk, school.name),
        audience={"segments": [{"kind": "child_guardians", "children": [child.pk], "consenting": True}]},
        category=Category.CHILDREN, priority=Priority.HIGH,
        link_url=f"{settings.SITE_URL}{reverse('childwatch:child_passages', args=[child.pk])}",
        **texts,
    )
    return message.pk


# --- events -------------------------------------------------------------------------------


def _consenting_children(child_ids: set[int]) -> set[int]:
    return set(Guardianship.objects.filter(
        child_id__in=child_ids, is_active=True, guardian__is_active=True, passage_consent_at__isnull=False,
    ).values_list("child_id", flat=True))


def _known_event_ids(reader: GateReader, event_ids: list[str]) -> set[str]:
    if not event_ids:
        return set()
    # One round trip; order_by() drops the models' default ordering, which SQLite refuses in a UNION.
    passages = (GatePassage.objects.filter(reader=reader, reader_event_id__in=event_ids)
                .order_by().values_list("reader_event_id"))
    unknown = (UnknownTagEvent.objects.filter(reader=reader, reader_event_id__in=event_ids)
               .order_by().values_list("reader_event_id"))
    return {row[0] for row in passages.union(unknown)}


def _unknown_reason(tag: ICTag | None, reader: GateReader) -> str | None:
    """Why this tag is not a child of this school right now (None: it is)."""
    if tag is None:
        return "unknown"
    if tag.status != TagStatus.ACTIVE:
        return tag.status  # lost or retired
    if tag.child.school_id != reader.school_id:
        return "other_school"
    if not tag.child.is_active:
        return "not_enrolled"
    return None


def record_events(*, reader: GateReader, events: list) -> list[EventResult]:
    """Store a reader's events (one or an offline batch); one result per event, in order.

    Each event is its own transaction: a bad or duplicate event never undoes a good one.
    """
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_BATCH:
        raise ValidationError({"events": _("Send a list of 1 to %(n)d events.") % {"n": MAX_BATCH}})
    now = timezone.now()
    if reader.last_seen_at is None or now - reader.last_seen_at > LAST_SEEN_STEP:
        GateReader.objects.filter(pk=reader.pk).update(last_seen_at=now)
        reader.last_seen_at = now
    school = reader.school
    max_age = dt.timedelta(days=school.passage_retention_days)

    results: list[EventResult | None] = []
    cleaned: list[tuple[int, GateEvent]] = []
    for index, raw in enumerate(events):
        try:
            cleaned.append((index, clean_event(raw, max_age=max_age, now=now)))
            results.append(None)
        except ValidationError as exc:
            results.append(EventResult(_raw_event_id(raw), INVALID,
                                       {k: "; ".join(v) for k, v in exc.message_dict.items()}))

    # Read what the whole batch needs in three queries, not three per event.
    known = _known_event_ids(reader, [event.event_id for _, event in cleaned])
    tags = {tag.uid: tag for tag in ICTag.objects.select_related("child").filter(
        uid__in={event.tag for _, event in cleaned})}
    consenting = _consenting_children({tag.child_id for tag in tags.values()}) if school.pta_approved_on else set()

    seen: set[str] = set()
    for index, event in cleaned:
        if event.event_id in known or event.event_id in seen:
            results[index] = EventResult(event.event_id, DUPLICATE)
            continue
        seen.add(event.event_id)
        results[index] = _record_one(reader=reader, event=event, tag=tags.get(event.tag), consenting=consenting)
    return results


def _record_one(*, reader: GateReader, event: GateEvent, tag: ICTag | None, consenting: set[int]) -> EventResult:
    reason = _unknown_reason(tag, reader)
    try:
        with transaction.atomic():
            if reason is not None:
                UnknownTagEvent.objects.create(reader=reader, tag_uid=event.tag, reason=reason,
                                               direction=event.direction, passed_at=event.at,
                                               reader_event_id=event.event_id)
                return EventResult(event.event_id, UNKNOWN_TAG)
            if tag.child_id not in consenting:
                # Not even a row: without PTA approval and a guardian's consent nothing is kept.
                return EventResult(event.event_id, NO_CONSENT)
            passage = GatePassage.objects.create(child=tag.child, reader=reader, direction=event.direction,
                                                 passed_at=event.at, reader_event_id=event.event_id)
            passage.message_id = _notify(passage=passage, child=tag.child, reader=reader)
            passage.save(update_fields=["message_id"])
            return EventResult(event.event_id, STORED)
    except IntegrityError:
        # Another request with the same event id committed first.
        return EventResult(event.event_id, DUPLICATE)


def summary(results: list[EventResult]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for result in results:
        counts[result.status] += 1
    return counts


def rotate_reader_secret(*, reader: GateReader) -> str:
    """A new secret for a replaced or leaked reader; the old one stops working at once."""
    secret = secrets.token_hex(32)
    GateReader.objects.filter(pk=reader.pk).update(secret=secret)
    reader.secret = secret
    return secret


# --- retention ------------------------------------------------------------------------------


def purge_old_passages(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete passages and unknown-tag events older than each school's retention period.

    Idempotent: running it twice deletes nothing more. One DELETE per school and table.
    """
    now = now or timezone.now()
    deleted = {"passages": 0, "unknown_tag_events": 0}
    for school_id, days in School.objects.values_list("pk", "passage_retention_days"):
        cutoff = now - dt.timedelta(days=days)
        # By the school whose gate logged it: its PTA's and its own retention rule.
        deleted["passages"] += GatePassage.objects.filter(
            reader__school_id=school_id, passed_at__lt=cutoff).delete()[0]
        deleted["unknown_tag_events"] += UnknownTagEvent.objects.filter(
            reader__school_id=school_id, passed_at__lt=cutoff).delete()[0]
    return deleted
