"""People who need help in a disaster (避難行動要支援者): the most private data on the map.

Read only through `selectors.people_needing_help_for`, which lets in the person's designated
supporters and staff holding `view_personneedinghelp`; every read goes to the audit log.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from apps.geo.models import District


class PersonNeedingHelp(models.Model):
    full_name = models.CharField(_("full name"), max_length=80)
    address = models.CharField(_("address"), max_length=200)
    location = models.PointField(_("location"), srid=4326)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    needs = models.TextField(_("what help is needed"),
                             help_text=_("E.g. uses a wheelchair, cannot hear announcements, needs oxygen."))
    emergency_contact = models.CharField(_("emergency contact"), max_length=200, blank=True)
    consent_given_on = models.DateField(
        _("consent given on"), help_text=_("Date the person agreed to share this with supporters."),
    )
    supporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("designated supporters"), blank=True,
        related_name="people_supported",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("person needing help")
        verbose_name_plural = _("people needing help")
        ordering = ["district", "full_name"]

    def __str__(self) -> str:
        return self.full_name

