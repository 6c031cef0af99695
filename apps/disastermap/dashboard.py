from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from apps.disastermap.models import Facility, HazardZone, Shelter
from apps.disastermap.selectors.facilities import shelter_counts
from civicportal.dashboard import Panel, register


def _figures(request) -> list[tuple[str, object]]:
    counts = shelter_counts()
    sheltering = Shelter.objects.exclude(status="closed").aggregate(n=Sum("headcount"))["n"] or 0
    return [
        (_("Shelters open"), counts["open"]),
        (_("Shelters full"), counts["full"]),
        (_("People in shelters"), sheltering),
        (_("Facilities on the map"), Facility.objects.filter(is_public=True).count()),
        (_("Hazard zones"), HazardZone.objects.count()),
    ]


register(Panel(key="disastermap", title=_("Disaster map"), figures=_figures, order=40,
               link_name="disastermap:shelter_list"))
