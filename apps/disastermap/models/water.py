"""River water level stations that report through the signed device API."""

import secrets

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from apps.disastermap.choices import WaterStage
from apps.geo.models import District


class WaterLevelStation(models.Model):
    code = models.SlugField(_("station code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    river = models.CharField(_("river"), max_length=120)
    location = models.PointField(_("location"), srid=4326)
    # Thresholds in metres; blank ones are skipped. Stages follow WaterStage.
    standby_level = models.DecimalField(_("standby level (m)"), max_digits=6, decimal_places=2, null=True, blank=True)
    caution_level = models.DecimalField(_("caution level (m)"), max_digits=6, decimal_places=2, null=True, blank=True)
    evacuation_level = models.DecimalField(_("evacuation decision level (m)"), max_digits=6, decimal_places=2,
                                           null=True, blank=True)
    danger_level = models.DecimalField(_("danger level (m)"), max_digits=6, decimal_places=2, null=True, blank=True)
    districts_to_warn = models.ManyToManyField(
        District, verbose_name=_("districts to warn"), blank=True, related_name="water_level_stations",
        help_text=_("Residents of these districts are told when the water rises past a warning level."),
    )
    notify_from_stage = models.PositiveSmallIntegerField(
        _("warn residents from stage"), choices=WaterStage.choices, default=WaterStage.EVACUATION,
    )
    alert_sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("warnings sent in the name of"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
        help_text=_("A city staff member; warnings go out as their department's messages."),
    )
    # The device signs each report with HMAC-SHA256 under this secret (shown once to staff).
    device_secret = models.CharField(_("device secret"), max_length=64, editable=False)
    current_stage = models.PositiveSmallIntegerField(_("current stage"), choices=WaterStage.choices,
                                                     default=WaterStage.NORMAL)
    latest_level = models.DecimalField(_("latest level (m)"), max_digits=6, decimal_places=2, null=True, blank=True)
    latest_at = models.DateTimeField(_("latest reading"), null=True, blank=True)
    stage_changed_at = models.DateTimeField(_("stage changed"), null=True, blank=True)
    # The last warning sent to residents, so staff can see what went out and when.
    last_warning_at = models.DateTimeField(_("last warning sent"), null=True, blank=True)
    last_warning_message_id = models.PositiveBigIntegerField(_("last warning message"), null=True, blank=True)

    class Meta:
        verbose_name = _("water level station")
        verbose_name_plural = _("water level stations")
        ordering = ["river", "name"]

    def __str__(self) -> str:
        return f"{self.river} {self.name}"

    def save(self, *args, **kwargs) -> None:
        # Every station gets a secret when it is created, however it is created.
        if not self.device_secret:
            self.device_secret = secrets.token_hex(32)
        super().save(*args, **kwargs)

    def thresholds(self) -> list[tuple[int, object]]:
        """(stage, level) for each threshold that is set, lowest stage first."""
        pairs = [(WaterStage.STANDBY, self.standby_level), (WaterStage.CAUTION, self.caution_level),
                 (WaterStage.EVACUATION, self.evacuation_level), (WaterStage.DANGER, self.danger_level)]
        return [(int(stage), level) for stage, level in pairs if level is not None]


class WaterLevelReading(models.Model):
    station = models.ForeignKey(WaterLevelStation, verbose_name=_("station"), on_delete=models.CASCADE,
                                related_name="readings")
    measured_at = models.DateTimeField(_("measured at"))
    level = models.DecimalField(_("level (m)"), max_digits=6, decimal_places=2)
    stage = models.PositiveSmallIntegerField(_("stage"), choices=WaterStage.choices, default=WaterStage.NORMAL)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("water level reading")
        verbose_name_plural = _("water level readings")
        ordering = ["station", "-measured_at"]
        constraints = [
            # A device that resends a reading (or an attacker replaying one) adds nothing.
            models.UniqueConstraint(fields=["station", "measured_at"], name="unique_reading_time"),
        ]
