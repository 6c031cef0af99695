"""Celery tasks of alerts: thin wrappers, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from apps.alerts.services import imports, webhooks

WEBHOOK_MAX_RETRIES = 6


@shared_task(name="alerts.deliver_webhook", bind=True, acks_late=True, max_retries=WEBHOOK_MAX_RETRIES)
def deliver_alert_webhook(self, delivery_id: int) -> bool:
    try:
        return webhooks.attempt(delivery_id, last_try=self.request.retries >= WEBHOOK_MAX_RETRIES)
    except webhooks.TemporaryWebhookError as exc:
        # 1, 2, 4, 8 ... seconds, at most five minutes: a relay that is down for a moment catches up fast.
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 300)) from None


@shared_task(name="alerts.poll_feeds", acks_late=True)
def poll_feeds() -> dict:
    return imports.poll_all()
