"""guardians pages."""

urlpatterns: list = []
