"""networks API."""

urlpatterns: list = []
