"""Reads for school alert mail: who an alert is for, who got it, who has read it and replied.

Read state lives in notifications' Delivery ledger (one row per recipient and channel); child
watch only reads it here. A guardian counts as having read an alert when any of their
deliveries of its message was opened (read_at) or its link followed (clicked_at).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Min, QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.childwatch.choices import AlertScope, ReplyChoice
from apps.childwatch.models import AlertReply, Child, Guardianship, School, SchoolAlert, SchoolClass
from apps.childwatch.permissions import AnyUser, staff_school_ids
from apps.notifications.models import Delivery

# --- schools, classes and children a member of staff may address ------------------------------


def schools_of_staff(user: AnyUser) -> QuerySet[School]:
    return School.objects.filter(pk__in=staff_school_ids(user)).order_by("code")


def classes_of_schools(school_ids: set[int] | list[int]) -> QuerySet[SchoolClass]:
    return SchoolClass.objects.filter(school_id__in=school_ids).select_related("school").order_by(
        "school__code", "-year", "grade", "name")


def children_of_schools(school_ids: set[int] | list[int]) -> QuerySet[Child]:
    return Child.objects.filter(school_id__in=school_ids, is_active=True).select_related(
        "school", "school_class").order_by("school__code", "school_class__grade", "school_class__name",
                                           "name_kana", "full_name")


def grades_of_school(school: School) -> list[int]:
    return sorted(set(SchoolClass.objects.filter(school=school).values_list("grade", flat=True)))


# --- who an alert is aimed at -------------------------------------------------------------------

def _active_guardianships() -> QuerySet[Guardianship]:
    return Guardianship.objects.filter(is_active=True, child__is_active=True, guardian__is_active=True)


def scope_guardian_ids(*, school_id: int, scope: str, grade: int | None = None, school_class_id: int | None = None,
                       child_ids: list[int] | None = None) -> QuerySet:
    """Active guardians the scope covers (the same rule as the audience kinds in audiences.py)."""
    links = _active_guardianships().filter(child__school_id=school_id)
    if scope == AlertScope.GRADE:
        links = links.filter(child__school_class__grade=grade)
    elif scope == AlertScope.CLASS:
        links = links.filter(child__school_class_id=school_class_id)
    elif scope == AlertScope.CHILDREN:
        links = links.filter(child_id__in=child_ids or [])
    return links.values("guardian_id").distinct()


def count_scope_guardians(**scope) -> int:
    """How many distinct guardians a scope reaches: one per person, however many children."""
    return scope_guardian_ids(**scope).count()


def alert_guardian_ids(alert: SchoolAlert) -> set[int]:
    """Guardians the alert's scope covers now (linked later or unlinked since: see guardian_rows)."""
    return set(scope_guardian_ids(
        school_id=alert.school_id, scope=alert.scope, grade=alert.grade, school_class_id=alert.school_class_id,
        child_ids=list(alert.children.values_list("pk", flat=True)),
    ).values_list("guardian_id", flat=True))


# --- staff: alerts of their own schools ---------------------------------------------------------

def alerts_for_staff(user: AnyUser, *, school_id: int | None = None) -> QuerySet[SchoolAlert]:
    schools = staff_school_ids(user)
    if school_id is not None:
        schools = schools & {school_id}
    return (SchoolAlert.objects.filter(school_id__in=schools, message__isnull=False)
            .select_related("school", "message", "school_class").order_by("-created_at"))


def alert_for_staff(user: AnyUser, pk: int) -> SchoolAlert:
    """The alert if the user is staff of its school; otherwise 404 (its existence is not told)."""
    alert = alerts_for_staff(user).filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert


# --- guardians: alerts they received ------------------------------------------------------------

def was_sent_to(alert: SchoolAlert, user: AnyUser) -> bool:
    """A guardian who has a delivery of the alert, or whom its scope covers (e.g. not yet fanned out)."""
    if not user.is_authenticated or alert.message_id is None:
        return False
    if Delivery.objects.filter(message_id=alert.message_id, recipient=user).exists():
        return True
    return user.pk in alert_guardian_ids(alert)


def alert_for_guardian(user: AnyUser, pk: int) -> SchoolAlert:
    alert = SchoolAlert.objects.select_related("school", "message").filter(pk=pk, message__isnull=False).first()
    if alert is None or not was_sent_to(alert, user):
        raise Http404
    return alert


def reply_of(alert: SchoolAlert, user: User) -> AlertReply | None:
    return AlertReply.objects.filter(alert=alert, guardian=user).first()


# --- figures and the per-guardian table ---------------------------------------------------------

@dataclass
class ChildLine:
    name: str
    school_class: str


@dataclass
class GuardianRow:
    guardian_id: int
    name: str
    email: str
    children: list[ChildLine] = field(default_factory=list)
    delivered: bool = False
    read_at: dt.datetime | None = None
    reply: str = ""
    reply_label: str = ""
    replied_at: dt.datetime | None = None

    @property
    def read(self) -> bool:
        return self.read_at is not None


@dataclass
class AlertFigures:
    in_scope: int
    reached: int
    read: int
    unread: int
    replies: dict[str, int]
    replies_labelled: list[tuple[str, str, int]]


def _display_name(user: User) -> str:
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile is not None else "") or user.get_full_name() or user.email


def _read_state(alert: SchoolAlert) -> dict[int, dt.datetime | None]:
    """recipient id -> when they first opened it (None: delivered, not read)."""
    rows = (Delivery.objects.filter(message_id=alert.message_id).values("recipient_id")
            .annotate(first_read=Min("read_at"), first_click=Min("clicked_at")))
    state: dict[int, dt.datetime | None] = {}
    for row in rows:
        moments = [m for m in (row["first_read"], row["first_click"]) if m is not None]
        state[row["recipient_id"]] = min(moments) if moments else None
    return state


def guardian_rows(alert: SchoolAlert) -> list[GuardianRow]:
    """One row per guardian who received the alert or whom its scope covers, unread first.

    A guardian in scope without a delivery was not reached (they turned this kind of message
    off, or the message is still being sent): they belong on the call list all the more.
    """
    reads = _read_state(alert)
    ids = set(reads) | alert_guardian_ids(alert)
    users = {u.pk: u for u in User.objects.filter(pk__in=ids).select_related("profile")}
    children: dict[int, list[ChildLine]] = defaultdict(list)
    for link in (_active_guardianships().filter(guardian_id__in=ids, child__school_id=alert.school_id)
                 .select_related("child", "child__school_class").order_by("child__name_kana", "child__full_name")):
        children[link.guardian_id].append(ChildLine(
            name=link.child.full_name, school_class=str(link.child.school_class or "")))
    replies = {r.guardian_id: r for r in AlertReply.objects.filter(alert=alert)}
    rows = []
    for user_id in ids:
        user = users.get(user_id)
        if user is None:
            continue
        reply = replies.get(user_id)
        rows.append(GuardianRow(
            guardian_id=user_id, name=_display_name(user), email=user.email, children=children.get(user_id, []),
            delivered=user_id in reads, read_at=reads.get(user_id),
            reply=reply.reply if reply else "", reply_label=reply.get_reply_display() if reply else "",
            replied_at=reply.replied_at if reply else None,
        ))
    rows.sort(key=lambda r: (r.read, r.children[0].school_class if r.children else "", r.name))
    return rows


def unread_rows(alert: SchoolAlert) -> list[GuardianRow]:
    return [row for row in guardian_rows(alert) if not row.read]


def figures(alert: SchoolAlert, rows: list[GuardianRow] | None = None) -> AlertFigures:
    rows = guardian_rows(alert) if rows is None else rows
    counts = Counter(r.reply for r in rows if r.reply)
    return AlertFigures(
        in_scope=len(rows),
        reached=sum(r.delivered for r in rows),
        read=sum(r.read for r in rows),
        unread=sum(not r.read for r in rows),
        replies={choice: counts.get(choice, 0) for choice in ReplyChoice.values},
        replies_labelled=[(choice, str(label), counts.get(choice, 0)) for choice, label in ReplyChoice.choices],
    )


def list_figures(alerts: list[SchoolAlert]) -> dict[int, dict[str, int]]:
    """Reached / read / replies per alert for the list page, in three queries for the whole page."""
    message_ids = {a.message_id: a.pk for a in alerts}
    reached: Counter = Counter()
    read: Counter = Counter()
    for row in (Delivery.objects.filter(message_id__in=message_ids).values("message_id", "recipient_id")
                .annotate(opened=Max("read_at"), clicked=Max("clicked_at"))):
        alert_id = message_ids[row["message_id"]]
        reached[alert_id] += 1
        if row["opened"] or row["clicked"]:
            read[alert_id] += 1
    replies = Counter(AlertReply.objects.filter(alert_id__in=message_ids.values()).values_list("alert_id", flat=True))
    return {a.pk: {"reached": reached[a.pk], "read": read[a.pk], "unread": reached[a.pk] - read[a.pk],
                   "replies": replies[a.pk]} for a in alerts}

