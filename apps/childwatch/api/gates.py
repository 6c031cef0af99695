"""Gate readers post passage events (signed, no login); guardians read their child's passages.

Readers do not log in: each request is signed with the reader's own secret (HMAC-SHA256 over
`timestamp + "." + raw body`), so the view reads the raw body before anything parses it.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed, ParseError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.childwatch import device_auth
from apps.childwatch.choices import Direction
from apps.childwatch.selectors import gates as selectors
from apps.childwatch.services import gates as services
from apps.notifications.api.common import error_responses

TAG = "child watch: gates"


class ReaderSignatureFailed(AuthenticationFailed):
    pass


class GateEventInput(serializers.Serializer):
    # Documentation only: events are checked one by one by the service, so one bad event
    # is reported on its own instead of refusing the batch.
    event_id = serializers.CharField(max_length=services.ID_LIMIT, help_text=_("The reader's own id of the event."))
    tag = serializers.CharField(max_length=services.ID_LIMIT, help_text=_("The IC tag's id."))
    direction = serializers.ChoiceField(choices=Direction.choices)
    at = serializers.DateTimeField(help_text=_("ISO 8601 with offset, e.g. 2026-04-10T08:02:00+09:00."))


class GateBatchInput(serializers.Serializer):
    events = GateEventInput(many=True, help_text=_("1 to 500 events."))


class GateEventResultOutput(serializers.Serializer):
    event_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=[(s, s) for s in services.STATUSES])
    errors = serializers.DictField(child=serializers.CharField())


class ReaderEventsView(APIView):
    """A gate reader posts `{"events": [...]}`: one event, or a batch after being offline.

    Sign `timestamp + "." + body` with HMAC-SHA256 under the reader's secret and send
    `X-Civicportal-Timestamp: <unix seconds>` and `X-Civicportal-Signature: sha256=<hex>`.
    Every event gets its own result; a bad event never stops the good ones.
    """

    authentication_classes: list = []  # the signature is the authentication
    permission_classes = [AllowAny]
    # The signature authenticates and a batch is capped at 500 events; a morning rush is
    # one request per pupil from one reader, far beyond the anonymous rate.
    throttle_classes: list = []

    def get_authenticate_header(self, request: Request) -> str:
        return 'HMAC-SHA256 realm="gate-readers"'

    @extend_schema(
        tags=[TAG], operation_id="childwatch_reader_events", request=GateBatchInput,
        parameters=[
            OpenApiParameter(device_auth.TIMESTAMP_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER,
                             required=True, description="Unix seconds when the request was signed."),
            OpenApiParameter(device_auth.SIGNATURE_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER,
                             required=True, description="sha256=<hex HMAC of timestamp.body>"),
        ],
        responses={200: inline_serializer("GateEventResults", {
            "results": GateEventResultOutput(many=True),
            "counts": serializers.DictField(child=serializers.IntegerField()),
        }), **error_responses(400, 401)},
    )
    def post(self, request: Request, code: str) -> Response:
        body = request.body  # raw bytes, exactly as signed
        try:
            reader = device_auth.authenticate_reader(
                code=code, body=body,
                timestamp=request.headers.get(device_auth.TIMESTAMP_HEADER),
                signature=request.headers.get(device_auth.SIGNATURE_HEADER),
            )
        except DjangoPermissionDenied as exc:
            raise ReaderSignatureFailed(str(exc)) from None
        try:
            payload = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError):
            raise ParseError(_("The body is not JSON.")) from None
        if not isinstance(payload, dict) or set(payload) != {"events"}:
            raise serializers.ValidationError({"events": [_("Send an object with one key, “events”.")]})
        results = services.record_events(reader=reader, events=payload["events"])
        return Response({"results": [r.as_dict() for r in results], "counts": services.summary(results)})


class GatePassageOutput(serializers.Serializer):
    passed_at = serializers.DateTimeField()
    direction = serializers.CharField()
    gate = serializers.CharField(source="reader.gate_name")


class ChildPassagesView(APIView):
    """A child's passages of the last 30 days, for its guardians (its school's staff: 90, audited)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], operation_id="childwatch_child_passages",
                   responses={200: GatePassageOutput(many=True), **error_responses(401, 403, 404)})
    def get(self, request: Request, child_id: int) -> Response:
        child = selectors.child_for_guardian(request.user, child_id)
        if child is not None:
            passages = selectors.guardian_passages(request.user, child)
        else:
            child = selectors.child_for_staff(request.user, child_id)
            if child is None:
                raise Http404
            passages = selectors.staff_passages(request.user, child, via="api")
        return Response(GatePassageOutput(passages, many=True).data)


urlpatterns = [
    path("readers/<slug:code>/events/", ReaderEventsView.as_view(), name="childwatch-reader-events"),
    path("children/<int:child_id>/passages/", ChildPassagesView.as_view(), name="childwatch-child-passages"),
]
