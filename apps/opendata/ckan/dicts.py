"""Catalogue rows as the dictionaries CKAN's Action API returns (package, resource, organization)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone

from apps.opendata.choices import LICENCE_URLS, DatasetLicence, DatasetTheme, ResourceKind
from apps.opendata.models import Dataset, Organisation, Resource
from apps.opendata.services.live import data_modified, modified
from apps.opendata.urls_helpers import absolute, dataset_url, resource_url


def ckan_time(value: dt.datetime | None) -> str | None:
    """CKAN writes naive UTC ISO 8601 times."""
    if value is None:
        return None
    return timezone.make_naive(value, dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()


def organization_dict(request: HttpRequest | None, organisation: Organisation, *, package_count: int | None = None
                      ) -> dict:
    result = {
        "id": str(organisation.id), "name": organisation.code, "title": organisation.name,
        "display_name": organisation.label, "description": organisation.description,
        "image_url": "", "created": ckan_time(organisation.created_at), "is_organization": True,
        "approval_status": "approved", "state": "active", "type": "organization",
        "title_translated": {"ja": organisation.name, "en": organisation.name_en or organisation.name},
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def group_dict(theme: str, *, package_count: int | None = None) -> dict:
    label = str(DatasetTheme(theme).label) if theme in DatasetTheme.values else theme
    result = {"id": theme, "name": theme, "title": label, "display_name": label, "description": "",
              "image_url": "", "is_organization": False, "state": "active", "type": "group",
              "approval_status": "approved"}
    if package_count is not None:
        result["package_count"] = package_count
    return result


def resource_dict(request: HttpRequest | None, resource: Resource, *, dataset: Dataset | None = None) -> dict:
    dataset = dataset or resource.dataset
    live = resource.kind == ResourceKind.LIVE
    last_modified = data_modified(dataset) if live else resource.last_modified
    return {
        "id": str(resource.id), "package_id": str(dataset.id), "name": resource.name,
        "name_translated": {"ja": resource.name, "en": resource.name_en or resource.name},
        "description": resource.description, "format": resource.format, "mimetype": resource.media_type or None,
        "url": resource_url(request, resource), "url_type": "upload" if resource.kind == ResourceKind.UPLOAD else None,
        "size": resource.size, "hash": f"sha256:{resource.checksum}" if resource.checksum else "",
        "last_modified": ckan_time(last_modified), "created": ckan_time(resource.created_at),
        "metadata_modified": ckan_time(last_modified), "position": resource.position, "state": "active",
        "resource_type": resource.kind, "datastore_active": False,
        "live_format": resource.live_format or None, "encoding": resource.encoding or None,
    }


def package_dict(request: HttpRequest | None, dataset: Dataset) -> dict:
    tags = [{"id": str(tag.pk), "name": tag.name, "display_name": tag.name, "state": "active",
             "vocabulary_id": None} for tag in dataset.tags.all()]
    resources = [resource_dict(request, resource, dataset=dataset) for resource in dataset.resources.all()]
    licence = DatasetLicence(dataset.licence) if dataset.licence in DatasetLicence.values else None
    extras = {
        "theme": dataset.theme, "update_frequency": dataset.update_frequency, "spatial_text": dataset.spatial,
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else "",
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else "",
        "live": "true" if dataset.is_live else "false",
        "dcat": absolute(request, f"/opendata/{dataset.slug}.jsonld"),
    }
    return {
        "id": str(dataset.id), "name": dataset.slug, "title": dataset.title, "notes": dataset.description,
        "title_translated": {"ja": dataset.title, "en": dataset.title_en or dataset.title},
        "notes_translated": {"ja": dataset.description, "en": dataset.description_en or dataset.description},
        "type": "dataset", "state": "active", "private": False, "isopen": True,
        "license_id": dataset.licence, "license_title": str(licence.label) if licence else dataset.licence,
        "license_url": LICENCE_URLS.get(licence, "") if licence else "",
        "owner_org": str(dataset.organisation_id),
        "organization": organization_dict(request, dataset.organisation),
        "groups": [group_dict(dataset.theme)],
        "tags": tags, "num_tags": len(tags), "resources": resources, "num_resources": len(resources),
        "maintainer": dataset.contact_name or dataset.organisation.name,
        "maintainer_email": dataset.contact_email or None, "author": dataset.organisation.name,
        "author_email": None, "url": dataset_url(request, dataset), "version": None,
        "metadata_created": ckan_time(dataset.created_at), "metadata_modified": ckan_time(modified(dataset)),
        "extras": [{"key": key, "value": str(value)} for key, value in extras.items()],
    }
