"""Routes at the site root: /disaster (disaster mode)."""

from apps.alerts.views import disaster

urlpatterns = [*disaster.urlpatterns]
