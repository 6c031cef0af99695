"""associations API."""

urlpatterns: list = []
