"""GeoReport v2 methods: discovery, service list, service definition, POST/GET requests, one request.

Single jurisdiction: `jurisdiction_id` may be left out; when given it must be this city's.
Service requests are realtime (the id comes back at once), so there are no tokens.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from apps.counter.models import ReportService, ReportSource, ResidentReport
from apps.counter.open311.keys import check_key
from apps.counter.open311.render import FORMATS, errors, respond, w3
from apps.counter.selectors import reports as selectors
from apps.counter.services import reports as services

CHANGESET = "2026-11-23T00:00:00+09:00"
MAX_SPAN = dt.timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = 200


def jurisdiction() -> str:
    host = urlsplit(settings.SITE_URL).hostname or ""
    return host.removeprefix("www.")


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _pre(request: HttpRequest, fmt: str) -> HttpResponse | None:
    """Format and jurisdiction checks every method shares."""
    if fmt not in FORMATS:
        return errors("xml", 400, [f"Unknown format “{fmt}”: use json or xml."])
    params = request.POST if request.method == "POST" else request.GET
    given = params.get("jurisdiction_id", "").strip()
    if given and given != jurisdiction():
        return errors(fmt, 404, [f"jurisdiction_id “{given}” was not found: this server serves {jurisdiction()}."])
    return None


def _service_name(service: ReportService) -> str:
    return service.name_en if translation.get_language() == "en" and service.name_en else service.name


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        return errors("xml", 400, [f"Unknown format “{fmt}”: use json or xml."])
    body = {
        "changeset": CHANGESET,
        "contact": f"{settings.DEFAULT_FROM_EMAIL}",
        "key_service": _absolute(reverse("admin:counter_open311apikey_changelist")),
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": _absolute(reverse("open311:base")).rstrip("/"),
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }
    return respond(fmt, "discovery", body)


@require_GET
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if (refused := _pre(request, fmt)) is not None:
        return refused
    body = [{
        "service_code": s.code, "service_name": _service_name(s), "description": s.description or None,
        "metadata": any(a.variable for a in s.attributes.all()), "type": "realtime",
        "keywords": s.keywords or None, "group": s.group or None,
    } for s in selectors.active_services()]
    return respond(fmt, "services", body)


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if (refused := _pre(request, fmt)) is not None:
        return refused
    service = selectors.active_services().filter(code=code).first()
    if service is None:
        return errors(fmt, 404, [f"service_code “{code}” was not found."])
    body = {"service_code": service.code, "attributes": [{
        "variable": a.variable, "code": a.code, "datatype": a.datatype, "required": a.required,
        "datatype_description": a.datatype_description or None, "order": a.order, "description": a.description,
        "values": [{"key": v.get("key"), "name": v.get("name")} for v in a.values],
    } for a in service.attributes.all()]}
    return respond(fmt, "service_definition", body)


def _request_row(report: ResidentReport) -> dict:
    media = None
    if report.photo and report.photo_public:
        media = _absolute(reverse("counter:report_photo", args=[report.pk]))
    elif report.media_url:
        media = report.media_url
    location = report.location
    return {
        "service_request_id": report.pk,
        "status": report.open311_status,
        "status_notes": report.status_notes or None,
        "service_name": _service_name(report.service),
        "service_code": report.service.code,
        "description": selectors.shown_description(report) or None,
        "agency_responsible": report.department.name,
        "service_notice": report.service.service_notice or None,
        "requested_datetime": w3(report.requested_at),
        "updated_datetime": w3(report.updated_at),
        "expected_datetime": w3(report.expected_at),
        "address": report.address_string or None,
        "address_id": None,
        "zipcode": None,
        "lat": location.y if location else None,
        "long": location.x if location else None,
        "media_url": media,
    }


def _attributes(post) -> dict:
    """attribute[code]=v and attribute[code][]=v1&attribute[code][]=v2 → {code: v | [v1, v2]}."""
    answers: dict = {}
    for key in post:
        if not key.startswith("attribute[") or "]" not in key:
            continue
        code = key[len("attribute["):key.index("]")]
        answers[code] = post.getlist(key) if key.endswith("[]") else post.get(key)
    return answers


def _float(errors_: list[str], post, name: str) -> float | None:
    raw = post.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        errors_.append(f"{name}: “{raw[:40]}” is not a number.")
        return None
    if value != value or value in (float("inf"), float("-inf")):
        errors_.append(f"{name}: “{raw[:40]}” is not a number.")
        return None
    return value


def _post(request: HttpRequest, fmt: str) -> HttpResponse:
    post = request.POST
    key = check_key(post.get("api_key", ""))
    if key is None:
        reason = "api_key was not provided" if not post.get("api_key") else "Invalid api_key received"
        return errors(fmt, 403, [f"{reason} -- can't proceed with create_request."])
    code = post.get("service_code", "").strip()
    if not code:
        return errors(fmt, 400, ["service_code was not provided."])
    service = selectors.active_services().filter(code=code).first()
    if service is None:
        return errors(fmt, 404, [f"service_code “{code}” was not found."])
    problems: list[str] = []
    lat, lon = _float(problems, post, "lat"), _float(problems, post, "long")
    if post.get("address_id") and lat is None and not post.get("address_string"):
        problems.append("address_id: this city has no address register here; send lat and long or address_string.")
    if problems:
        return errors(fmt, 400, problems)
    names = " ".join(p for p in (post.get("last_name", "").strip(), post.get("first_name", "").strip()) if p)
    try:
        report = services.submit_report(
            service=service, description=post.get("description", ""), lat=lat, lon=lon,
            address_string=post.get("address_string", ""), attributes=_attributes(post),
            media_url=post.get("media_url", "").strip(), reporter_email=post.get("email", "").strip(),
            reporter_name=names, reporter_phone=post.get("phone", "").strip(), source=ReportSource.OPEN311,
            api_key=key,
        )
    except ValidationError as exc:
        return errors(fmt, 400, [f"{field}: {message}" for field, messages in exc.message_dict.items()
                                 for message in messages])
    return respond(fmt, "service_requests", [{
        "service_request_id": report.pk, "service_notice": service.service_notice or None,
        "account_id": post.get("account_id", "").strip()[:60] or None}])


def _parse_dates(fmt: str, params) -> tuple[dt.datetime, dt.datetime] | HttpResponse:
    parsed = {}
    for name in ("start_date", "end_date"):
        raw = params.get(name, "").strip()
        if raw:
            try:
                parsed[name] = services.parse_w3_datetime(raw, name)
            except ValidationError:
                return errors(fmt, 400, [f"{name}: use the w3 format with a time zone, e.g. 2026-01-01T00:00:00Z."])
    end = parsed.get("end_date") or (parsed["start_date"] + MAX_SPAN if "start_date" in parsed else timezone.now())
    start = parsed.get("start_date") or end - MAX_SPAN
    if start > end:
        return errors(fmt, 400, ["start_date is after end_date."])
    if end - start > MAX_SPAN:
        return errors(fmt, 400, ["start_date and end_date may not span more than 90 days."])
    return start, end


def _get(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    ids_raw = params.get("service_request_id", "").strip()
    if ids_raw:
        parts = [p.strip() for p in ids_raw.split(",") if p.strip()]
        if len(parts) > MAX_IDS or not all(p.isdigit() and len(p) <= 18 for p in parts):
            return errors(fmt, 400, [f"service_request_id: give up to {MAX_IDS} numbers, comma delimited."])
        reports = selectors.public_reports().filter(pk__in=[int(p) for p in parts])
    else:
        dates = _parse_dates(fmt, params)
        if isinstance(dates, HttpResponse):
            return dates
        statuses = [s.strip() for s in params.get("status", "").split(",") if s.strip()]
        wrong = [s for s in statuses if s not in ("open", "closed")]
        if wrong:
            return errors(fmt, 400, [f"status: “{wrong[0]}” is not open or closed."])
        inner = None
        if statuses and set(statuses) != {"open", "closed"}:
            inner = ["closed"] if statuses == ["closed"] else ["open", "acknowledged", "in_progress"]
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()] or None
        reports = selectors.public_reports(service_codes=codes, statuses=inner, start=dates[0], end=dates[1])
    return respond(fmt, "service_requests", [_request_row(r) for r in reports[:MAX_RESULTS]])


@csrf_exempt  # an API for other programs: the api_key, not a session, authorises a POST
@require_http_methods(["GET", "POST"])
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if (refused := _pre(request, fmt)) is not None:
        return refused
    return _post(request, fmt) if request.method == "POST" else _get(request, fmt)


@require_GET
def request_detail(request: HttpRequest, pk: str, fmt: str) -> HttpResponse:
    if (refused := _pre(request, fmt)) is not None:
        return refused
    report = selectors.public_reports().filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 18 else None
    if report is None:
        return errors(fmt, 404, [f"service_request_id “{pk[:40]}” was not found."])
    return respond(fmt, "service_requests", [_request_row(report)])


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = "json" if rest.endswith(".json") else "xml"
    return errors(fmt, 404, ["No such GeoReport v2 resource. See /open311/discovery.xml."])
