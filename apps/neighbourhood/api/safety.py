"""Safety-check API: start, summary, one-tap answers (signed in or by personal token), follow-up.

A check someone may not see answers 404. The answer endpoints are the hot path of a disaster
and stay cheap: token auth, one check lookup, one membership query, one upsert.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from apps.accounts.services import audit
from apps.geo.models import District
from apps.neighbourhood.choices import SafetyStatus
from apps.neighbourhood.models import Association, SafetyCheck
from apps.neighbourhood.selectors import safety as selectors
from apps.neighbourhood.services import safety as services
from apps.notifications.api.common import StrictSerializer, error_responses, validated

TAG = "neighbourhood: safety checks"


class StartSerializer(StrictSerializer):
    title = serializers.CharField(max_length=services.TITLE_LIMIT)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    association = serializers.IntegerField(required=False, allow_null=True, default=None,
                                           help_text=_("For an officer's check of their association."))
    districts = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                      help_text=_("For a city staff check of districts."))


class AnswerSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=SafetyStatus.choices)
    note = serializers.CharField(max_length=services.NOTE_LIMIT, required=False, allow_blank=True, default="")


class TokenAnswerSerializer(AnswerSerializer):
    token = serializers.CharField(max_length=400)


class AnswerOutSerializer(serializers.Serializer):
    status = serializers.CharField()
    note = serializers.CharField()
    answered_at = serializers.DateTimeField()


class CheckOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    association = serializers.IntegerField(allow_null=True, source="association_id")
    started_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)


class PersonOutSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    association = serializers.CharField()


class SummarySerializer(CheckOutSerializer):
    counts = serializers.DictField(child=serializers.IntegerField(), required=False)
    expected = serializers.IntegerField(required=False)
    unanswered = serializers.IntegerField(required=False)
    own_answer = AnswerOutSerializer(allow_null=True, required=False)


def _check(request: Request, check_id: int) -> SafetyCheck:
    return selectors.visible_check(request.user, check_id)


def _answer_out(row) -> dict:
    return {"status": row.status, "note": row.note, "answered_at": row.answered_at}


class SafetyCheckListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=StartSerializer, responses={201: CheckOutSerializer,
                                                                   **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        data = validated(StartSerializer, request.data)
        association = None
        if data["association"] is not None:
            association = Association.objects.filter(pk=data["association"]).first()
            if association is None:
                raise serializers.ValidationError({"association": [_("No such association.")]})
        districts = list(District.objects.filter(pk__in=data["districts"]))
        if len(districts) != len(set(data["districts"])):
            raise serializers.ValidationError({"districts": [_("No such district.")]})
        check = services.start_check(user=request.user, title=data["title"], note=data["note"],
                                     association=association, districts=districts)
        return Response(CheckOutSerializer(check).data, status=status.HTTP_201_CREATED)


class SafetyCheckDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses={200: SummarySerializer, **error_responses(401, 404)},
                   description="Officers get counts; a member gets only their own answer.")
    def get(self, request: Request, check_id: int) -> Response:
        check = _check(request, check_id)
        out = CheckOutSerializer(check).data
        if selectors.may_follow(request.user, check):
            live = selectors.live(check, request.user)
            audit(user=request.user, action="neighbourhood.safety.api_summary", obj=check)
            out.update(counts=live.counts, expected=live.expected, unanswered=live.unanswered_count)
        else:
            own = selectors.own_answer(check, request.user)
            out["own_answer"] = _answer_out(own) if own else None
        return Response(out)


class SafetyAnswerView(APIView):
    permission_classes = [IsAuthenticated]
    # No second-factor rule for role holders here: answering shows nobody else's data, and an
    # officer who has not set up an authenticator must still be able to say "I am safe" in a
    # disaster. Every other safety endpoint keeps the rule.
    second_factor_exempt = True

    @extend_schema(tags=[TAG], request=AnswerSerializer, responses={200: AnswerOutSerializer,
                                                                    **error_responses(400, 401, 403, 404)})
    def put(self, request: Request, check_id: int) -> Response:
        data = validated(AnswerSerializer, request.data)
        # An open association check: one statement. Anything else: the check, then the rules.
        row = services.record_answer(check_id=check_id, user_id=request.user.pk, status=data["status"],
                                     note=data["note"])
        if row is not None:
            return Response(_answer_out(row))
        check, asked = services.check_for_answer(check_id=check_id, user_id=request.user.pk)
        if check is None or asked is False:
            raise Http404
        try:
            row = services.answer(safety_check=check, user_id=request.user.pk, status=data["status"],
                                  note=data["note"], asked=asked)
        except PermissionDenied:
            raise Http404 from None  # not asked: the check's existence does not leak
        return Response(_answer_out(row))


class PerTokenThrottle(SimpleRateThrottle):
    """Limits each answer link, not each address: after an earthquake whole neighbourhoods
    answer from behind one mobile carrier's shared address (CGNAT)."""

    scope = "safety_token"

    def get_cache_key(self, request: Request, view) -> str | None:
        token = request.data.get("token") if isinstance(request.data, dict) else None
        if not isinstance(token, str) or not token:
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": hashlib.sha256(token.encode()).hexdigest()[:32]}


class PerAddressBurstThrottle(AnonRateThrottle):
    """A generous per-address ceiling, so forged tokens cannot be sprayed without limit."""

    scope = "safety_token_address"


class SafetyTokenAnswerView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []  # the signed token is the credential
    throttle_classes = [PerTokenThrottle, PerAddressBurstThrottle]

    @extend_schema(tags=[TAG], request=TokenAnswerSerializer, responses={200: AnswerOutSerializer,
                                                                         **error_responses(400)})
    def post(self, request: Request) -> Response:
        data = validated(TokenAnswerSerializer, request.data)
        row = services.answer_by_token(token=data["token"], status=data["status"], note=data["note"])
        return Response(_answer_out(row))


class SafetyUnansweredView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses={200: PersonOutSerializer(many=True), **error_responses(401, 404)})
    def get(self, request: Request, check_id: int) -> Response:
        check = _check(request, check_id)
        if not selectors.may_follow(request.user, check):
            raise Http404
        people = selectors.unanswered_users(check, request.user)
        audit(user=request.user, action="neighbourhood.safety.api_unanswered", obj=check,
              detail=f"{len(people)} unanswered")
        return Response(PersonOutSerializer(people, many=True).data)


class SafetyCloseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=None, responses={200: CheckOutSerializer, **error_responses(400, 401, 404)})
    def post(self, request: Request, check_id: int) -> Response:
        check = _check(request, check_id)
        if not selectors.may_follow(request.user, check):
            raise Http404
        check = services.close_check(safety_check=check, user=request.user)
        return Response(CheckOutSerializer(check).data)


urlpatterns = [
    path("safety-checks/", SafetyCheckListView.as_view(), name="neighbourhood-safety-checks"),
    path("safety-checks/answer-by-token/", SafetyTokenAnswerView.as_view(), name="neighbourhood-safety-answer-token"),
    path("safety-checks/<int:check_id>/", SafetyCheckDetailView.as_view(), name="neighbourhood-safety-check"),
    path("safety-checks/<int:check_id>/answer/", SafetyAnswerView.as_view(), name="neighbourhood-safety-answer"),
    path("safety-checks/<int:check_id>/unanswered/", SafetyUnansweredView.as_view(),
         name="neighbourhood-safety-unanswered"),
    path("safety-checks/<int:check_id>/close/", SafetyCloseView.as_view(), name="neighbourhood-safety-close"),
]
