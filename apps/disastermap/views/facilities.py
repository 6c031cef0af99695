"""facilities pages."""

urlpatterns: list = []
