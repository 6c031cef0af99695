"""staff API."""

urlpatterns: list = []
