"""Shelters on the national model, with live status kept by their staff."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from apps.disastermap.choices import Hazard, ShelterStatus
from apps.disastermap.models.facilities import Facility
from apps.geo.models import District


class Shelter(Facility):
    """A facility designated as an evacuation site or shelter (multi-table: it is a Facility)."""

    # Shelter types; one place is often several at once.
    is_emergency_site = models.BooleanField(_("designated emergency evacuation site (指定緊急避難場所)"), default=False)
    is_designated_shelter = models.BooleanField(_("designated shelter (指定避難所)"), default=False)
    is_welfare_shelter = models.BooleanField(_("welfare shelter (福祉避難所)"), default=False)
    # The eight hazards of the national scheme: one column each, as in the national dataset.
    serves_flood = models.BooleanField(Hazard.FLOOD.label, default=False)
    serves_landslide = models.BooleanField(Hazard.LANDSLIDE.label, default=False)
    serves_storm_surge = models.BooleanField(Hazard.STORM_SURGE.label, default=False)
    serves_earthquake = models.BooleanField(Hazard.EARTHQUAKE.label, default=False)
    serves_tsunami = models.BooleanField(Hazard.TSUNAMI.label, default=False)
    serves_large_fire = models.BooleanField(Hazard.LARGE_FIRE.label, default=False)
    serves_inland_flood = models.BooleanField(Hazard.INLAND_FLOOD.label, default=False)
    serves_volcano = models.BooleanField(Hazard.VOLCANO.label, default=False)
    capacity = models.PositiveIntegerField(_("capacity (people)"), null=True, blank=True)
    districts_served = models.ManyToManyField(
        District, verbose_name=_("districts served"), blank=True, related_name="shelters",
        help_text=_("Residents of these districts are told when the shelter opens, fills or closes."),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("shelter staff"), blank=True, related_name="shelters_staffed",
        help_text=_("People who may update this shelter's status from their phone."),
    )
    status = models.CharField(_("status"), max_length=10, choices=ShelterStatus.choices, default=ShelterStatus.CLOSED)
    headcount = models.PositiveIntegerField(_("people sheltering"), default=0)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")
        ordering = ["name"]
        indexes = [models.Index(fields=["status"], name="shelter_status")]

    def hazards(self) -> list[str]:
        return [hazard.value for hazard in Hazard if getattr(self, f"serves_{hazard.value}")]

    def hazard_labels(self) -> list[str]:
        return [str(Hazard(value).label) for value in self.hazards()]

    def types(self) -> list[str]:
        return [str(self._meta.get_field(name).verbose_name)
                for name in ("is_emergency_site", "is_designated_shelter", "is_welfare_shelter")
                if getattr(self, name)]

    @property
    def occupancy_percent(self) -> int | None:
        if not self.capacity:
            return None
        return min(100, round(self.headcount * 100 / self.capacity))


class ShelterStatusChange(models.Model):
    """Every status report, for the record and for the crowding history."""

    shelter = models.ForeignKey(Shelter, verbose_name=_("shelter"), on_delete=models.CASCADE,
                                related_name="status_changes")
    status = models.CharField(_("status"), max_length=10, choices=ShelterStatus.choices)
    headcount = models.PositiveIntegerField(_("people sheltering"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"),
                                   on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    # The broadcast this change started, if the status itself changed.
    message_id = models.PositiveBigIntegerField(_("message"), null=True, blank=True)

    class Meta:
        verbose_name = _("shelter status change")
        verbose_name_plural = _("shelter status changes")
        ordering = ["-changed_at", "-id"]


class HazardZone(models.Model):
    """An area at risk from one hazard, at one level (e.g. flood depth rank 3: 3–5 m)."""

    hazard = models.CharField(_("hazard"), max_length=20, choices=Hazard.choices)
    level = models.PositiveSmallIntegerField(
        _("level"), default=1, help_text=_("Higher is more severe (flood depth rank, 1 = warning zone, 2 = special).")
    )
    label = models.CharField(_("level label"), max_length=80, blank=True,
                             help_text=_("As the source says it, e.g. “0.5m以上3.0m未満” or “土砂災害特別警戒区域”."))
    name = models.CharField(_("name"), max_length=120, blank=True)
    source = models.CharField(_("source"), max_length=120, blank=True)
    area = models.MultiPolygonField(_("area"), srid=4326, spatial_index=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("hazard zone")
        verbose_name_plural = _("hazard zones")
        ordering = ["hazard", "-level"]

    def __str__(self) -> str:
        return f"{self.get_hazard_display()} {self.label or self.level}"
