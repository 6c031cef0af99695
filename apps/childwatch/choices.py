"""The vocabulary of child watch: alert categories, replies, passages, absences, plans."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertCategory(models.TextChoices):
    # The six safety-mail categories of Okayama Prefecture's 安全・安心メール, then school life.
    CHILD_SUSPICIOUS = "child_suspicious", _("Suspicious person targeting children (子供被害不審者情報)")
    CHILD_CRIME_PREVENTION = "child_crime_prevention", _("Crime prevention for children (子供防犯情報)")
    WOMEN_SUSPICIOUS = "women_suspicious", _("Suspicious person targeting women (女性被害不審者情報)")
    WOMEN_CRIME_PREVENTION = "women_crime_prevention", _("Crime prevention for women (女性防犯情報)")
    GENERAL_CRIME_PREVENTION = "general_crime_prevention", _("General crime prevention (一般防犯情報)")
    TRAFFIC_SAFETY = "traffic_safety", _("Traffic safety (交通安全情報)")
    SCHOOL_EVENT = "school_event", _("School event")
    CLOSURE = "closure", _("School closure or early dismissal")
    DISASTER = "disaster", _("Disaster")
    GENERAL = "general", _("General notice")


SAFETY_CATEGORIES = frozenset({
    AlertCategory.CHILD_SUSPICIOUS, AlertCategory.CHILD_CRIME_PREVENTION, AlertCategory.WOMEN_SUSPICIOUS,
    AlertCategory.WOMEN_CRIME_PREVENTION, AlertCategory.GENERAL_CRIME_PREVENTION, AlertCategory.TRAFFIC_SAFETY,
})


class AlertScope(models.TextChoices):
    SCHOOL = "school", _("Whole school")
    GRADE = "grade", _("One grade")
    CLASS = "class", _("One class")
    CHILDREN = "children", _("Guardians of chosen children")


class ReplyChoice(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WILL_PICK_UP = "will_pick_up", _("I will pick up my child")
    CANNOT_PICK_UP = "cannot_pick_up", _("I cannot pick up; please keep my child at school")


class Direction(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class TagStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LOST = "lost", _("Lost")
    RETIRED = "retired", _("Retired")


class AbsenceKind(models.TextChoices):
    ABSENT = "absent", _("Absent")
    LATE = "late", _("Late")
    EARLY_LEAVE = "early_leave", _("Leaving early")


class AbsenceReason(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    INJURY = "injury", _("Injury")
    INFECTIOUS = "infectious", _("Infectious disease (出席停止)")
    FAMILY = "family", _("Family reasons")
    APPOINTMENT = "appointment", _("Hospital or other appointment")
    OTHER = "other", _("Other")


class PlanStatus(models.TextChoices):
    TRIAL = "trial", _("Trial")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")
