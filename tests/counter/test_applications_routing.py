"""Routing through ordered department steps: claim, complete, return; refusals with reasons."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.counter.choices_procedures import ApplicationStatus, EventKind, StepStatus
from apps.counter.models import ApplicationEvent
from apps.counter.services import routing
from apps.counter.services.applications import resubmit, submit_application
from apps.notifications.models import Message
from tests.counter.conftest import answers_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def nhi(catalogue, resident):
    procedure = catalogue["national-health-insurance"]
    return submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))


def steps(application):
    return list(application.steps.order_by("order"))


def test_an_application_gets_a_receipt_number_and_its_first_step_is_queued(nhi):
    assert nhi.receipt_number.startswith("R-2026-") or nhi.receipt_number[2:6].isdigit()
    first, second = steps(nhi)
    assert (first.status, second.status) == (StepStatus.QUEUED, StepStatus.PENDING)
    assert first.department.code == "citizen-affairs" and second.department.code == "insurance-pension"
    assert nhi.status == ApplicationStatus.IN_PROGRESS


def test_receipt_numbers_are_consecutive_and_unique(catalogue, resident):
    procedure = catalogue["bulky-waste"]
    numbers = [submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure)
                                  ).receipt_number for _ in range(3)]
    assert len(set(numbers)) == 3
    tails = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert tails == [tails[0], tails[0] + 1, tails[0] + 2]
    assert all(len(n.rsplit("-", 1)[1]) == 6 for n in numbers)


def test_steps_pass_through_two_departments_in_order(nhi, clerk_of, resident):
    citizen, insurance = clerk_of("citizen-affairs"), clerk_of("insurance-pension")
    first, second = steps(nhi)
    routing.claim(step_id=first.id, staff=citizen)
    routing.complete(step_id=first.id, staff=citizen, note="確認済み")
    first, second = steps(nhi)
    assert first.status == StepStatus.DONE and second.status == StepStatus.QUEUED
    routing.claim(step_id=second.id, staff=insurance)
    routing.complete(step_id=second.id, staff=insurance)
    nhi.refresh_from_db()
    assert nhi.status == ApplicationStatus.COMPLETED and nhi.completed_at is not None
    kinds = list(ApplicationEvent.objects.filter(application=nhi).values_list("kind", flat=True))
    assert kinds == [EventKind.SUBMITTED, EventKind.QUEUED, EventKind.CLAIMED, EventKind.STEP_DONE, EventKind.QUEUED,
                     EventKind.CLAIMED, EventKind.STEP_DONE, EventKind.COMPLETED]
    # received, claimed, moved on, claimed, completed: every change told to the applicant, nobody else
    messages = Message.objects.filter(audience__segments__0__user_ids=[resident.id])
    assert messages.count() == 5


def test_a_step_completed_twice_is_refused_with_the_reason(nhi, clerk_of, english):
    citizen = clerk_of("citizen-affairs")
    first = steps(nhi)[0]
    routing.claim(step_id=first.id, staff=citizen)
    routing.complete(step_id=first.id, staff=citizen)
    with pytest.raises(ValidationError) as error:
        routing.complete(step_id=first.id, staff=citizen)
    assert "already completed" in error.value.message_dict["step"][0]


def test_a_step_out_of_order_is_refused_naming_the_step_to_do_first(nhi, clerk_of, english):
    insurance = clerk_of("insurance-pension")
    second = steps(nhi)[1]
    with pytest.raises(ValidationError) as error:
        routing.claim(step_id=second.id, staff=insurance)
    assert "Step 1" in error.value.message_dict["step"][0] and "市民課" in error.value.message_dict["step"][0]
    assert steps(nhi)[1].status == StepStatus.PENDING


def test_another_departments_clerk_cannot_touch_a_step(nhi, clerk_of):
    with pytest.raises(PermissionDenied):
        routing.claim(step_id=steps(nhi)[0].id, staff=clerk_of("waste"))


def test_completing_needs_a_claim_and_only_the_claimer_completes(nhi, clerk_of, english):
    one, two = clerk_of("citizen-affairs"), clerk_of("citizen-affairs")
    first = steps(nhi)[0]
    with pytest.raises(ValidationError, match="Claim"):
        routing.complete(step_id=first.id, staff=one)
    routing.claim(step_id=first.id, staff=one)
    with pytest.raises(ValidationError):
        routing.claim(step_id=first.id, staff=two)
    with pytest.raises(ValidationError):
        routing.complete(step_id=first.id, staff=two)


def test_a_return_needs_a_reason_and_the_correction_requeues_the_step(nhi, clerk_of, resident):
    citizen = clerk_of("citizen-affairs")
    first = steps(nhi)[0]
    routing.claim(step_id=first.id, staff=citizen)
    with pytest.raises(ValidationError) as error:
        routing.return_to_applicant(step_id=first.id, staff=citizen, reason="  ")
    assert "reason" in error.value.message_dict
    routing.return_to_applicant(step_id=first.id, staff=citizen, reason="住所の番地が違います")
    nhi.refresh_from_db()
    assert nhi.status == ApplicationStatus.RETURNED and steps(nhi)[0].status == StepStatus.RETURNED
    with pytest.raises(ValidationError):
        routing.claim(step_id=first.id, staff=citizen)
    with pytest.raises(ValidationError) as error:
        resubmit(application=nhi, user=resident, answers={"postal_code": "12-34"})
    assert "answers.postal_code" in error.value.message_dict
    resubmit(application=nhi, user=resident, answers={"address": "市原市更級5丁目1番地2"})
    nhi.refresh_from_db()
    assert nhi.answers["address"] == "市原市更級5丁目1番地2" and nhi.status == ApplicationStatus.IN_PROGRESS
    first = steps(nhi)[0]
    assert first.status == StepStatus.QUEUED and first.return_count == 1 and first.claimed_by is None


def test_only_the_applicant_corrects(nhi, clerk_of, other_resident):
    citizen = clerk_of("citizen-affairs")
    first = steps(nhi)[0]
    routing.claim(step_id=first.id, staff=citizen)
    routing.return_to_applicant(step_id=first.id, staff=citizen, reason="印鑑が必要です")
    with pytest.raises(PermissionDenied):
        resubmit(application=nhi, user=other_resident, answers={})


def test_the_applicant_withdraws_and_the_steps_leave_the_queues(nhi, clerk_of, resident, english):
    from apps.counter.services.applications import withdraw

    citizen = clerk_of("citizen-affairs")
    first = steps(nhi)[0]
    routing.claim(step_id=first.id, staff=citizen)
    withdraw(application=nhi, user=resident)
    nhi.refresh_from_db()
    assert nhi.status == ApplicationStatus.WITHDRAWN
    assert [s.status for s in steps(nhi)] == [StepStatus.CANCELLED, StepStatus.CANCELLED]
    with pytest.raises(ValidationError) as error:
        routing.complete(step_id=first.id, staff=citizen)
    assert "withdrew" in error.value.message_dict["step"][0]
    with pytest.raises(ValidationError):
        withdraw(application=nhi, user=resident)


def test_only_the_applicant_withdraws_and_a_finished_one_cannot_be(catalogue, resident, other_resident, clerk_of):
    from apps.counter.services.applications import withdraw

    procedure = catalogue["bulky-waste"]
    application = submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))
    with pytest.raises(PermissionDenied):
        withdraw(application=application, user=other_resident)
    clerk = clerk_of("waste")
    step = steps(application)[0]
    routing.claim(step_id=step.id, staff=clerk)
    routing.complete(step_id=step.id, staff=clerk)
    with pytest.raises(ValidationError):
        withdraw(application=application, user=resident)
