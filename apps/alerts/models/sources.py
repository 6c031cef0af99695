"""Outside publishers of CAP the portal accepts alerts from (a feed it polls, or POSTs to it)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.alerts.choices import ImportPolicy


class ImportSource(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("code"), max_length=40, unique=True,
                            help_text=_("Appears in the POST address: /api/v1/alerts/import/<code>/"))
    feed_url = models.URLField(_("Atom/RSS feed to poll"), max_length=400, blank=True)
    token = models.CharField(
        _("secret"), max_length=128, blank=True,
        help_text=_("POSTs must carry it as “Authorization: Bearer …” or sign the body with it "
                    "(X-Cap-Timestamp and X-Cap-Signature: sha256=HMAC over timestamp + “.” + body)."))
    policy = models.CharField(_("policy"), max_length=10, choices=ImportPolicy.choices, default=ImportPolicy.DRAFT)
    event_type = models.ForeignKey("alerts.EventType", verbose_name=_("event type for its alerts"),
                                   on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_result = models.CharField(_("last result"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("CAP import source")
        verbose_name_plural = _("CAP import sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
