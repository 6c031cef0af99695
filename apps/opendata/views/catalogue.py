"""Public pages: the catalogue with facets, a dataset with its preview, and DCAT documents."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from apps.opendata.choices import ResourceKind
from apps.opendata.permissions import may_publish
from apps.opendata.selectors.catalogue import Search, dataset_by_name, published, search
from apps.opendata.selectors.preview import preview
from apps.opendata.services.live import data_modified, modified
from apps.opendata.urls_helpers import download_path

PAGE_SIZE = 20
FACET_TITLES = {"organization": _("Organisation"), "tags": _("Tags"), "groups": _("Theme"),
                "res_format": _("Format"), "license_id": _("Licence")}
# query parameter on the pages -> CKAN facet
PAGE_FACETS = {"organisation": "organization", "tag": "tags", "theme": "groups", "format": "res_format",
               "licence": "license_id"}


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    filters = {facet: [value[:100] for value in request.GET.getlist(param)][:10]
               for param, facet in PAGE_FACETS.items() if request.GET.getlist(param)}
    q = request.GET.get("q", "")[:200]
    sort = request.GET.get("sort", "title")
    sort_key = {"title": [("title", False)], "modified": [("metadata_modified", True)]}.get(sort, [("title", False)])
    try:
        page_number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page_number = 1
    result = search(Search(q=q, filters=filters, sort=sort_key, start=(page_number - 1) * PAGE_SIZE, rows=PAGE_SIZE))
    paginator = Paginator(range(result.count), PAGE_SIZE)
    page = paginator.get_page(page_number)
    # Each facet value links to the search with that value added (or removed when chosen).
    param_of = {facet: param for param, facet in PAGE_FACETS.items()}
    facet_groups = []
    for facet, items in result.facets.items():
        param = param_of[facet]
        chosen = filters.get(facet, [])
        entries = []
        for value, label, count in items:
            query = request.GET.copy()
            query.pop("page", None)
            values = query.getlist(param)
            if value in chosen:
                values = [item for item in values if item != value]
            else:
                values.append(value)
            query.setlist(param, values)
            entries.append({"value": value, "label": label, "count": count, "chosen": value in chosen,
                            "query": query.urlencode()})
        facet_groups.append({"key": facet, "param": param, "entries": entries})
    page_query = request.GET.copy()
    page_query.pop("page", None)
    return render(request, "opendata/catalogue.html", {
        "page_query": page_query.urlencode(),
        "result": result, "datasets": result.datasets, "facet_groups": facet_groups, "q": q, "page": page,
        "sort": sort, "filtered": bool(filters or q), "may_publish": may_publish(request.user),
        "facet_titles": FACET_TITLES,
    })




@require_safe
def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_by_name(slug)
    if dataset is None or dataset.slug != slug:
        raise Http404("No such dataset.")
    resources = [{"resource": resource, "download": download_path(resource) if resource.kind != ResourceKind.LINK
                  else resource.url,
                  "last_modified": data_modified(dataset) if resource.kind == ResourceKind.LIVE
                  else resource.last_modified,
                  "versions": list(resource.versions.all()[:10]) if resource.kind == ResourceKind.UPLOAD else []}
                 for resource in dataset.resources.all()]
    shown = preview(dataset)
    map_url = ""
    if shown and shown.spatial:
        map_url = download_path(shown.resource)
    return render(request, "opendata/dataset.html", {
        "dataset": dataset, "resources": resources, "preview": shown, "map_url": map_url,
        "modified": modified(dataset), "may_publish": may_publish(request.user),
    })


DCAT_TYPES = {"jsonld": "application/ld+json", "ttl": "text/turtle"}


def _dcat_response(graph, fmt: str) -> HttpResponse:
    from apps.opendata import dcat

    response = HttpResponse(dcat.serialize(graph, fmt), content_type=f"{DCAT_TYPES[fmt]}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def catalogue_dcat(request: HttpRequest, fmt: str) -> HttpResponse:
    from apps.opendata import dcat  # rdflib costs ~17 MB: only processes that serve DCAT load it

    return _dcat_response(dcat.catalogue_graph(request, published().order_by("slug")), fmt)


@require_safe
def dataset_dcat(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    dataset = dataset_by_name(slug)
    if dataset is None or dataset.slug != slug:
        raise Http404("No such dataset.")
    from apps.opendata import dcat

    return _dcat_response(dcat.dataset_graph(request, dataset), fmt)
