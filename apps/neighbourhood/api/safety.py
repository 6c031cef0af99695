"""safety API."""

urlpatterns: list = []
