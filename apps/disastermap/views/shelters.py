"""shelters pages."""

urlpatterns: list = []
