"""Pages of child watch; each topic module keeps its own routes next to its views."""

from apps.childwatch.views import absences, alerts, gates, guardians, reports, staff

app_name = "childwatch"

urlpatterns = [
    *guardians.urlpatterns,
    *staff.urlpatterns,
    *alerts.urlpatterns,
    *gates.urlpatterns,
    *absences.urlpatterns,
    *reports.urlpatterns,
]
