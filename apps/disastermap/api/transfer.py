"""transfer API."""

urlpatterns: list = []
