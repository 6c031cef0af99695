"""community pages."""

urlpatterns: list = []
