"""transfer pages."""

urlpatterns: list = []
