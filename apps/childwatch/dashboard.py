"""Child watch on the city staff dashboard: aggregate counts only, never a child's or guardian's name."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.childwatch.models import AbsenceReport, Child, Guardianship, School
from civicportal.dashboard import Panel, register


def _figures(request) -> list[tuple[str, object]]:
    active = Guardianship.objects.filter(is_active=True, child__is_active=True)
    return [
        (_("Schools"), School.objects.count()),
        (_("Schools with PTA approval of gate sensors"), School.objects.filter(pta_approved_on__isnull=False).count()),
        (_("Children enrolled"), Child.objects.filter(is_active=True).count()),
        (_("Guardians linked"), active.values("guardian_id").distinct().count()),
        (_("Children with consent to gate notices"),
         active.filter(passage_consent_at__isnull=False).values("child_id").distinct().count()),
        (_("Absence and lateness reports today"),
         AbsenceReport.objects.filter(~Q(withdrawn=True), date=timezone.localdate()).count()),
    ]


register(Panel(key="childwatch", title=_("Child watch"), figures=_figures, order=50))
