"""The read-only part of CKAN's Action API (version 3) that catalogue clients and harvesters use."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpRequest

from apps.opendata.choices import DatasetTheme
from apps.opendata.ckan.dicts import group_dict, organization_dict, package_dict, resource_dict
from apps.opendata.models import Organisation, Resource, Tag
from apps.opendata.selectors.catalogue import FACETS, SORTS, Search, as_uuid, dataset_by_name, published, search

CKAN_VERSION = "2.10.4"  # the API generation we answer as (clients check it)
MAX_ROWS = 1000


class ActionError(Exception):
    def __init__(self, kind: str, status: int, message: str, fields: dict | None = None) -> None:
        super().__init__(message)
        self.kind, self.status, self.message, self.fields = kind, status, message, fields or {}


def not_found(message: str) -> ActionError:
    return ActionError("Not Found Error", 404, message)


def invalid(fields: dict[str, str]) -> ActionError:
    return ActionError("Validation Error", 409, "Validation Error", {key: [value] for key, value in fields.items()})


def search_error(message: str) -> ActionError:
    return ActionError("Search Query Error", 400, f"Search Query is invalid: {message}")


def _int(params: dict, name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = params.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise invalid({name: "Invalid integer"}) from None
    if value < minimum or (maximum is not None and value > maximum):
        limit = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise invalid({name: f"Must be {limit}"})
    return value


def _id(params: dict, name: str = "id") -> str:
    value = params.get(name)
    if not value or not isinstance(value, str):
        raise invalid({name: "Missing value"})
    return value


def site_read(request: HttpRequest, params: dict) -> bool:
    return True


def status_show(request: HttpRequest, params: dict) -> dict:
    return {"site_title": "civicportal open data", "site_description": "", "site_url": settings.SITE_URL,
            "ckan_version": CKAN_VERSION, "error_emails_to": None, "locale_default": "ja",
            "extensions": ["dcat", "civicportal-live"]}


def package_list(request: HttpRequest, params: dict) -> list[str]:
    datasets = published().order_by("slug")
    limit = params.get("limit")
    offset = _int(params, "offset", 0)
    names = datasets.values_list("slug", flat=True)
    if limit is not None:
        return list(names[offset:offset + _int(params, "limit", 0)])
    return list(names[offset:])


def package_show(request: HttpRequest, params: dict) -> dict:
    dataset = dataset_by_name(_id(params))
    if dataset is None:
        raise not_found("Dataset not found")
    return package_dict(request, dataset)


_FQ_TERM = re.compile(r'([+-]?)([a-z_]+):(?:"((?:[^"\\]|\\.)*)"|(\S+))')


def _parse_fq(fq: str) -> dict[str, list[str]]:
    """The Solr filter syntax CKAN clients send: `field:value`, `field:"a value"`, AND between them."""
    filters: dict[str, list[str]] = {}
    rest = fq
    for match in _FQ_TERM.finditer(fq):
        sign, name, quoted, bare = match.groups()
        if sign == "-":
            raise search_error(f"Negative filters are not supported: {match.group(0)}")
        if name not in FACETS:
            raise search_error(f"Cannot filter on {name}; use one of {', '.join(FACETS)}")
        filters.setdefault(name, []).append(quoted.replace('\\"', '"') if quoted is not None else bare)
        rest = rest.replace(match.group(0), " ", 1)
    if rest.replace("AND", " ").replace("+", " ").strip():
        raise search_error(f"Cannot parse fq: {fq}")
    return filters


def _parse_sort(sort: str) -> list[tuple[str, bool]]:
    result = []
    for part in sort.split(","):
        words = part.split()
        if not words:
            continue
        name, direction = words[0], (words[1].lower() if len(words) > 1 else "asc")
        if name == "score":
            continue  # no ranking here: relevance sorts fall back to the next key or the title
        if name not in SORTS or direction not in ("asc", "desc") or len(words) > 2:
            raise invalid({"sort": f"Cannot sort by {part.strip()}; use one of {', '.join(SORTS)} asc or desc"})
        result.append((name, direction == "desc"))
    return result


def _facet_fields(params: dict) -> tuple[str, ...]:
    raw = params.get("facet.field")
    if raw in (None, ""):
        return ()
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise invalid({"facet.field": "Must be a JSON list of field names"}) from None
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise invalid({"facet.field": "Must be a JSON list of field names"})
    unknown = [item for item in raw if item not in FACETS]
    if unknown:
        raise invalid({"facet.field": f"Unknown facet {unknown[0]}; use {', '.join(FACETS)}"})
    return tuple(raw)


def package_search(request: HttpRequest, params: dict) -> dict:
    q = params.get("q") or ""
    fq = params.get("fq") or ""
    if not isinstance(q, str) or not isinstance(fq, str):
        raise invalid({"q" if not isinstance(q, str) else "fq": "Must be a string"})
    filters = _parse_fq(fq)
    # Solr-style field queries in q (e.g. q=tags:防災) are filters too.
    words = []
    for word in q.split():
        name, _sep, value = word.partition(":")
        if value and name in FACETS:
            filters.setdefault(name, []).append(value.strip('"'))
        else:
            words.append(word)
    facet_fields = _facet_fields(params)
    facet_limit = _int(params, "facet.limit", 50, minimum=-1)
    sort = params.get("sort") or "score desc, metadata_modified desc"
    result = search(Search(
        q=" ".join(words), filters=filters, sort=_parse_sort(sort),
        start=_int(params, "start", 0), rows=_int(params, "rows", 10, maximum=MAX_ROWS),
    ), facet_fields=facet_fields, facet_limit=10_000 if facet_limit == -1 else facet_limit)
    return {
        "count": result.count, "sort": sort,
        "results": [package_dict(request, dataset) for dataset in result.datasets],
        "facets": {facet: {value: count for value, _label, count in items} for facet, items in result.facets.items()},
        "search_facets": {facet: {"title": facet, "items": [
            {"name": value, "display_name": label, "count": count} for value, label, count in items]}
            for facet, items in result.facets.items()},
    }


def _all_fields(params: dict) -> bool:
    value = params.get("all_fields", False)
    return value is True or str(value).lower() in ("true", "1")


def organization_list(request: HttpRequest, params: dict) -> list:
    organisations = (Organisation.objects.annotate(
        n=Count("datasets", filter=Q(datasets__published=True), distinct=True)).order_by("code"))
    if _all_fields(params):
        return [organization_dict(request, organisation, package_count=organisation.n)
                for organisation in organisations]
    return [organisation.code for organisation in organisations]


def organization_show(request: HttpRequest, params: dict) -> dict:
    name = _id(params)
    organisation = Organisation.objects.filter(code=name).first()
    if organisation is None and as_uuid(name):
        organisation = Organisation.objects.filter(pk=name).first()
    if organisation is None:
        raise not_found("Organization not found")
    datasets = published().filter(organisation=organisation).order_by("slug")
    result = organization_dict(request, organisation, package_count=datasets.count())
    if str(params.get("include_datasets", "false")).lower() in ("true", "1"):
        result["packages"] = [package_dict(request, dataset) for dataset in datasets[:1000]]
    return result


def group_list(request: HttpRequest, params: dict) -> list:
    counts = dict(published().values_list("theme").annotate(n=Count("pk")).values_list("theme", "n"))
    themes = [theme for theme in DatasetTheme.values if counts.get(theme)]
    if _all_fields(params):
        return [group_dict(theme, package_count=counts[theme]) for theme in themes]
    return themes


def tag_list(request: HttpRequest, params: dict) -> list:
    tags = Tag.objects.filter(datasets__published=True).distinct().order_by("name")
    query = params.get("query") or params.get("q")
    if query:
        tags = tags.filter(name__icontains=str(query))
    if _all_fields(params):
        return [{"id": str(tag.pk), "name": tag.name, "display_name": tag.name, "vocabulary_id": None}
                for tag in tags]
    return list(tags.values_list("name", flat=True))


def resource_show(request: HttpRequest, params: dict) -> dict:
    resource_id = _id(params)
    resource = None
    if as_uuid(resource_id):
        resource = (Resource.objects.select_related("dataset__organisation")
                    .filter(pk=resource_id, dataset__published=True).first())
    if resource is None:
        raise not_found("Resource was not found.")
    return resource_dict(request, resource)


ACTIONS: dict[str, Callable[[HttpRequest, dict], object]] = {
    action.__name__: action for action in (
        site_read, status_show, package_list, package_show, package_search, organization_list,
        organization_show, group_list, tag_list, resource_show,
    )
}
