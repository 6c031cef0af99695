from apps.childwatch.models.absences import AbsenceReport
from apps.childwatch.models.alerts import AlertReply, SchoolAlert
from apps.childwatch.models.gates import GatePassage, GateReader, ICTag, UnknownTagEvent
from apps.childwatch.models.reports import SuspiciousPersonReport
from apps.childwatch.models.schools import Child, Guardianship, School, SchoolClass, ServicePlan, WatchVolunteer

__all__ = [
    "AbsenceReport", "AlertReply", "Child", "GatePassage", "GateReader", "Guardianship", "ICTag", "School",
    "SchoolAlert", "SchoolClass", "ServicePlan", "SuspiciousPersonReport", "UnknownTagEvent", "WatchVolunteer",
]
