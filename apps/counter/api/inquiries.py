"""Inquiries over the API: ask (signed in or with an e-mail address) and search the FAQ."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Department
from apps.counter import ratelimit_floor
from apps.counter.models import InquiryStatus
from apps.counter.selectors import inquiries as selectors
from apps.counter.services import inquiries as services
from apps.notifications.api.common import StrictSerializer, error_responses, validated

TAG = "counter: inquiries"


class InquiryInput(StrictSerializer):
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    subject = serializers.CharField(max_length=services.SUBJECT_LIMIT)
    body = serializers.CharField(max_length=services.BODY_LIMIT)
    asker_email = serializers.EmailField(required=False, allow_blank=True, default="")
    asker_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class InquiryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.code")
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=InquiryStatus.choices)
    created_at = serializers.DateTimeField()


class FaqOutput(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.name")
    question = serializers.CharField()
    answer = serializers.CharField()
    published_at = serializers.DateTimeField()


class InquiryCreateView(APIView):
    """Ask the city. Without signing in, `asker_email` is where the answer goes."""

    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], operation_id="counter_inquiries_create", request=InquiryInput,
                   responses={201: InquiryOutput, **error_responses(400, 429)})
    def post(self, request: Request) -> Response:
        # The same hourly limit as the page's form (DRF's general throttle alone allows 120 a minute).
        if not ratelimit_floor.allow(request, "inquiry"):
            raise Throttled(detail="Too many questions from here in the last hour. Please try again later.")
        data = validated(InquiryInput, request.data)
        inquiry = services.ask(asker=request.user if request.user.is_authenticated else None, **data)
        return Response(InquiryOutput(inquiry).data, status=status.HTTP_201_CREATED)


class FaqView(APIView):
    """Published FAQ entries, searched by words in the question or answer."""

    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], operation_id="counter_faq_list", responses=FaqOutput(many=True),
                   parameters=[OpenApiParameter("q", str, description="Words to search for.")])
    def get(self, request: Request) -> Response:
        entries = selectors.faq(request.query_params.get("q", "")[:100])[:100]
        return Response(FaqOutput(entries, many=True).data)


urlpatterns = [
    path("inquiries/", InquiryCreateView.as_view(), name="counter-inquiries"),
    path("faq/", FaqView.as_view(), name="counter-faq"),
]
