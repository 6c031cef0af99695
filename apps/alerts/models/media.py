"""Outbound signed webhooks (signage, FM, social relays) and the record of every attempt."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.alerts.choices import WebhookState


class WebhookReceiver(models.Model):
    name = models.CharField(_("name"), max_length=80)
    url = models.URLField(_("address"), max_length=400)
    secret = models.CharField(_("signing secret"), max_length=128,
                              help_text=_("Shared with the receiver; signs every request (HMAC-SHA256)."))
    active = models.BooleanField(_("active"), default=True)
    include_exercises = models.BooleanField(_("also send exercises and tests"), default=False)

    class Meta:
        verbose_name = _("alert webhook receiver")
        verbose_name_plural = _("alert webhook receivers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One alert to one receiver: its state over all attempts."""

    alert = models.ForeignKey("alerts.Alert", on_delete=models.CASCADE, related_name="webhook_deliveries")
    receiver = models.ForeignKey(WebhookReceiver, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(_("state"), max_length=10, choices=WebhookState.choices, default=WebhookState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("alert webhook delivery")
        verbose_name_plural = _("alert webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["alert", "receiver"], name="alerts_one_delivery_each")]

    def __str__(self) -> str:
        return f"{self.receiver_id}: {self.state}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    ok = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        verbose_name = _("alert webhook attempt")
        verbose_name_plural = _("alert webhook attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {'ok' if self.ok else self.error}"
