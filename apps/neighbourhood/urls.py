"""Pages of the neighbourhood associations; each topic module keeps its own routes."""

from apps.neighbourhood.views import associations, events, networks, posts, safety, surveys

app_name = "neighbourhood"

urlpatterns = [
    *associations.urlpatterns,
    *posts.urlpatterns,
    *events.urlpatterns,
    *networks.urlpatterns,
    *surveys.urlpatterns,
    *safety.urlpatterns,
    *posts.home_urlpatterns,  # `<slug>/` catches every single segment: keep it last
]
