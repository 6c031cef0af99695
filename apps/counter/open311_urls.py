"""Open311 GeoReport v2 at /open311/ (discovery, services, requests; JSON and XML)."""

from django.urls import path, re_path

from apps.counter.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>[A-Za-z0-9]{1,10})$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    path("v2/", views.not_found, name="base"),
    re_path(r"^v2/services" + FMT, views.service_list, name="services"),
    re_path(r"^v2/services/(?P<code>[-\w]{1,40})" + FMT, views.service_definition, name="service_definition"),
    re_path(r"^v2/requests" + FMT, views.requests_view, name="requests"),
    re_path(r"^v2/requests/(?P<pk>[^/.]{1,40})" + FMT, views.request_detail, name="request_detail"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
