"""Fees through a pluggable payment step: a provider interface, a fake provider, counter cash.

A provider starts a payment (returns where the resident goes to pay) and verifies the
confirmation it later sends. Confirming is idempotent: a confirmation that arrives twice
(a retried webhook, a double click) finds the payment already paid and changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.counter.choices_procedures import ApplicationStatus, EventKind, PaymentStatus, StepStatus
from apps.counter.models import Application, ApplicationStep, Payment
from apps.counter.permissions_applications import is_city_staff, may_work_in
from apps.counter.services import receipts
from apps.counter.services.notify import in_language_of, tell
from apps.counter.services.routing import queue_step


class PaymentProvider(Protocol):
    code: str

    def start(self, payment: Payment) -> str:
        """Where the payer goes to pay (a URL)."""

    def verify(self, payment: Payment, payload: dict) -> bool:
        """Whether a confirmation really comes from the provider for this payment."""


class FakeProvider:
    """Stands in for a card or QR payment company in tests and the demo.

    Its checkout page is served by the portal itself; its confirmation carries an HMAC of the
    reference, the way real providers sign their webhooks.
    """

    code = "fake"

    @staticmethod
    def sign(reference: str) -> str:
        key = hashlib.sha256(("counter-fake-payments:" + settings.SECRET_KEY).encode()).digest()
        return hmac.new(key, reference.encode(), hashlib.sha256).hexdigest()

    def start(self, payment: Payment) -> str:
        return reverse("counter:fake_checkout", args=(payment.reference,))

    def verify(self, payment: Payment, payload: dict) -> bool:
        return hmac.compare_digest(str(payload.get("signature", "")), self.sign(payment.reference))


class CounterCashProvider:
    """Cash taken at the counter: the clerk's own confirmation is the proof."""

    code = "cash"

    def start(self, payment: Payment) -> str:
        return ""

    def verify(self, payment: Payment, payload: dict) -> bool:
        return True


PROVIDERS: dict[str, PaymentProvider] = {"fake": FakeProvider(), "cash": CounterCashProvider()}


def online_provider() -> PaymentProvider:
    return PROVIDERS[getattr(settings, "COUNTER_PAYMENT_PROVIDER", "fake")]


def register_provider(provider: PaymentProvider) -> None:
    PROVIDERS[provider.code] = provider


@transaction.atomic
def start_payment(*, application: Application, user: User) -> tuple[Payment, str]:
    """The applicant's pending payment (made once) and where to pay it."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != user.id:
        raise PermissionDenied(_("Only the applicant can pay this fee."))
    if application.status != ApplicationStatus.AWAITING_PAYMENT:
        raise ValidationError({"payment": _("There is no fee to pay for this application now.")})
    provider = online_provider()
    payment = application.payments.filter(status=PaymentStatus.PENDING, provider=provider.code).first()
    if payment is None:
        payment = Payment.objects.create(application=application, amount_yen=application.fee_yen,
                                         provider=provider.code, reference=secrets.token_hex(16))
    return payment, provider.start(payment)


@transaction.atomic
def confirm_payment(*, provider: str, reference: str, payload: dict) -> tuple[Payment, bool]:
    """Mark a payment paid and start the application; returns (payment, changed now)."""
    chosen = PROVIDERS.get(provider)
    if chosen is None:
        raise ValidationError({"provider": _("Unknown payment provider.")})
    payment = Payment.objects.select_for_update().filter(reference=reference, provider=provider).first()
    if payment is None:
        raise ValidationError({"reference": _("No payment with this reference.")})
    if not chosen.verify(payment, payload):
        raise PermissionDenied(_("The payment confirmation could not be verified."))
    if payment.status == PaymentStatus.PAID:
        return payment, False
    application = (Application.objects.select_for_update().select_related("procedure", "applicant")
                   .get(pk=payment.application_id))
    if application.status != ApplicationStatus.AWAITING_PAYMENT:
        raise ValidationError({"reference": _("This application no longer waits for a payment.")})
    now = timezone.now()
    payment.status = PaymentStatus.PAID
    payment.paid_at = now
    payment.receipt_number = receipts.next_number("P", now=now)
    payment.save(update_fields=["status", "paid_at", "receipt_number"])
    application.status = ApplicationStatus.IN_PROGRESS
    application.save(update_fields=["status", "updated_at"])
    from apps.counter.services.applications import event

    event(application, EventKind.PAID, note=payment.receipt_number)
    with in_language_of(application.applicant):
        tell(user=application.applicant, department=application.procedure.department,
             title=_("%(number)s: fee received") % {"number": application.receipt_number},
             body=_("We received %(amount)s yen for %(number)s. Receipt: %(receipt)s.") % {
                 "amount": payment.amount_yen, "number": application.receipt_number,
                 "receipt": payment.receipt_number},
             url_name="counter:application_detail", url_args=(application.pk,))
    first = (ApplicationStep.objects.select_for_update().select_related("department")
             .filter(application=application, status=StepStatus.PENDING).order_by("order").first())
    if first is not None:
        queue_step(application, first)
    return payment, True


@transaction.atomic
def record_cash_payment(*, application: Application, staff: User) -> Payment:
    """A clerk takes the fee in cash at the counter."""
    if not is_city_staff(staff) or not may_work_in(staff, application.procedure.department_id):
        raise PermissionDenied(_("Only clerks of the procedure's department can take its fee."))
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.AWAITING_PAYMENT:
        raise ValidationError({"payment": _("There is no fee to pay for this application now.")})
    payment = Payment.objects.create(application=application, amount_yen=application.fee_yen, provider="cash",
                                     reference=secrets.token_hex(16))
    return confirm_payment(provider="cash", reference=payment.reference, payload={})[0]
