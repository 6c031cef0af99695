"""Absence reports: the guardian's own (report, list, withdraw) and the teacher's list for a day."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.childwatch.choices import AbsenceKind, AbsenceReason
from apps.childwatch.models import AbsenceReport
from apps.childwatch.selectors import absences as selectors
from apps.childwatch.selectors.people import my_guardianship
from apps.childwatch.services import absences as services
from apps.notifications.api.common import StrictSerializer, error_responses, validated

TAG = "child watch: absences"


@extend_schema_serializer(component_name="ChildwatchAbsence")
class AbsenceSerializer(serializers.ModelSerializer):
    child_name = serializers.CharField(source="child.full_name")
    school_class = serializers.SerializerMethodField()

    class Meta:
        model = AbsenceReport
        fields = ["id", "child", "child_name", "school_class", "date", "kind", "reason", "expected_time", "note",
                  "reported_at", "seen_by_teacher_at", "withdrawn"]

    def get_school_class(self, report: AbsenceReport) -> str | None:
        return str(report.child.school_class) if report.child.school_class else None


@extend_schema_serializer(component_name="ChildwatchAbsenceInput")
class AbsenceInput(StrictSerializer):
    child = serializers.IntegerField(min_value=1)
    date = serializers.DateField(help_text="Today or a school day up to 30 days ahead")
    kind = serializers.ChoiceField(choices=AbsenceKind.choices)
    reason = serializers.ChoiceField(choices=AbsenceReason.choices)
    expected_time = serializers.TimeField(required=False, allow_null=True, default=None,
                                          help_text="Required when late or leaving early, e.g. 10:30")
    note = serializers.CharField(max_length=services.NOTE_LIMIT, required=False, allow_blank=True, default="")


class DayQuery(serializers.Serializer):
    school = serializers.IntegerField(min_value=1, required=False)
    date = serializers.DateField(required=False)
    # "class" is a Python keyword; the query parameter keeps the page's name.
    class_ = serializers.IntegerField(min_value=1, required=False)

    def to_internal_value(self, data):
        data = {("class_" if key == "class" else key): value for key, value in data.items()}
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail
            if isinstance(detail, dict) and "class_" in detail:
                detail["class"] = detail.pop("class_")
            raise serializers.ValidationError(detail) from None


class MyAbsencesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses=AbsenceSerializer(many=True), summary="My reports (from a week ago on)")
    def get(self, request: Request) -> Response:
        return Response(AbsenceSerializer(selectors.my_reports(request.user), many=True).data)

    @extend_schema(tags=[TAG], request=AbsenceInput, summary="Report absence, lateness or leaving early",
                   description="One report per child, day and kind: reporting again changes the first.",
                   responses={201: AbsenceSerializer, **error_responses(400, 404)})
    def post(self, request: Request) -> Response:
        data = dict(validated(AbsenceInput, request.data))
        child = my_guardianship(request.user, data.pop("child")).child
        report = services.report_absence(by=request.user, child=child, **data)
        return Response(AbsenceSerializer(report).data, status=201)


class MyAbsenceView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Withdraw a report (until its day is over)",
                   responses={204: None, **error_responses(400, 404)})
    def delete(self, request: Request, pk: int) -> Response:
        report = selectors.my_report(request.user, pk)
        services.withdraw_report(by=request.user, report=report)
        return Response(status=204)


class DayListView(APIView):
    """The day's reports for the class teacher (own classes) or school staff (whole school)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Reports of a day (teacher)", responses={
        200: AbsenceSerializer(many=True), **error_responses(400, 403, 404)}, parameters=[
        OpenApiParameter("school", OpenApiTypes.INT, description="Needed when you work at several schools"),
        OpenApiParameter("date", OpenApiTypes.DATE, description="Default: today"),
        OpenApiParameter("class", OpenApiTypes.INT, description="One class"),
    ])
    def get(self, request: Request) -> Response:
        schools = selectors.day_list_schools(request.user)
        if not schools.exists():
            raise PermissionDenied(_("Only class teachers and school staff can see the absence list."))
        query = validated(DayQuery, request.query_params.dict())
        if "school" in query:
            school = schools.filter(pk=query["school"]).first()
        elif schools.count() == 1:
            school = schools.first()
        else:
            raise serializers.ValidationError({"school": [_("You work at several schools: give school=<id>.")]})
        if school is None:
            raise Http404
        school_class = None
        if "class_" in query:
            school_class = selectors.visible_classes(request.user, school).filter(pk=query["class_"]).first()
            if school_class is None:
                raise Http404
        reports = selectors.day_reports(request.user, school, date=query.get("date") or timezone.localdate(),
                                        school_class=school_class)
        return Response(AbsenceSerializer(reports, many=True).data)


urlpatterns = [
    path("absences/", MyAbsencesView.as_view(), name="childwatch-absences"),
    path("absences/<int:pk>/", MyAbsenceView.as_view(), name="childwatch-absence"),
    path("staff/absences/", DayListView.as_view(), name="childwatch-staff-absences"),
]
