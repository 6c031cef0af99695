"""Retention: passages and unknown-tag events older than each school's period are purged nightly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from apps.childwatch.models import GatePassage, GateReader, UnknownTagEvent
from apps.childwatch.tasks import purge_old_passages

pytestmark = pytest.mark.django_db


def days_ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def log(school, other_school, make_class, make_child):
    """Passages and unknown events at 1, 10 and 100 days old at two schools (90 and 7 days)."""
    other_school.passage_retention_days = 7
    other_school.save()
    made = {}
    for school_ in (school, other_school):
        reader = GateReader.objects.create(school=school_, code=f"{school_.code}-main", gate_name="正門")
        child = make_child(make_class(school_))
        for age in (1, 10, 100):
            GatePassage.objects.create(child=child, reader=reader, direction="in", passed_at=days_ago(age),
                                       reader_event_id=f"p-{age}")
            UnknownTagEvent.objects.create(reader=reader, tag_uid="X", reason="unknown", direction="in",
                                           passed_at=days_ago(age), reader_event_id=f"u-{age}")
        made[school_.code] = reader
    return made


def ages(model, reader) -> list[str]:
    return sorted(model.objects.filter(reader=reader).values_list("reader_event_id", flat=True))


def test_purge_keeps_what_each_school_still_keeps_and_is_idempotent(log, school, other_school):
    # A real call of the Celery task (eagerly, in this process), as beat would run it.
    result = purge_old_passages.apply().get()
    assert result == {"passages": 3, "unknown_tag_events": 3}
    assert ages(GatePassage, log[school.code]) == ["p-1", "p-10"]  # 90 days: only the 100-day one goes
    assert ages(GatePassage, log[other_school.code]) == ["p-1"]  # 7 days: 10 and 100 go
    assert ages(UnknownTagEvent, log[school.code]) == ["u-1", "u-10"]
    assert ages(UnknownTagEvent, log[other_school.code]) == ["u-1"]
    assert purge_old_passages() == {"passages": 0, "unknown_tag_events": 0}
    assert GatePassage.objects.count() == 3


def test_the_default_retention_is_90_days(school):
    assert school.passage_retention_days == 90


def test_beat_runs_the_purge_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["childwatch-purge-old-passages"]
    assert entry["task"] == purge_old_passages.name == "childwatch.purge_old_passages"
    assert entry["schedule"] == 24 * 60 * 60
