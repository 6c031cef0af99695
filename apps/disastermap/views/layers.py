"""layers pages."""

urlpatterns: list = []
