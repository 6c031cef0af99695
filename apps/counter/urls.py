"""Pages of the one-stop counter; each topic module keeps its own routes next to its views."""

from apps.counter.views import analytics, applications, catalogue, floor, inquiries, lifeevents, reports

app_name = "counter"

urlpatterns = [
    *catalogue.urlpatterns,
    *lifeevents.urlpatterns,
    *applications.urlpatterns,
    *analytics.urlpatterns,

    *floor.urlpatterns,
    *inquiries.urlpatterns,
    *reports.urlpatterns,
]
