"""Applications, their department steps, timeline, attachments and fee payments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.counter.choices_procedures import (
    OPEN_STEP_STATUSES,
    ApplicationStatus,
    Channel,
    EventKind,
    PaymentStatus,
    StepStatus,
)

__all__ = ["Application", "ApplicationEvent", "ApplicationStep", "Attachment", "Payment", "ReceiptCounter"]


class ReceiptCounter(models.Model):
    """The last receipt number given per (prefix, year); one row locked per number drawn."""

    prefix = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="counter_receipt_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Application(models.Model):
    receipt_number = models.CharField(_("receipt number"), max_length=20, unique=True)
    procedure = models.ForeignKey("counter.Procedure", on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="counter_applications")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by (counter staff)"))
    answers = models.JSONField(_("answers"), default=dict)
    status = models.CharField(_("status"), max_length=20, choices=ApplicationStatus.choices)
    fee_yen = models.PositiveIntegerField(_("fee (yen)"), default=0)
    submitted_at = models.DateTimeField(_("submitted"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["applicant", "-submitted_at"], name="counter_app_applicant_idx"),
            models.Index(fields=["procedure", "submitted_at"], name="counter_app_procedure_idx"),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class ApplicationStep(models.Model):
    """One department's step of one application: a row in that department's work queue."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING)
    queued_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    claimed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    return_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")
        ordering = ["application", "order"]
        constraints = [
            models.UniqueConstraint(fields=["application", "order"], name="counter_app_step_order_unique"),
        ]
        indexes = [
            # The work queue: one department's open steps, oldest first, read by keyset.
            models.Index(fields=["department", "queued_at", "id"], name="counter_queue_idx",
                         condition=Q(status__in=OPEN_STEP_STATUSES)),
            # Analytics and the dashboard: open steps past their target, most overdue first.
            models.Index(fields=["due_at"], name="counter_overdue_idx", condition=Q(status__in=OPEN_STEP_STATUSES)),
            # Analytics: finished steps by time.
            models.Index(fields=["completed_at"], name="counter_step_done_idx",
                         condition=Q(status=StepStatus.DONE)),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.order} {self.name}"


class ApplicationEvent(models.Model):
    """The applicant's timeline: every change, with who did it (a department, never a clerk's name)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    step = models.ForeignKey(ApplicationStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "at", "id"]
        indexes = [models.Index(fields=["kind", "at"], name="counter_event_kind_idx")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never uses what the uploader called the file.
    return f"counter/attachments/{instance.application_id}/{instance.token}.{instance.extension}"


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=_attachment_path)
    original_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name or self.token


class Payment(models.Model):
    """A fee payment through a provider; the receipt record once paid."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="payments")
    amount_yen = models.PositiveIntegerField()
    provider = models.CharField(max_length=20)
    reference = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    receipt_number = models.CharField(_("payment receipt number"), max_length=20, unique=True, null=True,
                                      blank=True)

    class Meta:
        verbose_name = _("fee payment")
        verbose_name_plural = _("fee payments")
        ordering = ["application", "created_at"]

    def __str__(self) -> str:
        return self.receipt_number or self.reference
