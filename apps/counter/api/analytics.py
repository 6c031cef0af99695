"""Staff analytics API: the same figures as the analytics page, and monthly counts."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.counter.permissions_applications import is_city_staff
from apps.counter.selectors import analytics as selectors

TAG = "counter: analytics"


class Analytics(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Applications per procedure, median and p90 hours per step and department, "
                                       "overdue steps, returns and exceptions (staff)",
                   parameters=[OpenApiParameter("days", int, description="window: 1 to 366 days (default 90)")],
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        if not is_city_staff(request.user):
            raise PermissionDenied(_("Only city staff see counter analytics."))
        raw = request.query_params.get("days", str(selectors.DEFAULT_WINDOW_DAYS))
        if not raw.isdigit() or not 1 <= int(raw) <= 366:
            raise serializers.ValidationError({"days": [_("Give a whole number of days from 1 to 366.")]})
        report = selectors.report(since=timezone.now() - dt.timedelta(days=int(raw)))
        return Response({
            "since": report.since, "until": report.until, "per_procedure": report.per_procedure,
            "per_step": [dataclasses.asdict(row) for row in report.per_step],
            "per_department": [dataclasses.asdict(row) for row in report.per_department],
            "overdue": report.overdue, "overdue_total": report.overdue_total,
            "overdue_items": report.overdue_items, "returns": report.returns,
            "exceptions": report.exceptions, "monthly": list(selectors.monthly_counts()),
        })


urlpatterns = [path("staff/analytics/", Analytics.as_view(), name="counter-analytics")]
