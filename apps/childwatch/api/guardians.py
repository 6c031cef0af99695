"""guardians API."""

urlpatterns: list = []
