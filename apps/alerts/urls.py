from apps.alerts.views import public, staff

app_name = "alerts"

urlpatterns = [*public.urlpatterns, *staff.urlpatterns]
