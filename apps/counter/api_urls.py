"""The counter API under /api/v1/counter/; each topic module keeps its own routes."""

from apps.counter.api import analytics, applications, catalogue, floor, inquiries, lifeevents, reports

urlpatterns = [
    *catalogue.urlpatterns,
    *lifeevents.urlpatterns,
    *applications.urlpatterns,
    *analytics.urlpatterns,

    *floor.urlpatterns,
    *inquiries.urlpatterns,
    *reports.urlpatterns,
]
