"""Writes for association events: create, edit, cancel, RSVP, private calendar feed tokens."""

from __future__ import annotations

import datetime as dt

import nh3
from django.contrib.gis.geos import Point
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.neighbourhood.choices import MembershipStatus, PostCategory, PostStatus, RSVPAnswer, Visibility
from apps.neighbourhood.models import RSVP, Association, Event, EventFeedKey, Membership
from apps.neighbourhood.permissions import is_officer, membership_of
from apps.neighbourhood.services.rules import check_posting
from apps.notifications.choices import Category, OrganisationKind
from apps.notifications.services import ALLOWED_TAGS, Organisation, publish

TITLE_LIMIT = 120
DESCRIPTION_LIMIT = 5000
PLACE_LIMIT = 200
MAX_GUESTS = 20
MAX_CAPACITY = 100_000
FEED_SALT = "neighbourhood.events.private-feed"
EVENT_FIELDS = ("title", "description", "starts_at", "ends_at", "place", "location", "capacity", "visibility")


def organisation_for(association: Association) -> Organisation:
    return Organisation(OrganisationKind.ASSOCIATION, association.pk, association.name)


def may_manage(user: User, event: Event) -> bool:
    """Officers manage every event of their association; authors their own."""
    return is_officer(user, event.association_id) or (
        event.author_id == user.pk and membership_of(user, event.association_id) is not None)


def _clean(data: dict, *, current: Event | None = None) -> dict:
    """Validate event fields; errors name the field."""
    errors: dict[str, str] = {}
    cleaned: dict = {}
    title = (data.get("title", current.title if current else "") or "").strip()
    if not title:
        errors["title"] = _("Give the event a title.")
    elif len(title) > TITLE_LIMIT:
        errors["title"] = _("Use at most %(n)d characters.") % {"n": TITLE_LIMIT}
    cleaned["title"] = title
    description = data.get("description", current.description if current else "") or ""
    if len(description) > DESCRIPTION_LIMIT:
        errors["description"] = _("Use at most %(n)d characters.") % {"n": DESCRIPTION_LIMIT}
    cleaned["description"] = nh3.clean(description.strip(), tags=ALLOWED_TAGS)
    place = (data.get("place", current.place if current else "") or "").strip()
    if len(place) > PLACE_LIMIT:
        errors["place"] = _("Use at most %(n)d characters.") % {"n": PLACE_LIMIT}
    cleaned["place"] = place
    starts = data.get("starts_at", current.starts_at if current else None)
    ends = data.get("ends_at", current.ends_at if current else None)
    for field, value in (("starts_at", starts), ("ends_at", ends)):
        if not isinstance(value, dt.datetime):
            errors[field] = _("Give a date and time.")
        elif timezone.is_naive(value):
            errors[field] = _("Give the time with its time zone.")
    if "starts_at" not in errors and "ends_at" not in errors and ends <= starts:
        errors["ends_at"] = _("The end must be after the start.")
    cleaned["starts_at"], cleaned["ends_at"] = starts, ends
    location = data.get("location", current.location if current else None)
    if location is not None and not (isinstance(location, Point) and -90 <= location.y <= 90
                                     and -180 <= location.x <= 180):
        errors["location"] = _("Give a latitude between -90 and 90 and a longitude between -180 and 180.")
    cleaned["location"] = location
    capacity = data.get("capacity", current.capacity if current else None)
    if capacity is not None and (isinstance(capacity, bool) or not isinstance(capacity, int)
                                 or not 1 <= capacity <= MAX_CAPACITY):
        errors["capacity"] = _("Give a number of people between 1 and %(n)d, or leave it empty.") % {
            "n": MAX_CAPACITY}
    cleaned["capacity"] = capacity
    visibility = data.get("visibility", current.visibility if current else Visibility.MEMBERS)
    if visibility not in Visibility.values:
        errors["visibility"] = _("Choose members only or public.")
    cleaned["visibility"] = visibility
    if errors:
        raise ValidationError(errors)
    return cleaned


def _event_url(event: Event) -> str:
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + reverse(
        "neighbourhood:event_detail", args=[event.association.slug, event.pk])


def _body(event: Event) -> str:
    local = timezone.localtime(event.starts_at)
    when = local.strftime("%Y-%m-%d %H:%M")
    return "\n".join(part for part in (when, event.place) if part)


def _notify(event: Event, *, sender: User, title: str) -> int:
    message = publish(
        sender=sender, title=title[:TITLE_LIMIT], body=_body(event), category=Category.EVENTS,
        audience={"segments": [{"kind": "association_members", "association": event.association_id}]},
        organisation=organisation_for(event.association), link_url=_event_url(event),
    )
    return message.pk


@transaction.atomic
def create_event(*, author: User, association: Association, **fields) -> Event:
    """Officers (or members, when the posting rules allow) add an event; published ones notify members."""
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown event fields: {sorted(unknown)}")
    cleaned = _clean(fields)
    needs_approval = check_posting(user=author, category=PostCategory.EVENT,
                                   text=f"{cleaned['title']}\n{cleaned['description']}", association=association)
    event = Event.objects.create(
        association=association, author=author,
        status=PostStatus.PENDING_APPROVAL if needs_approval else PostStatus.PUBLISHED, **cleaned)
    if event.status == PostStatus.PUBLISHED:
        event.message_id = _notify(event, sender=author, title=event.title)
        event.save(update_fields=["message_id"])
    return event


@transaction.atomic
def update_event(*, user: User, event: Event, **fields) -> Event:
    """Edit an event; each change bumps the iCalendar SEQUENCE so calendars take the new version."""
    if not may_manage(user, event):
        raise PermissionDenied(_("Only the association's officers or the event's author may change it."))
    if event.cancelled_at:
        raise ValidationError(_("A cancelled event cannot be changed."))
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown event fields: {sorted(unknown)}")
    cleaned = _clean(fields, current=event)
    for key, value in cleaned.items():
        setattr(event, key, value)
    event.sequence = F("sequence") + 1
    event.save()
    event.refresh_from_db()
    return event


@transaction.atomic
def approve_event(*, user: User, event: Event) -> Event:
    """An officer publishes an event the rules held back; members are told then."""
    if not is_officer(user, event.association_id):
        raise PermissionDenied(_("Only the association's officers approve events."))
    if event.status != PostStatus.PENDING_APPROVAL:
        raise ValidationError(_("This event is not waiting for approval."))
    event.status = PostStatus.PUBLISHED
    event.message_id = _notify(event, sender=user, title=event.title)
    event.save(update_fields=["status", "message_id", "updated_at"])
    return event


@transaction.atomic
def cancel_event(*, user: User, event: Event) -> Event:
    """Cancel rather than delete: the feed keeps the event with STATUS:CANCELLED."""
    if not may_manage(user, event):
        raise PermissionDenied(_("Only the association's officers or the event's author may cancel it."))
    if event.cancelled_at:
        return event
    event.cancelled_at = timezone.now()
    event.sequence = F("sequence") + 1
    event.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    event.refresh_from_db()
    if event.status == PostStatus.PUBLISHED and event.starts_at > timezone.now():
        _notify(event, sender=user, title=_("Cancelled: %(title)s") % {"title": event.title})
    return event


@transaction.atomic
def rsvp(*, user: User, event: Event, answer: str, guests: int = 0) -> RSVP:
    """Answer (or change the answer to) an event; a member has one answer, the latest counts.

    Capacity counts each attending member plus their guests; the event row is locked so two
    last-seat answers cannot both get in.
    """
    if membership_of(user, event.association_id) is None:
        raise PermissionDenied(_("Only members of the association can answer."))
    event = Event.objects.select_for_update().get(pk=event.pk)
    errors: dict[str, str] = {}
    if answer not in RSVPAnswer.values:
        errors["answer"] = _("Choose attending, maybe or not attending.")
    if isinstance(guests, bool) or not isinstance(guests, int) or not 0 <= guests <= MAX_GUESTS:
        errors["guests"] = _("Give a number between 0 and %(n)d.") % {"n": MAX_GUESTS}
    if errors:
        raise ValidationError(errors)
    if event.status != PostStatus.PUBLISHED or event.cancelled_at:
        raise ValidationError({"answer": _("This event is not open for answers.")})
    if timezone.now() >= event.starts_at:
        raise ValidationError({"answer": _("Answers closed when the event started.")})
    if answer != RSVPAnswer.YES:
        guests = 0 if answer == RSVPAnswer.NO else guests
    if answer == RSVPAnswer.YES and event.capacity is not None:
        taken = attending_count(event, exclude_user=user)
        if taken + 1 + guests > event.capacity:
            free = max(event.capacity - taken, 0)
            raise ValidationError({"guests" if free and guests else "answer": _(
                "The event is full: %(free)d place(s) left for you and your guests.") % {"free": free}})
    answer_row, _created = RSVP.objects.update_or_create(
        event=event, user=user, defaults={"answer": answer, "guests": guests})
    return answer_row


def attending_count(event: Event, *, exclude_user: User | None = None) -> int:
    """People coming: attending members plus the guests they bring."""
    rows = RSVP.objects.filter(event=event, answer=RSVPAnswer.YES)
    if exclude_user is not None:
        rows = rows.exclude(user=exclude_user)
    total = rows.aggregate(n=Sum(F("guests") + 1))["n"]
    return int(total or 0)


# --- private calendar feed ---------------------------------------------------------------

def feed_token(membership: Membership) -> str:
    """A signed token for the member's private feed; it names the membership and key generation."""
    key, _created = EventFeedKey.objects.get_or_create(membership=membership)
    return signing.dumps({"m": membership.pk, "g": key.generation}, salt=FEED_SALT)


def revoke_feed_token(*, membership: Membership) -> str:
    """Invalidate every earlier private feed link; returns the new token."""
    key, _created = EventFeedKey.objects.get_or_create(membership=membership)
    EventFeedKey.objects.filter(pk=key.pk).update(generation=F("generation") + 1)
    return feed_token(membership)


def membership_for_token(association: Association, token: str) -> Membership | None:
    """The active membership a token stands for, or None (bad signature, revoked, left)."""
    try:
        payload = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    membership = (Membership.objects.filter(pk=payload.get("m"), association=association,
                                             status=MembershipStatus.ACTIVE)
                  .select_related("event_feed_key").first())
    if membership is None:
        return None
    key = getattr(membership, "event_feed_key", None)
    generation = key.generation if key else 0
    return membership if payload.get("g") == generation else None


def set_comments_closed(*, user: User, event: Event, closed: bool) -> Event:
    if not is_officer(user, event.association_id):
        raise PermissionDenied(_("Only the association's officers can close comments."))
    event.comments_closed = bool(closed)
    event.save(update_fields=["comments_closed", "updated_at"])
    return event
