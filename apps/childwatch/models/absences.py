"""Absence, lateness and early-leave reports (欠席連絡) from guardians."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.childwatch.choices import AbsenceKind, AbsenceReason
from apps.childwatch.models.schools import Child


class AbsenceReport(models.Model):
    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="absences")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=AbsenceKind.choices)
    reason = models.CharField(_("reason"), max_length=12, choices=AbsenceReason.choices)
    expected_time = models.TimeField(_("expected arrival or leaving time"), null=True, blank=True)
    note = models.CharField(_("note for the teacher"), max_length=300, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT,
                                    related_name="+")
    reported_at = models.DateTimeField(_("reported"), auto_now_add=True)
    seen_by_teacher_at = models.DateTimeField(_("seen by the teacher"), null=True, blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        verbose_name = _("absence report")
        verbose_name_plural = _("absence reports")
        ordering = ["date", "child"]
        constraints = [models.UniqueConstraint(fields=["child", "date", "kind"], name="one_report_per_child_day_kind")]

    def __str__(self) -> str:
        return f"{self.date} {self.child} {self.get_kind_display()}"
