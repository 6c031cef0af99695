"""The vocabulary of alerts: CAP 1.2 code lists and the portal's own states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CapStatus(models.TextChoices):
    ACTUAL = "Actual", _("Actual")
    EXERCISE = "Exercise", _("Exercise")
    SYSTEM = "System", _("System")
    TEST = "Test", _("Test")


# Statuses that only opted-in testers receive.
TESTER_STATUSES = frozenset({CapStatus.EXERCISE, CapStatus.TEST, CapStatus.SYSTEM})


class CapMsgType(models.TextChoices):
    ALERT = "Alert", _("Alert")
    UPDATE = "Update", _("Update")
    CANCEL = "Cancel", _("Cancel")


class CapCategory(models.TextChoices):
    GEO = "Geo", _("Geophysical")
    MET = "Met", _("Meteorological")
    SAFETY = "Safety", _("General safety")
    SECURITY = "Security", _("Security")
    RESCUE = "Rescue", _("Rescue")
    FIRE = "Fire", _("Fire")
    HEALTH = "Health", _("Health")
    ENV = "Env", _("Environment")
    TRANSPORT = "Transport", _("Transport")
    INFRA = "Infra", _("Infrastructure")
    CBRNE = "CBRNE", _("Chemical, biological, radiological, nuclear or explosive")
    OTHER = "Other", _("Other")


class CapUrgency(models.TextChoices):
    IMMEDIATE = "Immediate", _("Immediate")
    EXPECTED = "Expected", _("Expected")
    FUTURE = "Future", _("Future")
    PAST = "Past", _("Past")
    UNKNOWN = "Unknown", _("Unknown")


class CapSeverity(models.TextChoices):
    EXTREME = "Extreme", _("Extreme")
    SEVERE = "Severe", _("Severe")
    MODERATE = "Moderate", _("Moderate")
    MINOR = "Minor", _("Minor")
    UNKNOWN = "Unknown", _("Unknown")


class CapCertainty(models.TextChoices):
    OBSERVED = "Observed", _("Observed")
    LIKELY = "Likely", _("Likely")
    POSSIBLE = "Possible", _("Possible")
    UNLIKELY = "Unlikely", _("Unlikely")
    UNKNOWN = "Unknown", _("Unknown")


class AlertState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    CURRENT = "current", _("In force")
    SUPERSEDED = "superseded", _("Replaced by an update")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")


class EvacuationLevel(models.IntegerChoices):
    """警戒レベル (Cabinet Office guidelines on evacuation information, 2021)."""

    LEVEL_1 = 1, _("Level 1: early warning (早期注意情報)")
    LEVEL_2 = 2, _("Level 2: check how to evacuate (避難行動の確認)")
    LEVEL_3 = 3, _("Level 3: elderly and others evacuate (高齢者等避難)")
    LEVEL_4 = 4, _("Level 4: everyone evacuate (避難指示)")
    LEVEL_5 = 5, _("Level 5: emergency safety measures (緊急安全確保)")


class ImportPolicy(models.TextChoices):
    DRAFT = "draft", _("Make a draft for approval")
    PUBLISH = "publish", _("Publish directly")


class WebhookState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RETRYING = "retrying", _("Retrying")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
