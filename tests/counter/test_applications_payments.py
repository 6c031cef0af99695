"""Fees through the pluggable payment step: the fake provider's checkout, a signed and idempotent
confirmation, a receipt record, and cash at the counter."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.counter.choices_procedures import ApplicationStatus, PaymentStatus, StepStatus
from apps.counter.models import ApplicationEvent, Payment
from apps.counter.services import routing
from apps.counter.services.applications import submit_application
from apps.counter.services.payments import FakeProvider
from tests.counter.conftest import answers_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(catalogue, resident):
    procedure = catalogue["residence-certificate"]
    return submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))


def test_with_a_fee_the_first_step_waits_for_the_payment(certificate, clerk_of, english):
    assert certificate.status == ApplicationStatus.AWAITING_PAYMENT and certificate.fee_yen == 300
    step = certificate.steps.get()
    assert step.status == StepStatus.PENDING
    with pytest.raises(Exception) as error:
        routing.claim(step_id=step.id, staff=clerk_of("citizen-affairs"))
    assert "fee has not been paid" in str(error.value)


def test_paying_on_the_fake_checkout_starts_the_application(client, english, certificate, resident):
    client.force_login(resident)
    started = client.post(reverse("counter:application_pay", args=(certificate.pk,)))
    payment = Payment.objects.get(application=certificate)
    assert started.status_code == 302 and started["Location"] == reverse("counter:fake_checkout",
                                                                          args=(payment.reference,))
    assert "300 yen" in client.get(started["Location"]).content.decode()
    paid = client.post(started["Location"], follow=True)
    assert "Payment received" in paid.content.decode()
    payment.refresh_from_db()
    certificate.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.receipt_number.startswith("P-")
    assert certificate.status == ApplicationStatus.IN_PROGRESS
    assert certificate.steps.get().status == StepStatus.QUEUED
    assert payment.receipt_number in paid.content.decode()


def test_starting_twice_reuses_the_pending_payment(client, certificate, resident):
    client.force_login(resident)
    client.post(reverse("counter:application_pay", args=(certificate.pk,)))
    client.post(reverse("counter:application_pay", args=(certificate.pk,)))
    assert Payment.objects.filter(application=certificate).count() == 1


def test_the_confirmation_webhook_is_signed_and_idempotent(certificate, resident):
    api = APIClient()
    api.force_authenticate(resident)
    start = api.post(reverse("api:counter-application-payment", args=(certificate.pk,)))
    assert start.status_code == 200
    reference = start.json()["reference"]
    webhook = APIClient()
    forged = webhook.post(reverse("api:counter-fake-payment-confirm"),
                          {"reference": reference, "signature": "0" * 64}, format="json")
    assert forged.status_code == 403
    assert Payment.objects.get(reference=reference).status == PaymentStatus.PENDING
    body = {"reference": reference, "signature": FakeProvider.sign(reference)}
    first = webhook.post(reverse("api:counter-fake-payment-confirm"), body, format="json")
    second = webhook.post(reverse("api:counter-fake-payment-confirm"), body, format="json")
    assert first.status_code == second.status_code == 200
    assert first.json()["changed"] is True and second.json()["changed"] is False
    assert first.json()["receipt_number"] == second.json()["receipt_number"]
    assert ApplicationEvent.objects.filter(application=certificate, kind="paid").count() == 1
    assert certificate.steps.get().status == StepStatus.QUEUED
    unknown = webhook.post(reverse("api:counter-fake-payment-confirm"),
                           {"reference": "nope", "signature": "x"}, format="json")
    assert unknown.status_code == 400 and "reference" in unknown.json()["errors"]


def test_nothing_to_pay_is_refused_with_a_reason(english, catalogue, resident):
    procedure = catalogue["bulky-waste"]
    free = submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))
    api = APIClient()
    api.force_authenticate(resident)
    response = api.post(reverse("api:counter-application-payment", args=(free.pk,)))
    assert response.status_code == 400 and "payment" in response.json()["errors"]


def test_a_clerk_takes_cash_at_the_counter(client, english, certificate, clerk_of):
    clerk = clerk_of("citizen-affairs")
    client.force_login(clerk)
    response = client.post(reverse("counter:cash_payment", args=(certificate.pk,)), follow=True)
    payment = Payment.objects.get(application=certificate)
    assert payment.provider == "cash" and payment.status == PaymentStatus.PAID
    assert f"Receipt {payment.receipt_number}" in response.content.decode()
    again = client.post(reverse("counter:cash_payment", args=(certificate.pk,)), follow=True)
    assert "no fee to pay" in again.content.decode()
    assert Payment.objects.filter(application=certificate).count() == 1


def test_a_clerk_of_another_department_cannot_take_the_fee(certificate, clerk_of):
    api = APIClient()
    api.force_authenticate(clerk_of("waste"))
    assert api.post(reverse("api:counter-cash-payment", args=(certificate.pk,))).status_code == 404


def test_a_late_confirmation_for_a_withdrawn_application_changes_nothing(english, certificate, resident):
    api = APIClient()
    api.force_authenticate(resident)
    reference = api.post(reverse("api:counter-application-payment", args=(certificate.pk,))).json()["reference"]
    assert api.post(reverse("api:counter-application-withdraw", args=(certificate.pk,))).status_code == 200
    late = APIClient().post(reverse("api:counter-fake-payment-confirm"),
                            {"reference": reference, "signature": FakeProvider.sign(reference)}, format="json")
    assert late.status_code == 400
    assert Payment.objects.get(reference=reference).status == PaymentStatus.FAILED
    certificate.refresh_from_db()
    assert certificate.status == ApplicationStatus.WITHDRAWN
