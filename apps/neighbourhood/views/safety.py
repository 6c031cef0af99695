"""safety pages."""

urlpatterns: list = []
