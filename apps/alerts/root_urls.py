"""Routes at the site root: /disaster (disaster mode)."""

urlpatterns: list = []
