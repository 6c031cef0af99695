"""facilities API."""

urlpatterns: list = []
