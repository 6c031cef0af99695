"""The disaster map API under /api/v1/map/; each topic module keeps its own routes."""

from apps.disastermap.api import community, facilities, layers, shelters, transfer

urlpatterns = [
    *facilities.urlpatterns,
    *shelters.urlpatterns,
    *community.urlpatterns,
    *layers.urlpatterns,
    *transfer.urlpatterns,
]
