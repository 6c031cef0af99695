"""networks pages."""

urlpatterns: list = []
