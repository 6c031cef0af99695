"""posts API."""

urlpatterns: list = []
