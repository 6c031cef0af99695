"""Every write of notifications: publishing, approval, cancelling, receipts, preferences.

Feature apps send through `publish` only (DESIGN.md); nothing here knows about them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import CITY_STAFF_ROLES
from apps.accounts.selectors import profile_of, roles_of
from apps.notifications.audiences import Audience, parse_audience
from apps.notifications.audiences.registry import serialise
from apps.notifications.choices import (
    DEFAULT_CATEGORIES,
    Category,
    Channel,
    DeliveryStatus,
    MessageStatus,
    OrganisationKind,
    Priority,
)
from apps.notifications.models import (
    Delivery,
    Message,
    MessageVariant,
    ResidentPreferences,
    TopicSubscription,
)

LINE_TEXT_LIMIT = 5000
TITLE_LIMIT = 120
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
STAFF_ROLES = CITY_STAFF_ROLES


@dataclass(frozen=True)
class Organisation:
    """Who a message is from: a city department, an association or a school."""

    kind: str
    id: int
    name: str


def organisation_of(user: User) -> Organisation:
    """The department a city staff member sends for."""
    roles = roles_of(user)
    if not roles & STAFF_ROLES:
        raise PermissionDenied(_("Only city staff can send city messages."))
    department = profile_of(user).department
    if department is None:
        return Organisation(OrganisationKind.DEPARTMENT, 0, _("City office"))
    return Organisation(OrganisationKind.DEPARTMENT, department.id, department.name)


def line_text(title: str, body: str, link: str = "") -> str:
    """How a message reads on LINE; it must fit LINE's 5,000 characters."""
    return "\n\n".join(part for part in (f"【{title}】", body, link) if part)


def _clean_text(errors: dict, field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = _("This field is required.")
    elif len(value) > limit:
        errors[field] = _("Use at most %(limit)d characters (now %(n)d).") % {"limit": limit, "n": len(value)}
    return value


def _check_times(errors: dict, scheduled_at: dt.datetime | None, expires_at: dt.datetime | None) -> None:
    now = timezone.now()
    for field, value in (("scheduled_at", scheduled_at), ("expires_at", expires_at)):
        if value is not None and timezone.is_naive(value):
            errors[field] = _("Give a time with its time zone.")
            return
    if scheduled_at is not None and scheduled_at < now - dt.timedelta(minutes=1):
        errors["scheduled_at"] = _("The sending time is in the past.")
    if expires_at is not None and expires_at <= (scheduled_at or now):
        errors["expires_at"] = _("The expiry must be after the sending time.")


SYSTEM_SENDER_EMAIL = "system@civicportal.invalid"


def system_sender() -> User:
    """The account machine-originated messages (a gate reader, a river gauge) are recorded under.

    It cannot sign in: no usable password and inactive.
    """
    user, created = User.objects.get_or_create(email=SYSTEM_SENDER_EMAIL, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def publish(
    *,
    sender: User | None,
    title: str,
    body: str,
    category: str,
    audience: dict,
    priority: str = Priority.NORMAL,
    organisation: Organisation | None = None,
    variants: dict[str, dict[str, str]] | None = None,
    body_html: str = "",
    link_url: str = "",
    image=None,
    scheduled_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
) -> Message:
    """Store a message and start sending it (or wait for approval or its time). Returns at once.

    `sender=None` is for services acting on their own (never for a person's request): the
    audience is not checked against a sender and `organisation` must be given.
    """
    errors: dict[str, str] = {}
    title = _clean_text(errors, "title", title, TITLE_LIMIT)
    body = _clean_text(errors, "body", body, LINE_TEXT_LIMIT)
    if category not in Category.values:
        errors["category"] = _("Unknown category “%(value)s”.") % {"value": category}
    if priority not in Priority.values:
        errors["priority"] = _("Unknown priority “%(value)s”.") % {"value": priority}
    if link_url:
        try:
            URLValidator(schemes=["http", "https"])(link_url)
        except ValidationError:
            errors["link_url"] = _("Give a full web address starting with https:// or http://.")
    _check_times(errors, scheduled_at, expires_at)
    cleaned_variants: dict[str, tuple[str, str]] = {}
    for language, text in (variants or {}).items():
        if language != "en":
            errors["variants"] = _("Only an English variant is supported besides Japanese.")
            continue
        if not isinstance(text, dict):
            errors["variants"] = _("A variant needs a title and a body.")
            continue
        variant_errors: dict[str, str] = {}
        v_title = _clean_text(variant_errors, "title", text.get("title", ""), TITLE_LIMIT)
        v_body = _clean_text(variant_errors, "body", text.get("body", ""), LINE_TEXT_LIMIT)
        for field, error in variant_errors.items():
            errors[f"variants.{language}.{field}"] = error
        cleaned_variants[language] = (v_title, v_body)
    link_room = len(link_url) + 40 if link_url else 0  # tracked links are longer than the original
    for language, (v_title, v_body) in [("ja", (title, body)), *cleaned_variants.items()]:
        if v_body and len(line_text(v_title, v_body)) + link_room > LINE_TEXT_LIMIT:
            field = "body" if language == "ja" else f"variants.{language}.body"
            errors[field] = _("Too long for LINE: title, body and link together must fit in %(n)d characters.") % {
                "n": LINE_TEXT_LIMIT}
    try:
        parsed = parse_audience(audience)
    except ValidationError as exc:
        errors.update({k: "; ".join(v) for k, v in exc.message_dict.items()})
        parsed = None
    if errors:
        raise ValidationError(errors)

    if sender is None:
        # A service sending on its own (gate passages): it has already decided who may be told,
        # and says in whose name.
        if organisation is None:
            raise ValueError("A message without a sender needs an organisation.")
        sender = system_sender()
    else:
        organisation = organisation or organisation_of(sender)
        if not parsed.may_be_used_by(sender):
            raise PermissionDenied(_("You may not send to this audience."))

    needs_approval = parsed.organisation_wide()
    if needs_approval:
        status = MessageStatus.PENDING_APPROVAL
    elif scheduled_at and scheduled_at > timezone.now():
        status = MessageStatus.SCHEDULED
    else:
        status = MessageStatus.SENDING
    message = Message.objects.create(
        title=title, body=body, body_html=nh3.clean(body_html, tags=ALLOWED_TAGS) if body_html else "",
        category=category, priority=priority,
        organisation_kind=organisation.kind, organisation_id=organisation.id, organisation_name=organisation.name,
        link_url=link_url, image=image or "", audience=serialise(parsed), audience_summary=parsed.describe(),
        status=status, needs_approval=needs_approval, scheduled_at=scheduled_at, expires_at=expires_at,
        created_by=sender,
    )
    MessageVariant.objects.bulk_create(
        MessageVariant(message=message, language=lang, title=t, body=b) for lang, (t, b) in cleaned_variants.items()
    )
    if status == MessageStatus.SENDING:
        _start_fanout(message)
    return message


def _start_fanout(message: Message) -> None:
    from apps.notifications import fanout, tasks

    if not parse_audience(message.audience).few():
        transaction.on_commit(lambda: tasks.start_fanout(message))
        return
    # A handful of named people (a child's guardians at the gate, one applicant): write their
    # ledger rows here, in the sender's transaction, so the inbox notice exists the moment the
    # sender's change commits. A queue of many such messages would otherwise wait behind each
    # other for a worker. The other channels' deliveries are queued on commit as usual.
    fanout.fan_out_step(message.id, queue_chunk=tasks.queue_chunk, queue_webhook=tasks.queue_webhook,
                        queue_next=tasks.continue_fanout)


def may_approve(user: User, message: Message) -> bool:
    return (
        user.id != message.created_by_id
        and message.organisation_kind == OrganisationKind.DEPARTMENT
        and bool(roles_of(user) & STAFF_ROLES)
    )


@transaction.atomic
def approve(*, message: Message, approver: User) -> Message:
    """A second person lets an organisation-wide message go."""
    message = Message.objects.select_for_update().get(id=message.id)
    if message.status != MessageStatus.PENDING_APPROVAL:
        raise ValidationError({"status": _("Only a message waiting for approval can be approved.")})
    if approver.id == message.created_by_id:
        raise PermissionDenied(_("Someone other than the author must approve this message."))
    if not may_approve(approver, message):
        raise PermissionDenied(_("You may not approve messages of this organisation."))
    message.approved_by = approver
    message.approved_at = timezone.now()
    if message.scheduled_at and message.scheduled_at > timezone.now():
        message.status = MessageStatus.SCHEDULED
    else:
        message.status = MessageStatus.SENDING
        _start_fanout(message)
    message.save(update_fields=["approved_by", "approved_at", "status"])
    return message


@transaction.atomic
def cancel(*, message: Message, user: User) -> Message:
    """Stop a message that has not started sending."""
    message = Message.objects.select_for_update().get(id=message.id)
    if message.status not in (MessageStatus.DRAFT, MessageStatus.PENDING_APPROVAL, MessageStatus.SCHEDULED):
        raise ValidationError({"status": _("This message is already being sent and can no longer be cancelled.")})
    if user.id != message.created_by_id and not may_approve(user, message):
        raise PermissionDenied(_("You may not cancel this message."))
    message.status = MessageStatus.CANCELLED
    message.cancelled_by = user
    message.save(update_fields=["status", "cancelled_by"])
    return message


def send_due(*, now: dt.datetime | None = None) -> int:
    """Start every scheduled message whose time has come (run by beat)."""
    now = now or timezone.now()
    started = 0
    for message_id in Message.objects.filter(status=MessageStatus.SCHEDULED, scheduled_at__lte=now).values_list(
            "id", flat=True):
        with transaction.atomic():
            updated = Message.objects.filter(id=message_id, status=MessageStatus.SCHEDULED).update(
                status=MessageStatus.SENDING)
            if updated:
                _start_fanout(Message.objects.get(id=message_id))
                started += 1
    return started


def preview(*, sender: User, audience: dict, category: str, priority: str = Priority.NORMAL) -> dict:
    """How many people, and on which channels, a message would reach; nothing is stored."""
    from apps.notifications.fanout import channel_plan, iter_id_chunks, recipients

    parsed: Audience = parse_audience(audience)
    if category not in Category.values:
        raise ValidationError({"category": _("Unknown category “%(value)s”.") % {"value": category}})
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Unknown priority “%(value)s”.") % {"value": priority}})
    if not parsed.may_be_used_by(sender):
        raise PermissionDenied(_("You may not send to this audience."))
    draft = Message(category=category, priority=priority)
    query = recipients(draft, parsed)
    channels: dict[str, int] = {}
    total = 0
    for ids in iter_id_chunks(query, size=5000):
        total += len(ids)
        for channel, reached in channel_plan(draft, ids).items():
            channels[channel] = channels.get(channel, 0) + len(reached)
    line_count = channels.get(Channel.LINE, 0)
    return {
        "recipients": total,
        "channels": channels,
        "needs_approval": parsed.organisation_wide(),
        "audience": parsed.describe(),
        "line_messages": line_count,
        "line_cost_yen": round(line_count * settings.LINE_MESSAGE_PRICE_YEN, 1),
    }


# --- receipts -------------------------------------------------------------------------------

def mark_read(*, delivery: Delivery) -> None:
    """A resident opened it (inbox open, email pixel, tracked link)."""
    now = timezone.now()
    Delivery.objects.filter(id=delivery.id, read_at=None).update(read_at=now, status=DeliveryStatus.READ)


def open_inbox_message(*, user: User, message: Message) -> Delivery | None:
    delivery = Delivery.objects.filter(message=message, recipient=user, channel=Channel.INBOX).first()
    if delivery is not None and delivery.read_at is None:
        mark_read(delivery=delivery)
    return delivery


def record_click(*, delivery: Delivery) -> None:
    now = timezone.now()
    Delivery.objects.filter(id=delivery.id, clicked_at=None).update(clicked_at=now)
    mark_read(delivery=delivery)


def mark_all_read(*, user: User) -> int:
    return Delivery.objects.filter(recipient=user, channel=Channel.INBOX, read_at=None).update(
        read_at=timezone.now(), status=DeliveryStatus.READ)


# --- preferences ----------------------------------------------------------------------------

def preferences_of(user: User) -> ResidentPreferences:
    prefs, _created = ResidentPreferences.objects.get_or_create(user=user)
    return prefs


@transaction.atomic
def set_topics(*, user: User, categories: list[str]) -> list[str]:
    unknown = sorted(set(categories) - set(Category.values))
    if unknown:
        raise ValidationError({"categories": _("Unknown categories: %(c)s.") % {"c": ", ".join(unknown)}})
    TopicSubscription.objects.filter(user=user).exclude(category__in=categories).delete()
    TopicSubscription.objects.bulk_create(
        [TopicSubscription(user=user, category=c) for c in set(categories)], ignore_conflicts=True
    )
    return sorted(set(categories))


def subscribe_topic(*, user: User, category: str) -> None:
    """Add one topic (a guardian linked to a child hears from the school); the resident may drop it."""
    if category not in Category.values:
        raise ValidationError({"category": _("Unknown categories: %(c)s.") % {"c": category}})
    TopicSubscription.objects.get_or_create(user=user, category=category)


def subscribe_defaults(*, user: User) -> None:
    """A new resident hears about disasters, safety and the city until they choose."""
    TopicSubscription.objects.bulk_create(
        [TopicSubscription(user=user, category=c) for c in DEFAULT_CATEGORIES], ignore_conflicts=True
    )


PHONE_DIGITS = set("0123456789+")


@transaction.atomic
def update_preferences(*, user: User, **changes) -> ResidentPreferences:
    """Change channel switches, quiet hours, shared attributes or the SMS number."""
    allowed = {"email_enabled", "line_enabled", "webpush_enabled", "sms_enabled", "phone_number", "quiet_start",
               "quiet_end", "age_band", "household_with_children"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({field: _("Unknown setting.") for field in unknown})
    prefs = preferences_of(user)
    for field, value in changes.items():
        setattr(prefs, field, value)
    errors = {}
    number = (prefs.phone_number or "").replace("-", "").replace(" ", "")
    if number and (not set(number) <= PHONE_DIGITS or not 10 <= len(number.lstrip("+")) <= 15):
        errors["phone_number"] = _("Give a mobile number such as 090-1234-5678.")
    if prefs.sms_enabled and not number:
        errors["phone_number"] = _("Give a mobile number to receive SMS.")
    if (prefs.quiet_start is None) != (prefs.quiet_end is None):
        errors["quiet_end"] = _("Give both the start and the end of quiet hours, or neither.")
    if prefs.age_band and prefs.age_band not in dict(ResidentPreferences._meta.get_field("age_band").choices):
        errors["age_band"] = _("Choose one of the age bands.")
    if errors:
        raise ValidationError(errors)
    prefs.phone_number = number
    prefs.save()
    return prefs
