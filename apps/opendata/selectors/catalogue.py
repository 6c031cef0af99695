"""Reading the catalogue: search with facets (pages and CKAN's package_search share it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest

from apps.opendata.models import Dataset, Organisation, Resource, Tag
from apps.opendata.services.live import ensure_live_catalogue

# facet name (CKAN's) -> the query path it filters on
FACETS = {
    "organization": "organisation__code",
    "tags": "tags__name",
    "groups": "theme",
    "res_format": "resources__format",
    "license_id": "licence",
}
SORTS = {
    "metadata_modified": "modified",
    "metadata_created": "created_at",
    "title_string": "title",
    "title": "title",
    "name": "slug",
}


def published() -> QuerySet[Dataset]:
    ensure_live_catalogue()
    return (Dataset.objects.filter(published=True)
            .annotate(modified=Greatest("metadata_modified", "data_modified"))
            .select_related("organisation")
            .prefetch_related("tags", Prefetch("resources", queryset=Resource.objects.order_by("position",
                                                                                               "created_at"))))


def dataset_by_name(name: str) -> Dataset | None:
    """By slug, or by id as CKAN clients also do."""
    datasets = published()
    found = datasets.filter(slug=name).first()
    if found is None and as_uuid(name):
        found = datasets.filter(pk=name).first()
    return found


def as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@dataclass
class Search:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name -> values (all must match)
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    start: int = 0
    rows: int = 10


@dataclass
class SearchResult:
    count: int
    datasets: list[Dataset]
    facets: dict[str, list[tuple[str, str, int]]]  # facet -> (value, display name, count)


def _text_query(q: str) -> Q:
    query = Q()
    for word in q.split():
        query &= (Q(title__icontains=word) | Q(title_en__icontains=word) | Q(description__icontains=word)
                  | Q(description_en__icontains=word) | Q(tags__name__icontains=word)
                  | Q(organisation__name__icontains=word) | Q(organisation__name_en__icontains=word)
                  | Q(slug__icontains=word))
    return query


def filtered(search: Search) -> QuerySet[Dataset]:
    ids = Dataset.objects.filter(published=True)
    q = search.q.strip()
    if q and q != "*:*":
        ids = ids.filter(_text_query(q))
    for facet, values in search.filters.items():
        for value in values:
            if facet == "res_format":
                ids = ids.filter(resources__format__iexact=value)
            else:
                ids = ids.filter(**{FACETS[facet]: value})
    return Dataset.objects.filter(pk__in=ids.values("pk"))


def _facet_counts(matching: QuerySet[Dataset], facet: str, limit: int) -> list[tuple[str, str, int]]:
    if facet == "organization":
        rows = (Organisation.objects.filter(datasets__in=matching)
                .annotate(n=Count("datasets", distinct=True)).order_by("-n", "code"))[:limit]
        return [(row.code, row.label, row.n) for row in rows]
    if facet == "tags":
        rows = Tag.objects.filter(datasets__in=matching).annotate(n=Count("datasets", distinct=True)).order_by(
            "-n", "name")[:limit]
        return [(row.name, row.name, row.n) for row in rows]
    if facet == "res_format":
        rows = (Resource.objects.filter(dataset__in=matching).exclude(format="").values("format")
                .annotate(n=Count("dataset", distinct=True)).order_by("-n", "format"))[:limit]
        return [(row["format"], row["format"], row["n"]) for row in rows]
    from apps.opendata.choices import DatasetLicence, DatasetTheme

    column, labels = {"groups": ("theme", DatasetTheme), "license_id": ("licence", DatasetLicence)}[facet]
    rows = matching.values(column).annotate(n=Count("pk")).order_by("-n", column)[:limit]
    return [(row[column], str(labels(row[column]).label) if row[column] in labels.values else row[column], row["n"])
            for row in rows]


def search(search: Search, *, facet_fields: tuple[str, ...] = tuple(FACETS), facet_limit: int = 50) -> SearchResult:
    ensure_live_catalogue()
    matching = filtered(search)
    ordering = [("-" if descending else "") + SORTS[name] for name, descending in search.sort] or ["title"]
    page = published().filter(pk__in=matching.values("pk")).order_by(*ordering, "slug")
    return SearchResult(
        count=matching.count(),
        datasets=list(page[search.start:search.start + search.rows]),
        facets={facet: _facet_counts(matching, facet, facet_limit) for facet in facet_fields if facet in FACETS},
    )
