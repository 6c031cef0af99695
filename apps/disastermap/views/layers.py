"""Pages of the incident and river water level layers.

Incidents: a public list (generalised places, no staff names) and staff forms to add, edit
and hide. Water levels: every station with its stage, and one station's last 24 hours as a
table and a server-drawn SVG chart, so nothing needs JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.disastermap.choices import WaterStage
from apps.disastermap.forms_layers import IncidentFilterForm, IncidentForm
from apps.disastermap.models import Incident, WaterLevelStation
from apps.disastermap.permissions import is_city_staff, may_manage_incidents
from apps.disastermap.selectors import layers as selectors
from apps.disastermap.services import incidents as incident_services
from apps.disastermap.services.water import alert_problems
from apps.disastermap.views.water_chart import level_chart


def _incident_staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_manage_incidents(request.user):
            raise PermissionDenied(_("Only city staff can enter incidents."))
        return view(request, *args, **kwargs)

    return wrapped


# --- incidents ---------------------------------------------------------------------------


@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET or None)
    filters = form.filters()
    incidents = list(selectors.incidents_for(request.user, **filters))
    places = [selectors.generalise(incident.location) for incident in incidents]
    rows = list(zip(incidents, selectors.district_names(places), strict=True))
    query = {key: value for key, value in filters.items() if value}
    return render(request, "disastermap/layers/incident_list.html", {
        "form": form, "rows": rows, "days": filters["days"], "staff": may_manage_incidents(request.user),
        "geojson_query": "&".join(f"{key}={value}" for key, value in query.items()),
        "grid_metres": selectors.GRID_METRES,
    })


def _save_incident(request: HttpRequest, form: IncidentForm, incident: Incident | None) -> Incident | None:
    data = form.cleaned_data
    fields = {"kind": data["kind"], "title": data["title"], "description": data["description"],
              "occurred_at": data["occurred_at"], "lat": data["lat"], "lon": data["lon"],
              "is_public": data["is_public"]}
    try:
        if incident is None:
            return incident_services.record_incident(**fields, source="staff", created_by=request.user)
        return incident_services.update_incident(incident=incident, **fields)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            target = "lat" if field == "location" else field
            for error in errors:
                form.add_error(target if target in form.fields else None, error)
        return None


@_incident_staff_only
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        incident = _save_incident(request, form, None)
        if incident is not None:
            messages.success(request, _("The incident was added."))
            return redirect("disastermap:incident_list")
    return render(request, "disastermap/layers/incident_form.html", {"form": form, "incident": None})


@_incident_staff_only
@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_by_id(pk)
    if incident is None:
        raise Http404
    form = IncidentForm(request.POST) if request.method == "POST" else IncidentForm.for_incident(incident)
    if request.method == "POST" and form.is_valid() and _save_incident(request, form, incident) is not None:
        messages.success(request, _("The incident was saved."))
        return redirect("disastermap:incident_list")
    return render(request, "disastermap/layers/incident_form.html", {"form": form, "incident": incident})


@_incident_staff_only
@require_POST
def incident_visibility(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_by_id(pk)
    if incident is None:
        raise Http404
    show = request.POST.get("show") == "1"
    incident_services.set_incident_visibility(incident=incident, is_public=show)
    messages.success(request, _("The incident is shown to the public again.") if show
                     else _("The incident is hidden from the public."))
    return redirect("disastermap:incident_list")


# --- water levels ------------------------------------------------------------------------

STAGE_ICONS = {0: "○", 1: "▲", 2: "▲▲", 3: "▲▲▲", 4: "▲▲▲▲"}


def stage_info(stage: int) -> dict:
    """Text, icon and colour class: the stage is never told by colour alone."""
    return {"value": stage, "label": WaterStage(stage).label, "icon": STAGE_ICONS[stage], "css": f"stage-{stage}"}


def _thresholds(station: WaterLevelStation) -> list[dict]:
    levels = dict(station.thresholds())
    return [{**stage_info(stage), "level": levels.get(stage)} for stage in WaterStage.values if stage > 0]


@require_GET
def station_list(request: HttpRequest) -> HttpResponse:
    rows = [{"station": station, "stage": stage_info(station.current_stage), "thresholds": _thresholds(station)}
            for station in selectors.stations()]
    return render(request, "disastermap/layers/station_list.html", {
        "rows": rows, "threshold_heads": [stage_info(stage) for stage in WaterStage.values if stage > 0]})


@require_GET
def station_detail(request: HttpRequest, code: str) -> HttpResponse:
    station = selectors.station_by_code(code)
    if station is None:
        raise Http404
    readings = selectors.recent_readings(station)
    staff = is_city_staff(request.user)
    return render(request, "disastermap/layers/station_detail.html", {
        "station": station, "stage": stage_info(station.current_stage), "thresholds": _thresholds(station),
        "readings": [{"reading": r, "stage": stage_info(r.stage)} for r in reversed(readings)],
        "chart": level_chart(station, readings), "staff": staff,
        "problems": alert_problems(station) if staff else [],
    })


urlpatterns = [
    path("incidents/", incident_list, name="incident_list"),
    path("incidents/new/", incident_new, name="incident_new"),
    path("incidents/<int:pk>/edit/", incident_edit, name="incident_edit"),
    path("incidents/<int:pk>/visibility/", incident_visibility, name="incident_visibility"),
    path("water-levels/", station_list, name="station_list"),
    path("water-levels/<slug:code>/", station_detail, name="station_detail"),
]
