"""surveys API."""

urlpatterns: list = []
