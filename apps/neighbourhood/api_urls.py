"""The neighbourhood API under /api/v1/neighbourhood/; each topic module keeps its own routes."""

from apps.neighbourhood.api import associations, events, networks, posts, safety, surveys

urlpatterns = [
    *associations.urlpatterns,
    *posts.urlpatterns,
    *events.urlpatterns,
    *networks.urlpatterns,
    *surveys.urlpatterns,
    *safety.urlpatterns,
]
