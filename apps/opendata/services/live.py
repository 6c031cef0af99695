"""Keep one catalogue record per live dataset of the registry, and keep its times current.

The registry (civicportal.datasets) is code; the catalogue is rows that CKAN clients, DCAT
harvesters and the pages read. `sync_live_catalogue` makes the rows match the code (run after
migrate, by `manage.py sync_opendata`, and lazily when a page finds a record missing). Saves
and deletes of a dataset's `watch` models bump the record's `data_modified`, so a harvester sees
the change in `metadata_modified` and a download's ETag changes.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from apps.opendata.choices import LIVE_FORMAT_INFO, LiveFormat, ResourceKind
from apps.opendata.models import Dataset, Organisation, Resource, Tag
from civicportal.datasets import LiveDataset, live_datasets

logger = logging.getLogger(__name__)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def live_formats(dataset: LiveDataset) -> list[str]:
    formats = [LiveFormat.CSV, LiveFormat.CSV_BOM, LiveFormat.JSON]
    if dataset.spatial:
        formats.append(LiveFormat.GEOJSON)
    return [str(value) for value in formats]


def _organisation(code: str) -> Organisation:
    organisation = Organisation.objects.filter(code=code).first()
    department = apps.get_model("accounts", "Department").objects.filter(code=code).first()
    if organisation:
        if department and organisation.name == code:
            # Made before the department existed (a fresh database): take the department's names now.
            organisation.name, organisation.name_en = department.name, department.name_en
            if not hasattr(department, "opendata_organisation"):
                organisation.department = department
            organisation.save()
        return organisation
    return Organisation.objects.create(
        code=code,
        name=department.name if department else code,
        name_en=department.name_en if department else "",
        department=department if department and not hasattr(department, "opendata_organisation") else None,
    )


def _resource_names(live: LiveDataset, live_format: str) -> tuple[str, str]:
    names = {
        LiveFormat.CSV: ("CSV (UTF-8)", "CSV (UTF-8)"),
        LiveFormat.CSV_BOM: ("CSV（Excel用、BOM付きUTF-8）", "CSV for Excel (UTF-8 with BOM)"),
        LiveFormat.JSON: ("JSON", "JSON"),
        LiveFormat.GEOJSON: ("GeoJSON（地図用）", "GeoJSON (for maps)"),
    }
    return names[LiveFormat(live_format)]


@transaction.atomic
def sync_live_catalogue() -> list[Dataset]:
    """Create or refresh the record of every live dataset; unpublish records whose code is gone."""
    registry = live_datasets()
    now = timezone.now()
    records = []
    for live in registry.values():
        record = Dataset.objects.filter(live_slug=live.slug).first() or Dataset(
            slug=live.slug, live_slug=live.slug, created_at=now, data_modified=now, metadata_modified=now)
        # What the declaring app owns is overwritten; staff edits of the rest (contact, area) stay.
        wanted = {
            "organisation": _organisation(live.organisation), "title": str(live.title),
            "title_en": str(live.title_en), "description": str(live.description),
            "description_en": str(live.description_en), "theme": live.theme or "other",
            "update_frequency": live.update_frequency, "published": True,
        }
        changed = record._state.adding or any(getattr(record, key) != value for key, value in wanted.items())
        for key, value in wanted.items():
            setattr(record, key, value)
        if changed:
            record.metadata_modified = now
            record.save()
        if set(record.tags.values_list("name", flat=True)) != set(live.tags):
            record.tags.set([Tag.objects.get_or_create(name=name)[0] for name in live.tags])
        formats = live_formats(live)
        record.resources.filter(kind=ResourceKind.LIVE).exclude(live_format__in=formats).delete()
        for position, live_format in enumerate(formats):
            label, _extension, media_type = LIVE_FORMAT_INFO[live_format]
            name, name_en = _resource_names(live, live_format)
            Resource.objects.update_or_create(
                dataset=record, live_format=live_format,
                defaults={"kind": ResourceKind.LIVE, "name": name, "name_en": name_en, "format": label,
                          "media_type": media_type, "position": position},
            )
        records.append(record)
    Dataset.objects.exclude(live_slug="").exclude(live_slug__in=registry).update(published=False)
    return records


def ensure_live_catalogue() -> None:
    """Sync when a registered live dataset has no record yet (a fresh or flushed database)."""
    registry = live_datasets()
    known = set(Dataset.objects.filter(published=True).exclude(live_slug="").values_list("live_slug", flat=True))
    if set(registry) - known:
        sync_live_catalogue()


def live_dataset_of(record: Dataset) -> LiveDataset | None:
    return live_datasets().get(record.live_slug) if record.live_slug else None


def data_modified(record: Dataset) -> dt.datetime:
    """When the rows last changed: the declaring app's answer or the last watched save/delete.

    Kept on the record for the rest of the request: one package_show asks for every resource,
    and the app's answer is an aggregate over its table.
    """
    cached = getattr(record, "_data_modified_answer", None)
    if cached is not None:
        return cached
    live = live_dataset_of(record)
    stamps = [record.data_modified]
    if live:
        answer = live.last_modified()
        if answer:
            stamps.append(answer)
    record._data_modified_answer = max(stamps)
    return record._data_modified_answer


def modified(record: Dataset) -> dt.datetime:
    """CKAN's metadata_modified: a harvester re-fetches when this moves."""
    return max(record.metadata_modified, data_modified(record) if record.live_slug else EPOCH)


def touch(slugs: list[str]) -> None:
    if slugs:
        Dataset.objects.filter(live_slug__in=slugs).update(data_modified=timezone.now())


def _watchers() -> dict[type, list[str]]:
    watchers: dict[type, list[str]] = {}
    for live in live_datasets().values():
        for label in live.watch:
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError):
                logger.warning("live dataset %s watches unknown model %s", live.slug, label)
                continue
            watchers.setdefault(model, []).append(live.slug)
    return watchers


def connect_watch_signals() -> None:
    """Connect each watched model once; called from OpenDataConfig.ready."""
    for model, slugs in _watchers().items():
        def changed(sender, slugs=tuple(slugs), **kwargs) -> None:
            # In the same transaction as the change: a rollback takes the stamp back too.
            touch(list(slugs))

        uid = f"opendata-watch-{model._meta.label_lower}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + "-save")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + "-delete")
