"""shelters API."""

urlpatterns: list = []
