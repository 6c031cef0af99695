"""associations pages."""

urlpatterns: list = []
