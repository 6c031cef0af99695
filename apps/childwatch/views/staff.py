"""staff pages."""

urlpatterns: list = []
