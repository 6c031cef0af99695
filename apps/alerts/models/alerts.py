"""Alerts as CAP 1.2 messages: one row per message (an update or a cancel is a new row)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.alerts.choices import (
    TESTER_STATUSES,
    AlertState,
    CapCategory,
    CapCertainty,
    CapMsgType,
    CapSeverity,
    CapStatus,
    CapUrgency,
    EvacuationLevel,
)


class EventType(models.Model):
    """A kind of event (大雨, 洪水, 土砂災害 ...) and whether its alerts need a second person."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    cap_category = models.CharField(_("CAP category"), max_length=10, choices=CapCategory.choices,
                                    default=CapCategory.MET)
    two_person_rule = models.BooleanField(
        _("needs a second person's approval"), default=True,
        help_text=_("When on, the person who drafts an alert of this type can never approve it."))

    class Meta:
        verbose_name = _("event type")
        verbose_name_plural = _("event types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "ja").startswith("en") and self.name_en else self.name


class Alert(models.Model):
    """One CAP message the city issues or accepted from a source.

    The CAP document is generated on approval and stored (`cap_xml`), so the document the
    feed and receivers got never changes afterwards.
    """

    identifier = models.CharField(_("identifier"), max_length=200)
    sender = models.CharField(_("sender"), max_length=200)
    sender_name = models.CharField(_("sender name"), max_length=120, blank=True)
    sent = models.DateTimeField(_("sent"), null=True, blank=True)
    cap_status = models.CharField(_("CAP status"), max_length=10, choices=CapStatus.choices,
                                  default=CapStatus.ACTUAL)
    msg_type = models.CharField(_("message type"), max_length=10, choices=CapMsgType.choices,
                                default=CapMsgType.ALERT)
    references = models.TextField(_("references"), blank=True,
                                  help_text=_("sender,identifier,sent of the messages this one refers to"))
    replaces = models.ForeignKey("self", verbose_name=_("replaces"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="followups")

    event_type = models.ForeignKey(EventType, verbose_name=_("event"), on_delete=models.PROTECT,
                                   related_name="alerts")
    urgency = models.CharField(_("urgency"), max_length=10, choices=CapUrgency.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=CapSeverity.choices)
    certainty = models.CharField(_("certainty"), max_length=10, choices=CapCertainty.choices)
    evacuation_level = models.PositiveSmallIntegerField(_("evacuation level (警戒レベル)"), null=True, blank=True,
                                                        choices=EvacuationLevel.choices)
    headline = models.CharField(_("headline"), max_length=120)
    description = models.TextField(_("description"), max_length=3000)
    instruction = models.TextField(_("instruction"), max_length=1500, blank=True)
    headline_en = models.CharField(_("headline (English)"), max_length=120, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=3000, blank=True)
    instruction_en = models.TextField(_("instruction (English)"), max_length=1500, blank=True)
    headline_easy = models.CharField(_("headline (easy Japanese)"), max_length=120, blank=True)
    text_easy = models.TextField(_("text (easy Japanese, やさしい日本語)"), max_length=1500, blank=True)
    effective = models.DateTimeField(_("effective from"), null=True, blank=True)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)

    area_desc = models.CharField(_("area description"), max_length=300)
    area = models.MultiPolygonField(_("area"), srid=4326, spatial_index=True)
    districts = models.ManyToManyField("geo.District", verbose_name=_("districts"), blank=True,
                                       related_name="+")
    drawn_area = models.JSONField(_("drawn area and circle as chosen"), default=dict, blank=True,
                                  help_text=_("What staff drew or typed, so an update starts from the same choice."))
    hazard_zone = models.ForeignKey("disastermap.HazardZone", verbose_name=_("hazard zone"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    shelters = models.ManyToManyField("disastermap.Shelter", verbose_name=_("linked shelters"), blank=True,
                                      related_name="+")

    state = models.CharField(_("state"), max_length=12, choices=AlertState.choices, default=AlertState.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    source = models.ForeignKey("alerts.ImportSource", verbose_name=_("imported from"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="alerts")
    cap_xml = models.TextField(_("CAP document"), blank=True)
    message = models.ForeignKey("notifications.Message", verbose_name=_("notification"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "identifier"], name="alerts_unique_sender_identifier"),
        ]

    def __str__(self) -> str:
        return f"{self.headline} ({self.identifier})"

    @property
    def for_testers_only(self) -> bool:
        return self.cap_status in TESTER_STATUSES

    @property
    def is_in_force(self) -> bool:
        return self.state == AlertState.CURRENT and (self.expires is None or self.expires > timezone.now())

    def reference(self) -> str:
        """This message as CAP names it in another's `references`."""
        return f"{self.sender},{self.identifier},{self.sent.isoformat(timespec='seconds')}" if self.sent else ""


class TesterOptIn(models.Model):
    """A resident who agreed to receive exercises and tests (CAP status Exercise/Test)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_tester")
    since = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("alert tester")
        verbose_name_plural = _("alert testers")

    def __str__(self) -> str:
        return str(self.user_id)
