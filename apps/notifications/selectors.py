"""Reads of notifications, each scoped to the person asking."""

from __future__ import annotations

import re

from django.db.models import Count, Q, QuerySet

from apps.accounts.models import User
from apps.accounts.roles import CITY_STAFF_ROLES
from apps.accounts.selectors import roles_of
from apps.notifications.choices import Channel, DeliveryStatus
from apps.notifications.models import Delivery, LineLink, Message, TopicSubscription

STAFF_ROLES = CITY_STAFF_ROLES


def inbox(user: User, *, category: str | None = None, search: str | None = None,
          unread_only: bool = False) -> QuerySet[Delivery]:
    """The resident's own inbox rows, newest first, with their messages."""
    rows = (Delivery.objects.filter(recipient=user, channel=Channel.INBOX)
            .select_related("message").prefetch_related("message__variants").order_by("-queued_at"))
    if category:
        rows = rows.filter(message__category=category)
    if search:
        rows = rows.filter(Q(message__title__icontains=search) | Q(message__body__icontains=search)
                           | Q(message__variants__title__icontains=search)
                           | Q(message__variants__body__icontains=search)).distinct()
    if unread_only:
        rows = rows.filter(read_at=None)
    return rows


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Delivery.objects.filter(recipient=user, channel=Channel.INBOX, read_at=None).count()


def inbox_entry(user: User, message_id: int) -> Delivery | None:
    """One inbox row, only if this message was sent to this user."""
    return inbox(user).filter(message_id=message_id).first()


def sent_messages(user: User) -> QuerySet[Message]:
    """Messages a sender may look at: city staff see their city's; others their own."""
    query = Message.objects.select_related("created_by", "approved_by")
    if roles_of(user) & STAFF_ROLES:
        return query.filter(organisation_kind="department")
    return query.filter(created_by=user)


# Failure reasons come from mail servers and APIs and may quote an address; whoever reads
# them sees reasons and counts only, never whom they concern.
_PERSONAL = [
    (re.compile(r"[\w.!#$%&*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+"), "[address]"),
    (re.compile(r"https?://\S+"), "[endpoint]"),
    (re.compile(r"\bU[0-9a-f]{32}\b"), "[LINE user]"),
    (re.compile(r"\+?\d[\d -]{8,}\d"), "[number]"),
]


def public_reason(error: str) -> str:
    """A failure reason with addresses, numbers and endpoints taken out."""
    for pattern, replacement in _PERSONAL:
        error = pattern.sub(replacement, error)
    return error


def delivery_counts(message: Message) -> dict:
    """Per channel and per segment: how many rows in each state (counts only, no names)."""
    by_channel: dict[str, dict[str, int]] = {}
    for row in message.deliveries.values("channel", "status").annotate(n=Count("id")).order_by():
        by_channel.setdefault(row["channel"], {})[row["status"]] = row["n"]
    by_segment: dict[str, dict[str, int]] = {}
    for row in message.deliveries.values("segment", "status").annotate(n=Count("id")).order_by():
        by_segment.setdefault(row["segment"], {})[row["status"]] = row["n"]
    merged: dict[tuple[str, str], int] = {}
    for row in (message.deliveries.filter(status=DeliveryStatus.FAILED).values("channel", "error")
                .annotate(n=Count("id")).order_by("-n")[:200]):
        key = (row["channel"], public_reason(row["error"]))
        merged[key] = merged.get(key, 0) + row["n"]
    failures = [{"channel": channel, "error": error, "n": n}
                for (channel, error), n in sorted(merged.items(), key=lambda item: -item[1])[:20]]
    return {"channels": by_channel, "segments": by_segment, "failures": failures}


def summarise(counts: dict[str, int]) -> dict[str, int]:
    """queued/sent/delivered/read/failed totals where read implies delivered implies sent."""
    read = counts.get(DeliveryStatus.READ, 0)
    delivered = counts.get(DeliveryStatus.DELIVERED, 0) + read
    sent = counts.get(DeliveryStatus.SENT, 0) + delivered
    return {
        "total": sum(counts.values()),
        "waiting": counts.get(DeliveryStatus.QUEUED, 0) + counts.get(DeliveryStatus.SENDING, 0)
        + counts.get(DeliveryStatus.DEFERRED, 0),
        "sent": sent,
        "delivered": delivered,
        "read": read,
        "failed": counts.get(DeliveryStatus.FAILED, 0),
    }


def topics_of(user: User) -> list[str]:
    return list(TopicSubscription.objects.filter(user=user).values_list("category", flat=True))


def line_status(user: User) -> str:
    """'not_linked', 'linked' or 'blocked' (linked, but the resident blocked the account)."""
    link = LineLink.objects.filter(user=user).first()
    if link is None:
        return "not_linked"
    return "linked" if link.following else "blocked"


def status_counts_by_message(message_ids: list[int]) -> dict[int, dict[str, int]]:
    """Rows per status for several messages in one query (a page listing many posts)."""
    counts: dict[int, dict[str, int]] = {}
    if not message_ids:
        return counts
    for row in (Delivery.objects.filter(message_id__in=message_ids).values("message_id", "status")
                .annotate(n=Count("id")).order_by()):
        counts.setdefault(row["message_id"], {})[row["status"]] = row["n"]
    return counts
