"""Reads of gate passages, always scoped to who asks: a child's guardians, or that school's staff.

Passages are personal data about children: no public page, API or dataset reads them, and
every staff read of one child's log is written to the audit log here, once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from apps.accounts.services import audit
from apps.childwatch.choices import Direction
from apps.childwatch.models import Child, GatePassage, GateReader, School, UnknownTagEvent
from apps.childwatch.permissions import AnyUser, is_guardian_of, is_school_staff, staff_school_ids
from apps.notifications.choices import DONE_STATUSES, DeliveryStatus, MessageStatus
from apps.notifications.models import Delivery, Message

GUARDIAN_DAYS = 30
STAFF_DAYS = 90
UNKNOWN_EVENTS_SHOWN = 50


def _child(child_id: int) -> Child | None:
    return Child.objects.select_related("school", "school_class").filter(pk=child_id).first()


def child_for_guardian(user: AnyUser, child_id: int) -> Child | None:
    """The child if `user` is one of its active guardians; None for everyone else (→ 404)."""
    child = _child(child_id)
    return child if child is not None and is_guardian_of(user, child) else None


def child_for_staff(user: AnyUser, child_id: int) -> Child | None:
    """The child if `user` is staff of its school; None otherwise (→ 404, not even its name)."""
    child = _child(child_id)
    return child if child is not None and is_school_staff(user, child.school_id) else None


def passages_of(child: Child, *, days: int) -> QuerySet[GatePassage]:
    since = timezone.now() - dt.timedelta(days=days)
    return (GatePassage.objects.filter(child=child, passed_at__gte=since)
            .select_related("reader").order_by("-passed_at"))


def guardian_passages(user: AnyUser, child: Child) -> QuerySet[GatePassage]:
    if not is_guardian_of(user, child):
        return GatePassage.objects.none()
    return passages_of(child, days=GUARDIAN_DAYS)


def staff_passages(user: AnyUser, child: Child, *, via: str) -> QuerySet[GatePassage]:
    """A child's log for its school's staff; the read itself is audited (who, which child, where)."""
    if not is_school_staff(user, child.school_id):
        return GatePassage.objects.none()
    audit(user=user, action="childwatch.view_passages", obj=child, detail=via)
    return passages_of(child, days=STAFF_DAYS)


def staff_schools(user: AnyUser) -> QuerySet[School]:
    return School.objects.filter(pk__in=staff_school_ids(user)).order_by("name")


@dataclass
class ClassCount:
    school_class: str
    children: int
    arrived: int
    left: int


@dataclass
class GateOverview:
    school: School
    readers: list[GateReader]
    classes: list[ClassCount]
    unknown_events: list[UnknownTagEvent]
    passages_today: int


def gate_overview(user: AnyUser, school: School) -> GateOverview | None:
    """Readers, today's counts per class and recent unknown tags; None unless staff of `school`."""
    if not is_school_staff(user, school):
        return None
    today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = Q(passages__passed_at__gte=today_start)
    rows = (Child.objects.filter(school=school, is_active=True)
            .values("school_class__grade", "school_class__name")
            .annotate(children=Count("pk", distinct=True),
                      arrived=Count("pk", filter=today & Q(passages__direction=Direction.IN), distinct=True),
                      left=Count("pk", filter=today & Q(passages__direction=Direction.OUT), distinct=True))
            .order_by("school_class__grade", "school_class__name"))
    classes = [ClassCount(
        school_class=(f"{row['school_class__grade']}年{row['school_class__name']}"
                      if row["school_class__grade"] else "—"),
        children=row["children"], arrived=row["arrived"], left=row["left"]) for row in rows]
    return GateOverview(
        school=school,
        readers=list(GateReader.objects.filter(school=school).defer("secret").order_by("code")),
        classes=classes,
        unknown_events=list(UnknownTagEvent.objects.filter(reader__school=school).select_related("reader")
                            .order_by("-passed_at")[:UNKNOWN_EVENTS_SHOWN]),
        passages_today=GatePassage.objects.filter(child__school=school, passed_at__gte=today_start).count(),
    )


def school_children(user: AnyUser, school: School) -> QuerySet[Child]:
    if not is_school_staff(user, school):
        return Child.objects.none()
    return Child.objects.filter(school=school, is_active=True).select_related("school_class")


# --- for the benchmark: when each passage's message was first recorded as sent -------------


def first_sent_at(message_ids: list[int], *, channel: str | None = None) -> dict[int, dt.datetime]:
    """Earliest sent_at per message among finished deliveries (read-only view of the ledger),
    on any channel or on the one named."""
    rows = Delivery.objects.filter(message_id__in=message_ids, status__in=DONE_STATUSES)
    if channel is not None:
        rows = rows.filter(channel=channel)
    rows = rows.values("message_id").annotate(first=Min("sent_at"))
    return {row["message_id"]: row["first"] for row in rows if row["first"] is not None}


def bench_all_finished(message_ids: list[int]) -> bool:
    """True once every message has been fanned out and none of its deliveries is still waiting."""
    if Message.objects.filter(id__in=message_ids).exclude(status=MessageStatus.SENT).exists():
        return False
    return not Delivery.objects.filter(message_id__in=message_ids, status__in=[
        DeliveryStatus.QUEUED, DeliveryStatus.SENDING]).exists()
