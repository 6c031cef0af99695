"""layers API."""

urlpatterns: list = []
