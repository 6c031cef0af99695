"""Under concurrency (PostgreSQL row locks): a step is completed once, receipt numbers stay unique."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from apps.counter.choices_procedures import StepStatus
from apps.counter.models import ApplicationEvent
from apps.counter.services import receipts, routing
from apps.counter.services.applications import submit_application
from tests.counter.conftest import answers_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="row locks need PostgreSQL; SQLite runs one writer at a time anyway"),
]


def _together(work, n: int) -> list:
    barrier = threading.Barrier(n)
    results: list = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results.append(work(i))
        except Exception as error:
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_clerks_completing_one_step_at_once_complete_it_once(catalogue, resident, clerk_of):
    assert connection.vendor == "postgresql"
    procedure = catalogue["national-health-insurance"]
    application = submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))
    clerk = clerk_of("citizen-affairs")
    step = application.steps.get(order=1)
    routing.claim(step_id=step.id, staff=clerk)

    results = _together(lambda i: routing.complete(step_id=step.id, staff=clerk), 4)

    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    assert all(isinstance(r, ValidationError) for r in results if isinstance(r, Exception))
    assert ApplicationEvent.objects.filter(application=application, kind="step_done").count() == 1
    second = application.steps.get(order=2)
    assert second.status == StepStatus.QUEUED
    assert ApplicationEvent.objects.filter(application=application, kind="queued", step=second).count() == 1


def test_receipt_numbers_drawn_at_once_are_all_different(db):
    results = _together(lambda i: receipts.next_number("R"), 8)
    assert not [r for r in results if isinstance(r, Exception)]
    assert len(set(results)) == 8
