"""Live open datasets: each app declares its public data in its own `datasets.py`.

The registry sits here, below every app, so that an app of any floor can declare a dataset
without importing the open-data app (floor 4), the way `admin.py` registers with
`django.contrib.admin`. `apps.opendata` reads the registry; it never imports feature apps.

A dataset is a stream of rows of *public* fields only. Rows are plain dicts whose keys are
the declared field names; a spatial dataset also yields a `geometry` key holding a GeoJSON
geometry dict (or None). Rows must come from an iterator (`.iterator()` on querysets), never a
full list, so that a download streams in constant memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules

FIELD_TYPES = ("string", "integer", "number", "boolean", "date", "datetime")


@dataclass(frozen=True)
class DatasetField:
    name: str  # the column name in CSV and the key in JSON and GeoJSON properties
    label: str  # a short Japanese-first label (gettext_lazy)
    type: str = "string"  # one of FIELD_TYPES

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"dataset field {self.name}: unknown type {self.type!r}")


@dataclass(frozen=True)
class LiveDataset:
    """One dataset an app publishes from its own tables.

    `rows()` streams dicts keyed by the field names (plus `geometry` when `spatial`).
    `last_modified()` returns when the data last changed (None when empty); downloads use it
    for Last-Modified and ETag, and the catalogue shows it. `watch` names the models
    ("app_label.ModelName") whose saves and deletes change the dataset, so the catalogue can
    refresh its record of the dataset when they change.
    """

    slug: str
    title: str
    description: str
    organisation: str  # the publishing department's code, e.g. "disaster-management"
    fields: tuple[DatasetField, ...]
    rows: Callable[[], Iterator[dict]]
    last_modified: Callable[[], dt.datetime | None]
    title_en: str = ""
    description_en: str = ""
    theme: str = ""  # a DCAT theme keyword, e.g. "disaster", "community", "administration"
    tags: tuple[str, ...] = ()
    spatial: bool = False
    update_frequency: str = "continuous"
    watch: tuple[str, ...] = field(default=())


_datasets: dict[str, LiveDataset] = {}


def register(dataset: LiveDataset) -> None:
    if dataset.slug in _datasets and _datasets[dataset.slug] != dataset:
        raise ValueError(f"two live datasets share the slug {dataset.slug!r}")
    _datasets[dataset.slug] = dataset


def live_datasets() -> dict[str, LiveDataset]:
    return dict(_datasets)


def autodiscover() -> None:
    """Import every installed app's `datasets.py` (called from CivicportalConfig.ready)."""
    autodiscover_modules("datasets")
