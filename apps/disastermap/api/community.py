"""community API."""

urlpatterns: list = []
