"""Absolute addresses of catalogue things, shared by CKAN, DCAT and the pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from apps.opendata.choices import LIVE_FORMAT_INFO, ResourceKind
from apps.opendata.models import Dataset, Resource


def absolute(request: HttpRequest | None, path: str) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


def dataset_url(request: HttpRequest | None, dataset: Dataset) -> str:
    return absolute(request, reverse("opendata:dataset", args=[dataset.slug]))


def download_path(resource: Resource) -> str:
    if resource.kind == ResourceKind.LIVE:
        extension = LIVE_FORMAT_INFO[resource.live_format][1]
        return reverse("opendata:live_download", args=[resource.dataset.slug, resource.live_format, extension])
    return reverse("opendata:resource_download", args=[resource.dataset.slug, resource.pk])


def resource_url(request: HttpRequest | None, resource: Resource) -> str:
    if resource.kind == ResourceKind.LINK:
        return resource.url
    return absolute(request, download_path(resource))
