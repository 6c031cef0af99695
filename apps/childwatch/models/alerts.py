"""School alert mail: what a school sent to which guardians, and their fixed replies."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.childwatch.choices import AlertCategory, AlertScope, ReplyChoice
from apps.childwatch.models.schools import Child, School, SchoolClass


class SchoolAlert(models.Model):
    """One school alert; the message itself lives in notifications (delivery and read state too)."""

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="alerts")
    category = models.CharField(_("category"), max_length=30, choices=AlertCategory.choices)
    scope = models.CharField(_("sent to"), max_length=10, choices=AlertScope.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    children = models.ManyToManyField(Child, verbose_name=_("children"), blank=True, related_name="+")
    # Set in the same transaction as the row: the alert is stored first so that the message can
    # link to the alert's own page (see services.alerts.send_alert). Never empty once committed.
    message = models.OneToOneField("notifications.Message", verbose_name=_("message"), on_delete=models.PROTECT,
                                   related_name="school_alert", null=True)
    replies_allowed = models.BooleanField(_("guardians may reply"), default=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
                                related_name="+")
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("school alert")
        verbose_name_plural = _("school alerts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message.title if self.message_id else f"#{self.pk}"


class AlertReply(models.Model):
    alert = models.ForeignKey(SchoolAlert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="replies")
    guardian = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("guardian"), on_delete=models.CASCADE,
                                 related_name="+")
    reply = models.CharField(_("reply"), max_length=20, choices=ReplyChoice.choices)
    replied_at = models.DateTimeField(_("replied"), auto_now=True)

    class Meta:
        verbose_name = _("alert reply")
        verbose_name_plural = _("alert replies")
        constraints = [models.UniqueConstraint(fields=["alert", "guardian"], name="one_reply_per_guardian")]

    def __str__(self) -> str:
        return f"{self.guardian}: {self.get_reply_display()}"
