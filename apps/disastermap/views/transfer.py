"""Import (city staff) and downloads (everyone) pages of the disaster map."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from apps.disastermap.choices import Hazard
from apps.disastermap.forms_transfer import ImportForm
from apps.disastermap.models import Facility, HazardZone, Shelter
from apps.disastermap.permissions import may_import
from apps.disastermap.services import exports
from apps.disastermap.services.importers import ImportRejected, run_import
from apps.geo.models import City


@never_cache
@require_http_methods(["GET", "POST"])
def import_data(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_import(request.user):
        raise PermissionDenied
    report, status = None, 200
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                report = run_import(**form.import_arguments())
            except ImportRejected as exc:
                report, status = exc.report, 400
            form = ImportForm(initial={"kind": form.cleaned_data["kind"], "source": form.cleaned_data["source"]})
        else:
            status = 400
    return render(request, "disastermap/transfer/import.html", {
        "form": form, "report": report, "hazards": Hazard.choices}, status=status)


@require_GET
def downloads(request: HttpRequest) -> HttpResponse:
    csv_exports = [{"export": export, "count": export.rows().count()} for export in exports.CSV_EXPORTS.values()]
    layers = [
        {"url_name": "api:map-layer-facilities", "file": "facilities.geojson",
         "count": Facility.objects.filter(is_public=True).count(), "kind": "facilities"},
        {"url_name": "api:map-layer-shelters", "file": "shelters.geojson",
         "count": Shelter.objects.filter(is_public=True).count(), "kind": "shelters"},
        {"url_name": "api:map-layer-hazard-zones", "file": "hazard-zones.geojson",
         "count": HazardZone.objects.count(), "kind": "hazard_zones"},
    ]
    return render(request, "disastermap/transfer/downloads.html", {
        "csv_exports": csv_exports, "layers": layers, "city": City.objects.order_by("code").first(),
        "licence": exports.LICENCE, "licence_url": exports.LICENCE_URL,
    })


urlpatterns = [
    path("import/", import_data, name="import"),
    path("downloads/", downloads, name="downloads"),
]
