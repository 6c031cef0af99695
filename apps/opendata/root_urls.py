"""Routes at the site root: the CKAN Action API (/api/3/action/) and the DCAT catalogue."""

from django.urls import path, re_path

from apps.opendata.ckan.views import action
from apps.opendata.views.catalogue import catalogue_dcat

urlpatterns = [
    path("api/3/action/<str:name>", action, name="ckan-action"),
    # CKAN answers without the version too, and that is the address `ckanapi` calls.
    path("api/action/<str:name>", action, name="ckan-action-unversioned"),
    re_path(r"^catalog\.(?P<fmt>jsonld|ttl)$", catalogue_dcat, name="dcat-catalogue"),
]
