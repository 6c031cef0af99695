"""Inquiries (お問い合わせ): a question, a clerk's draft answer, a second person's approval, the reply;
and the FAQ made from answered inquiries, with the asker's identity never carried over."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department

__all__ = ["FaqEntry", "Inquiry", "InquiryStatus"]


class InquiryStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    AWAITING_APPROVAL = "awaiting_approval", _("Answer awaiting approval")
    ANSWERED = "answered", _("Answered")


class Inquiry(models.Model):
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="inquiries")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asked by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="counter_inquiries")
    # For a question asked without signing in: where the answer goes.
    asker_email = models.EmailField(_("e-mail address for the answer"), blank=True)
    asker_name = models.CharField(_("name"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=120)
    body = models.TextField(_("question"))
    status = models.CharField(_("status"), max_length=20, choices=InquiryStatus.choices,
                              default=InquiryStatus.RECEIVED)
    draft_answer = models.TextField(_("draft answer"), blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    returned_reason = models.CharField(_("reason the draft was returned"), max_length=300, blank=True)
    answer = models.TextField(_("answer sent"), blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reply_message_id = models.PositiveBigIntegerField(_("reply message"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["department", "status", "created_at"], name="counter_inquiry_queue")]
        permissions = [("approve_inquiry_answer", "Can approve inquiry answers of their department")]
        constraints = [models.CheckConstraint(
            condition=models.Q(asker__isnull=False) | ~models.Q(asker_email=""),
            name="counter_inquiry_has_reply_address")]

    def __str__(self) -> str:
        return self.subject


class FaqEntry(models.Model):
    """A question and answer shown to everyone; written by staff from an inquiry, anonymised."""

    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="faq_entries")
    inquiry = models.OneToOneField(Inquiry, verbose_name=_("from inquiry"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="faq_entry")
    question = models.TextField(_("question (public)"))
    answer = models.TextField(_("answer (public)"))
    is_published = models.BooleanField(_("published"), default=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.question[:60]
