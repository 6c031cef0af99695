"""Resident reports over the API: GeoJSON for the public map and the staff triage map.

(Creating reports over an API is Open311's job: see apps/counter/open311.)
"""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.counter.models import ReportStatus
from apps.counter.permissions_floor import may_triage_reports
from apps.counter.selectors import reports as selectors
from apps.notifications.api.common import error_responses

TAG = "counter: resident reports"
GEOJSON_REPLY = {(200, "application/geo+json"): OpenApiTypes.OBJECT}
MAP_LIMIT = 2000
FILTERS = [
    OpenApiParameter("service", str, description="A service code."),
    OpenApiParameter("status", str, enum=ReportStatus.values),
]


def _features(reports, *, staff: bool) -> dict:
    features = []
    for report in reports.filter(location__isnull=False)[:MAP_LIMIT]:
        url = reverse("counter:report_staff" if staff else "counter:report_detail", args=[report.pk])
        properties = {"id": report.pk, "service_code": report.service.code, "service_name": report.service.name,
                      "status": report.status, "status_label": str(ReportStatus(report.status).label),
                      "requested_at": report.requested_at.isoformat(), "url": url}
        if staff:
            properties["department"] = report.department.name
        features.append({"type": "Feature", "id": report.pk, "properties": properties,
                         "geometry": {"type": "Point", "coordinates": [report.location.x, report.location.y]}})
    return {"type": "FeatureCollection", "features": features}


def _status(request: Request) -> str:
    status = request.query_params.get("status", "")
    return status if status in ReportStatus.values else ""


class PublicReportsMap(APIView):
    """Reports as GeoJSON points for the public map (newest first, at most 2000); no reporter."""

    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], operation_id="counter_reports_map", parameters=FILTERS, responses=GEOJSON_REPLY)
    def get(self, request: Request) -> Response:
        service = request.query_params.get("service", "")[:40]
        status = _status(request)
        reports = selectors.public_reports(service_codes=[service] if service else None,
                                           statuses=[status] if status else None)
        return Response(_features(reports, staff=False), content_type="application/geo+json")


class TriageReportsMap(APIView):
    """Reports as GeoJSON for staff triage, with the department in charge."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], operation_id="counter_reports_triage_map",
                   parameters=[*FILTERS, OpenApiParameter("department", int)],
                   responses={**GEOJSON_REPLY, **error_responses(401, 403)})
    def get(self, request: Request) -> Response:
        if not may_triage_reports(request.user):
            raise PermissionDenied("Only city staff can triage reports.")
        department = request.query_params.get("department", "")
        reports = selectors.triage_reports(request.user, service=request.query_params.get("service", "")[:40],
                                           status=_status(request),
                                           department=int(department) if department.isdigit() else None)
        return Response(_features(reports, staff=True), content_type="application/geo+json")


urlpatterns = [
    path("reports/map/", PublicReportsMap.as_view(), name="counter-reports-map"),
    path("reports/triage-map/", TriageReportsMap.as_view(), name="counter-reports-triage-map"),
]
