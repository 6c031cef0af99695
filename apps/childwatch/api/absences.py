"""absences API."""

urlpatterns: list = []
