"""absences pages."""

urlpatterns: list = []
