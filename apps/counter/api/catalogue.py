"""Procedure catalogue API (public): procedures with their forms and department steps."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.counter.models import Procedure, ProcedureField, ProcedureStep
from apps.counter.selectors import catalogue as selectors
from apps.notifications.api.common import error_responses

TAG = "counter: procedures"


class ProcedureFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureField
        fields = ["key", "label", "label_en", "help_text", "kind", "required", "max_length", "min_value",
                  "max_value", "choices", "order"]


class ProcedureStepSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True)

    class Meta:
        model = ProcedureStep
        fields = ["order", "department", "department_code", "name", "name_en", "target_days"]


class ProcedureSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", read_only=True)
    documents = serializers.ListField(source="document_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Procedure
        fields = ["slug", "name", "name_en", "description", "department", "documents", "fee_yen", "online"]


class ProcedureDetailSerializer(ProcedureSerializer):
    fields = ProcedureFieldSerializer(many=True, read_only=True)
    steps = ProcedureStepSerializer(many=True, read_only=True)

    class Meta(ProcedureSerializer.Meta):
        fields = [*ProcedureSerializer.Meta.fields, "fields", "steps"]


class ProcedureList(APIView):
    permission_classes = [AllowAny]
    pagination_class = None

    @extend_schema(tags=[TAG], summary="Procedures offered (department, documents to bring, fee, online or not)",
                   responses={200: ProcedureSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(ProcedureSerializer(selectors.active_procedures(), many=True).data)


class ProcedureDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], summary="One procedure with its form fields and ordered department steps",
                   responses={200: ProcedureDetailSerializer, **error_responses(404)})
    def get(self, request: Request, slug: str) -> Response:
        return Response(ProcedureDetailSerializer(selectors.procedure_by_slug(slug)).data)


urlpatterns = [
    path("procedures/", ProcedureList.as_view(), name="counter-procedures"),
    path("procedures/<slug:slug>/", ProcedureDetail.as_view(), name="counter-procedure"),
]
