"""Reads of alerts: the public view, the staff view, the banner and each medium's state."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.alerts import caching
from apps.alerts.choices import AlertState, CapMsgType, CapStatus
from apps.alerts.models import Alert, TesterOptIn, WebhookDelivery
from apps.alerts.permissions import is_alert_staff
from apps.notifications.selectors import delivery_counts, summarise

BANNER_KEY = "alerts:banner:v1"
BANNER_SECONDS = 300
PUBLISHED = (AlertState.CURRENT, AlertState.SUPERSEDED, AlertState.CANCELLED)


def in_force() -> QuerySet[Alert]:
    """Actual alerts in force now (a cancel message is not itself an alert to show)."""
    now = timezone.now()
    return (Alert.objects.filter(state=AlertState.CURRENT, cap_status=CapStatus.ACTUAL)
            .exclude(msg_type=CapMsgType.CANCEL)
            .filter(Q(expires__isnull=True) | Q(expires__gt=now))
            .select_related("event_type").order_by("-evacuation_level", "-sent"))


def banner() -> list[dict]:
    """What the banner on every page shows; cached (shared and per process, see caching.py),
    emptied whenever an alert changes."""
    rows = caching.local_get("banner", BANNER_SECONDS)
    if rows is None:
        rows = cache.get(BANNER_KEY)
    if rows is None:
        rows = [{"id": a.id, "headline": a.headline, "headline_en": a.headline_en, "level": a.evacuation_level,
                 "area": a.area_desc, "expires": a.expires} for a in in_force()[:5]]
        cache.set(BANNER_KEY, rows, BANNER_SECONDS)
    caching.local_set("banner", rows)
    now = timezone.now()
    return [row for row in rows if row["expires"] is None or row["expires"] > now]


def public_alerts() -> QuerySet[Alert]:
    """Everything the public may read: sent, actual alerts (current and past)."""
    return Alert.objects.filter(state__in=PUBLISHED, cap_status=CapStatus.ACTUAL).select_related("event_type")


def feed_alerts(limit: int = 50) -> list[Alert]:
    return list(public_alerts().exclude(cap_xml="").order_by("-sent", "-id")[:limit])


def alert_for(user, pk: int) -> Alert:
    """One alert: staff see every state and status; everyone else only public, sent ones."""
    query = Alert.objects.select_related("event_type", "created_by", "approved_by", "replaces", "message",
                                         "source", "hazard_zone")
    if not is_alert_staff(user):
        query = query.filter(state__in=PUBLISHED, cap_status=CapStatus.ACTUAL)
    alert = query.filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert


def staff_alerts(user, *, state: str | None = None) -> QuerySet[Alert]:
    if not is_alert_staff(user):
        return Alert.objects.none()
    query = Alert.objects.select_related("event_type", "created_by")
    return query.filter(state=state) if state else query


def media_state(alert: Alert) -> dict:
    """How far each medium got: notifications (counts only), CAP/feed, each webhook receiver."""
    notifications = None
    if alert.message_id:
        counts = delivery_counts(alert.message)
        notifications = {
            "status": alert.message.status,
            "channels": {channel: summarise(c) for channel, c in sorted(counts["channels"].items())},
            "failures": counts["failures"],
        }
    webhooks = []
    for delivery in (WebhookDelivery.objects.filter(alert=alert).select_related("receiver")
                     .prefetch_related("attempt_log").order_by("receiver__name")):
        attempts = list(delivery.attempt_log.all())
        webhooks.append({
            "receiver": delivery.receiver.name, "state": delivery.state, "attempts": delivery.attempts,
            "retried": max(delivery.attempts - 1, 0), "last_error": delivery.last_error, "sent_at": delivery.sent_at,
            "log": [{"at": a.at, "ok": a.ok, "status": a.response_status, "error": a.error} for a in attempts],
        })
    return {
        "notifications": notifications,
        "cap": {"available": bool(alert.cap_xml), "in_feed": bool(alert.cap_xml)
                and alert.cap_status == CapStatus.ACTUAL and alert.state in PUBLISHED},
        "webhooks": webhooks,
    }


def is_tester(user) -> bool:
    return user.is_authenticated and TesterOptIn.objects.filter(user=user).exists()
