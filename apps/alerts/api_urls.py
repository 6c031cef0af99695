from apps.alerts.api import alerts, imports

urlpatterns = [*imports.urlpatterns, *alerts.urlpatterns]
