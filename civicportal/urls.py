from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from apps.accounts.api import MeView
from apps.geo import api as geo_api
from civicportal import views
from civicportal.api import api_not_found

admin.site.site_header = _("civicportal administration")
admin.site.site_title = _("civicportal administration")
admin.site.index_title = _("City office administration")

router = DefaultRouter()
router.register("districts", geo_api.DistrictViewSet, basename="district")
router.register("school-districts", geo_api.SchoolDistrictViewSet, basename="school-district")

api_v1 = [
    path("me/", MeView.as_view(), name="me"),
    path("geo/lookup/", geo_api.lookup, name="geo-lookup"),
    path("notifications/", include("apps.notifications.api_urls")),
    path("neighbourhood/", include("apps.neighbourhood.api_urls")),
    path("map/", include("apps.disastermap.api_urls")),
    path("childwatch/", include("apps.childwatch.api_urls")),
    path("counter/", include("apps.counter.api_urls")),
    path("alerts/", include("apps.alerts.api_urls")),
    path("opendata/", include("apps.opendata.api_urls")),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("sitemap/", views.site_map, name="sitemap"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", views.staff_dashboard, name="dashboard"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("apps.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("geo/", include("apps.geo.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("associations/", include("apps.neighbourhood.urls")),
    path("map/", include("apps.disastermap.urls")),
    path("school/", include("apps.childwatch.urls")),
    path("counter/", include("apps.counter.urls")),
    path("alerts/", include("apps.alerts.urls")),
    path("opendata/", include("apps.opendata.urls")),
    # Paths fixed by outside standards or promised to residents: /disaster (disaster mode),
    # /api/3/action/ (CKAN), /catalog.jsonld and /catalog.ttl (DCAT), /open311/ (GeoReport v2).
    path("", include("apps.alerts.root_urls")),
    path("", include("apps.opendata.root_urls")),
    path("open311/", include("apps.counter.open311_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    # Anything else under /api/ is a JSON 404, never Django's HTML page.
    re_path(r"^api/", api_not_found),
]

handler404 = "civicportal.errors.not_found"
handler500 = "civicportal.errors.server_error"
handler403 = "civicportal.errors.permission_denied"
