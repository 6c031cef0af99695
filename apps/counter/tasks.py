"""Celery tasks of the counter: thin, idempotent wrappers around services."""

from __future__ import annotations

from celery import shared_task

from apps.counter.services.lifeevents import send_reminders


@shared_task(name="counter.send_life_event_reminders")
def send_life_event_reminders() -> int:
    """Remind residents of procedures left on their life-event lists (beat, hourly)."""
    return send_reminders()
