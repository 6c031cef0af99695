"""alerts API."""

urlpatterns: list = []
