"""The public map pages: the map, nearby search, one facility, and "am I at risk?"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from apps.disastermap.forms_core import NearbyForm, WhereForm
from apps.disastermap.selectors.facilities import genres, nearby, public_facilities, risk_at, shelter_counts


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    return render(request, "disastermap/core/map.html", {
        "genres": genres(), "form": NearbyForm(), "shelter_counts": shelter_counts(),
        "center": _center(request),
    })


def _center(request: HttpRequest) -> dict | None:
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return None
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return {"lat": lat, "lon": lon}
    return None


@require_GET
def nearby_page(request: HttpRequest) -> HttpResponse:
    form = NearbyForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        results = nearby(
            point=data["point"], radius_m=data["radius"] or 1000,
            genre_codes=[genre.code for genre in data["genre"]], accessibility=data["access"],
        )
    return render(request, "disastermap/core/nearby.html", {"form": form, "results": results})


@require_GET
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_object_or_404(public_facilities().select_related("genre", "shelter"), pk=pk)
    shelter = getattr(facility, "shelter", None)  # a Shelter is a Facility (multi-table)
    return render(request, "disastermap/core/facility_detail.html", {"facility": facility, "shelter": shelter})


@require_GET
def risk_page(request: HttpRequest) -> HttpResponse:
    form = WhereForm(request.GET or None)
    risk = None
    if form.is_bound and form.is_valid():
        risk = risk_at(point=form.cleaned_data["point"])
    return render(request, "disastermap/core/risk.html", {"form": form, "risk": risk})


urlpatterns = [
    path("", map_page, name="map"),
    path("nearby/", nearby_page, name="nearby"),
    path("facilities/<int:pk>/", facility_detail, name="facility_detail"),
    path("risk/", risk_page, name="risk"),
]


