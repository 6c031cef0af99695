"""posts pages."""

urlpatterns: list = []
