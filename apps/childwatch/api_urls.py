"""The child watch API under /api/v1/childwatch/; each topic module keeps its own routes."""

from apps.childwatch.api import absences, alerts, gates, guardians, reports, staff

urlpatterns = [
    *guardians.urlpatterns,
    *staff.urlpatterns,
    *alerts.urlpatterns,
    *gates.urlpatterns,
    *absences.urlpatterns,
    *reports.urlpatterns,
]
