"""gates pages."""

urlpatterns: list = []
