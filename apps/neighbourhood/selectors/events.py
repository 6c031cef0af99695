"""Reads of association events, always scoped to what the requesting user may see.

Non-members see public, published events; members see their association's member-only ones
too; officers and authors also see events waiting for approval. Anything else is a 404.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.neighbourhood.choices import PostStatus, RSVPAnswer, Visibility
from apps.neighbourhood.models import RSVP, Association, Event, Membership
from apps.neighbourhood.permissions import AnyUser, is_officer, membership_of


def association_by_slug(slug: str) -> Association:
    return get_object_or_404(Association, slug=slug)


def visible_events(user: AnyUser, association: Association) -> QuerySet[Event]:
    events = Event.objects.filter(association=association).select_related("association")
    if is_officer(user, association):
        return events.exclude(status__in=[PostStatus.DELETED])
    if membership_of(user, association) is not None:
        return events.filter(Q(status=PostStatus.PUBLISHED) | Q(status=PostStatus.PENDING_APPROVAL, author=user))
    return events.filter(status=PostStatus.PUBLISHED, visibility=Visibility.PUBLIC)


def upcoming(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.filter(ends_at__gte=timezone.now()).order_by("starts_at")


def past(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.filter(ends_at__lt=timezone.now()).order_by("-starts_at")


def event_for(user: AnyUser, association: Association, event_id: int) -> Event:
    """The event if the user may see it; otherwise 404 (so its existence does not leak)."""
    event = visible_events(user, association).filter(pk=event_id).first()
    if event is None:
        raise Http404
    return event


def feed_events(association: Association, *, include_members: bool) -> QuerySet[Event]:
    """Events for a calendar feed: published ones (cancelled included, so calendars drop them)."""
    events = Event.objects.filter(association=association, status=PostStatus.PUBLISHED).select_related("association")
    if not include_members:
        events = events.filter(visibility=Visibility.PUBLIC)
    return events.order_by("starts_at")


def my_rsvp(user: AnyUser, event: Event) -> RSVP | None:
    if not user.is_authenticated:
        return None
    return RSVP.objects.filter(event=event, user=user).first()


def rsvp_counts(event: Event) -> dict[str, int]:
    """Answers per kind plus people coming (attending members and their guests)."""
    rows = RSVP.objects.filter(event=event).values("answer").annotate(n=Count("id"), guests=Sum("guests"))
    counts = {answer: 0 for answer in RSVPAnswer.values}
    people = 0
    for row in rows:
        counts[row["answer"]] = row["n"]
        if row["answer"] == RSVPAnswer.YES:
            people = row["n"] + (row["guests"] or 0)
    counts["people"] = people
    counts["places_left"] = None if event.capacity is None else max(event.capacity - people, 0)
    return counts


def attendees(event: Event) -> list[dict]:
    """Who answered, with the real name from their membership; for officers only (the caller checks)."""
    names = dict(Membership.objects.filter(association_id=event.association_id)
                 .values_list("user_id", "real_name"))
    return [
        {"user_id": row.user_id, "name": names.get(row.user_id, ""), "answer": row.answer,
         "answer_label": row.get_answer_display(), "guests": row.guests, "answered_at": row.updated_at}
        for row in RSVP.objects.filter(event=event).order_by("answer", "updated_at")
    ]


def rsvp_open(event: Event) -> bool:
    return event.status == PostStatus.PUBLISHED and not event.cancelled_at and timezone.now() < event.starts_at


def require_officer(user: AnyUser, association: Association) -> None:
    from django.core.exceptions import PermissionDenied

    if not is_officer(user, association):
        raise PermissionDenied
