"""Downloads: streamed (constant memory), with ETag and Last-Modified, answering 304 when unchanged."""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from apps.opendata.choices import LIVE_FORMAT_INFO, ResourceKind
from apps.opendata.models import Resource, ResourceVersion
from apps.opendata.selectors.catalogue import as_uuid, dataset_by_name
from apps.opendata.services import export
from apps.opendata.services.live import data_modified, live_dataset_of


def _conditional(request: HttpRequest, etag: str, stamp: dt.datetime) -> HttpResponse | None:
    return get_conditional_response(request, etag=etag, last_modified=int(stamp.timestamp()))


def _validators(response: HttpResponse, etag: str, stamp: dt.datetime) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stamp.timestamp())
    # Public data: shared caches may keep it, but must ask again before using it.
    response["Cache-Control"] = "public, no-cache"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def live_download(request: HttpRequest, slug: str, live_format: str, ext: str) -> HttpResponse:
    dataset = dataset_by_name(slug)
    live = live_dataset_of(dataset) if dataset else None
    if live is None or live_format not in LIVE_FORMAT_INFO or (live_format == "geojson" and not live.spatial):
        raise Http404("No such download.")
    _label, extension, media_type = LIVE_FORMAT_INFO[live_format]
    if ext != extension:
        raise Http404("No such download.")
    stamp = data_modified(dataset)
    etag = quote_etag(f"{live.slug}-{live_format}-{int(stamp.timestamp() * 1_000_000)}")
    unchanged = _conditional(request, etag, stamp)
    if unchanged is not None:
        return _validators(unchanged, etag, stamp)
    content_type = media_type + ("; charset=utf-8" if live_format in ("csv", "csv-bom") else "")
    if request.method == "HEAD":
        # The headers say all a HEAD asks; the rows are not read at all.
        response = HttpResponse(content_type=content_type)
    else:
        response = StreamingHttpResponse(export.chunks(live, live_format), content_type=content_type)
    filename = f"{live.slug}{'-excel' if live_format == 'csv-bom' else ''}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _validators(response, etag, stamp)


def _file_response(request: HttpRequest, version: ResourceVersion) -> HttpResponse:
    etag = quote_etag(version.checksum)
    unchanged = _conditional(request, etag, version.uploaded_at)
    if unchanged is not None:
        return _validators(unchanged, etag, version.uploaded_at)
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.filename,
                            content_type=version.media_type)
    return _validators(response, etag, version.uploaded_at)


def _resource(slug: str, resource_id: str) -> Resource:
    if not as_uuid(resource_id):
        raise Http404("No such resource.")
    return get_object_or_404(Resource, pk=resource_id, dataset__slug=slug, dataset__published=True)


@require_safe
def resource_download(request: HttpRequest, slug: str, resource_id: str) -> HttpResponse:
    resource = _resource(slug, resource_id)
    if resource.kind == ResourceKind.LINK:
        from django.shortcuts import redirect

        return redirect(resource.url)
    if resource.kind == ResourceKind.LIVE:
        _label, extension, _media = LIVE_FORMAT_INFO[resource.live_format]
        return live_download(request, slug, resource.live_format, extension)
    version = resource.current_version()
    if version is None:
        raise Http404("This resource has no file yet.")
    return _file_response(request, version)


@require_safe
def version_download(request: HttpRequest, slug: str, resource_id: str, number: int) -> HttpResponse:
    resource = _resource(slug, resource_id)
    version = get_object_or_404(ResourceVersion, resource=resource, number=number)
    return _file_response(request, version)
