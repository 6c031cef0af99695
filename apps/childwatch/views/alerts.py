"""alerts pages."""

urlpatterns: list = []
