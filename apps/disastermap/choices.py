"""The vocabulary of the disaster map: hazards, shelter types and states, categories."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Hazard(models.TextChoices):
    """The eight hazard types of the national designated-shelter scheme (災害対策基本法)."""

    FLOOD = "flood", _("Flood (洪水)")
    LANDSLIDE = "landslide", _("Cliff collapse, debris flow and landslide (崖崩れ・土石流・地滑り)")
    STORM_SURGE = "storm_surge", _("Storm surge (高潮)")
    EARTHQUAKE = "earthquake", _("Earthquake (地震)")
    TSUNAMI = "tsunami", _("Tsunami (津波)")
    LARGE_FIRE = "large_fire", _("Large-scale fire (大規模な火事)")
    INLAND_FLOOD = "inland_flood", _("Inland flooding (内水氾濫)")
    VOLCANO = "volcano", _("Volcanic phenomena (火山現象)")


# The Japanese column heading of each hazard in the national recommended dataset
# (指定緊急避難場所一覧), in the dataset's own order.
HAZARD_CSV_COLUMNS: dict[str, str] = {
    Hazard.FLOOD: "災害種別_洪水",
    Hazard.LANDSLIDE: "災害種別_崖崩れ、土石流及び地滑り",
    Hazard.STORM_SURGE: "災害種別_高潮",
    Hazard.EARTHQUAKE: "災害種別_地震",
    Hazard.TSUNAMI: "災害種別_津波",
    Hazard.LARGE_FIRE: "災害種別_大規模な火事",
    Hazard.INLAND_FLOOD: "災害種別_内水氾濫",
    Hazard.VOLCANO: "災害種別_火山現象",
}


class ShelterStatus(models.TextChoices):
    CLOSED = "closed", _("Closed")
    OPEN = "open", _("Open")
    FULL = "full", _("Full")


class CommunityFeatureCategory(models.TextChoices):
    DANGER = "danger", _("Danger spot")
    BLOCKED_ROAD = "blocked_road", _("Road that may be blocked in a disaster")
    MEETING_POINT = "meeting_point", _("Meeting point")
    WATER = "water", _("Water supply")
    AED = "aed", _("AED")
    OTHER = "other", _("Other")


class FeatureStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class IncidentKind(models.TextChoices):
    SUSPICIOUS_PERSON = "suspicious_person", _("Suspicious person")
    CRIME = "crime", _("Crime")
    TRAFFIC_ACCIDENT = "traffic_accident", _("Traffic accident")
    OTHER = "other", _("Other")


class WaterStage(models.IntegerChoices):
    """Water level stages of Japanese river management, lowest first."""

    NORMAL = 0, _("Normal")
    STANDBY = 1, _("Flood-fighting standby level (水防団待機水位)")
    CAUTION = 2, _("Flood caution level (氾濫注意水位)")
    EVACUATION = 3, _("Evacuation decision level (避難判断水位)")
    DANGER = 4, _("Flood danger level (氾濫危険水位)")
