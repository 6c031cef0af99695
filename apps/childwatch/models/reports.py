"""Suspicious-person reports (不審者情報): sent to guardians nearby and shown on the safety map."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from apps.childwatch.choices import AlertCategory
from apps.childwatch.models.schools import School
from apps.geo.models import SchoolDistrict


class SuspiciousPersonReport(models.Model):
    school = models.ForeignKey(School, verbose_name=_("reported through school"), on_delete=models.PROTECT,
                               related_name="suspicious_reports")
    category = models.CharField(_("category"), max_length=30, choices=AlertCategory.choices,
                                default=AlertCategory.CHILD_SUSPICIOUS)
    occurred_at = models.DateTimeField(_("when"))
    location = models.PointField(_("where"), srid=4326)
    place_description = models.CharField(_("place"), max_length=200, help_text=_("E.g. 桜川公園の北側の歩道"))
    description = models.TextField(_("what happened"))
    suspect_description = models.TextField(_("description of the person"), blank=True)
    school_districts = models.ManyToManyField(SchoolDistrict, verbose_name=_("school districts told"),
                                              related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    message_id = models.PositiveBigIntegerField(_("message"), null=True, blank=True)
    incident_id = models.PositiveBigIntegerField(_("map incident"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspicious-person report")
        verbose_name_plural = _("suspicious-person reports")
        ordering = ["-occurred_at"]
