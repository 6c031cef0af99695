"""Celery tasks of child watch: thin, idempotent wrappers around services."""

from __future__ import annotations

from celery import shared_task

from apps.childwatch.services.gates import purge_old_passages as purge


@shared_task(name="childwatch.purge_old_passages")
def purge_old_passages() -> dict[str, int]:
    """Delete gate passages and unknown-tag events older than each school's retention (nightly)."""
    return purge()
