"""events API."""

urlpatterns: list = []
