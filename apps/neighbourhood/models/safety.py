"""Safety checks (安否確認): one tap from every member, a live follow-up list for officers."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from apps.geo.models import District
from apps.neighbourhood.choices import SafetyStatus
from apps.neighbourhood.models.associations import Association


class SafetyCheck(models.Model):
    """Started by an officer for the association, or by city staff for districts."""

    association = models.ForeignKey(Association, verbose_name=_("association"), on_delete=models.CASCADE,
                                    null=True, blank=True, related_name="safety_checks")
    districts = models.ManyToManyField(District, verbose_name=_("districts"), blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    message_id = models.PositiveBigIntegerField(_("notification message"), null=True, blank=True)

    class Meta:
        verbose_name = _("safety check")
        verbose_name_plural = _("safety checks")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.title


class SafetyAnswer(models.Model):
    safety_check = models.ForeignKey(SafetyCheck, verbose_name=_("safety check"), on_delete=models.CASCADE,
                                     related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
                             related_name="+")
    status = models.CharField(_("answer"), max_length=10, choices=SafetyStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    answered_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        verbose_name = _("safety answer")
        verbose_name_plural = _("safety answers")
        constraints = [models.UniqueConstraint(fields=["safety_check", "user"], name="one_answer_per_member")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_status_display()}"
