"""Pages of the disaster map; each topic module keeps its own routes next to its views."""

from apps.disastermap.views import community, facilities, layers, shelters, support, transfer

app_name = "disastermap"

urlpatterns = [
    *facilities.urlpatterns,
    *shelters.urlpatterns,
    *community.urlpatterns,
    *layers.urlpatterns,
    *support.urlpatterns,
    *transfer.urlpatterns,
]
