from django.urls import path, re_path

from apps.opendata.views import catalogue, downloads, manage

app_name = "opendata"

urlpatterns = [
    path("", catalogue.catalogue, name="catalogue"),
    path("manage/", manage.manage, name="manage"),
    path("manage/new/", manage.dataset_create, name="dataset_create"),
    re_path(r"^(?P<slug>[-a-zA-Z0-9_]+)\.(?P<fmt>jsonld|ttl)$", catalogue.dataset_dcat, name="dataset_dcat"),
    path("<slug:slug>/", catalogue.dataset_detail, name="dataset"),
    path("<slug:slug>/edit/", manage.dataset_edit, name="dataset_edit"),
    path("<slug:slug>/resources/new/", manage.resource_add, name="resource_add"),
    path("<slug:slug>/download/<str:live_format>.<str:ext>", downloads.live_download, name="live_download"),
    path("<slug:slug>/resources/<str:resource_id>/download/", downloads.resource_download, name="resource_download"),
    path("<slug:slug>/resources/<str:resource_id>/v<int:number>/", downloads.version_download,
         name="version_download"),
    path("<slug:slug>/resources/<str:resource_id>/versions/new/", manage.version_add, name="version_add"),
]
