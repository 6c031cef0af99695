"""Life-event navigator API: events and their questions; a resident's own lists."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.counter.choices_procedures import RESIDENT_ITEM_STATUSES, LifeEventCondition
from apps.counter.models import LifeEvent, LifeEventPlan, LifeEventPlanItem
from apps.counter.selectors import catalogue as catalogue_selectors
from apps.counter.selectors import lifeevents as selectors
from apps.counter.services import lifeevents as services
from apps.notifications.api.common import StrictSerializer, error_responses, validated

TAG = "counter: life events"


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    question = serializers.CharField()


class LifeEventSerializer(serializers.ModelSerializer):
    questions = serializers.SerializerMethodField()

    class Meta:
        model = LifeEvent
        fields = ["slug", "name", "name_en", "description", "questions"]

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, event: LifeEvent) -> list[dict]:
        seen: list[str] = []
        for entry in event.entries.all():
            if entry.condition and entry.condition not in seen:
                seen.append(entry.condition)
        return QuestionSerializer([{"key": c, "question": str(LifeEventCondition(c).label)} for c in seen],
                                  many=True).data


class PlanItemSerializer(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.slug", read_only=True)
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    department = serializers.CharField(source="procedure.department.name", read_only=True)
    documents = serializers.ListField(source="procedure.document_list", child=serializers.CharField(),
                                      read_only=True)
    online = serializers.BooleanField(source="procedure.online", read_only=True)
    status = serializers.CharField(read_only=True)
    application_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = LifeEventPlanItem
        fields = ["id", "order", "procedure", "procedure_name", "department", "documents", "online", "status",
                  "application_id"]


class PlanSerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="event.slug", read_only=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = LifeEventPlan
        fields = ["id", "event", "answers", "created_at", "reminders", "items"]

    @extend_schema_field(PlanItemSerializer(many=True))
    def get_items(self, plan: LifeEventPlan) -> list[dict]:
        return PlanItemSerializer(selectors.items_of(plan), many=True).data


class PlanInputSerializer(StrictSerializer):
    event = serializers.SlugField()
    answers = serializers.DictField(child=serializers.BooleanField(), required=False, default=dict,
                                    help_text="question key -> yes (true) or no (false)")


class PlanItemInputSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=RESIDENT_ITEM_STATUSES)


class LifeEventList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], summary="Life events and the yes/no questions each asks",
                   responses={200: LifeEventSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(LifeEventSerializer(catalogue_selectors.life_events(), many=True).data)


class PlanList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Your life-event lists", responses={200: PlanSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(PlanSerializer(selectors.plans_of(request.user)[:50], many=True).data)

    @extend_schema(tags=[TAG], summary="Answer the questions and get your own ordered list",
                   request=PlanInputSerializer, responses={201: PlanSerializer, **error_responses(400, 404)})
    def post(self, request: Request) -> Response:
        data = validated(PlanInputSerializer, request.data)
        event = get_object_or_404(LifeEvent, slug=data["event"])
        plan = services.create_plan(user=request.user, event=event, answers=data["answers"])
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="One of your lists", responses={200: PlanSerializer, **error_responses(404)})
    def get(self, request: Request, plan_id: int) -> Response:
        return Response(PlanSerializer(selectors.plan_for(request.user, plan_id)).data)


class PlanItemDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Tick an item off as done or not needed",
                   request=PlanItemInputSerializer, responses={200: PlanItemSerializer, **error_responses(400, 404)})
    def patch(self, request: Request, plan_id: int, item_id: int) -> Response:
        plan = selectors.plan_for(request.user, plan_id)
        item = get_object_or_404(plan.items, pk=item_id)
        data = validated(PlanItemInputSerializer, request.data)
        item = services.mark_item(item=item, user=request.user, status=data["status"])
        return Response(PlanItemSerializer(selectors.items_of(plan).get(pk=item.pk)).data)


urlpatterns = [
    path("life-events/", LifeEventList.as_view(), name="counter-life-events"),
    path("life-event-lists/", PlanList.as_view(), name="counter-life-event-lists"),
    path("life-event-lists/<int:plan_id>/", PlanDetail.as_view(), name="counter-life-event-list"),
    path("life-event-lists/<int:plan_id>/items/<int:item_id>/", PlanItemDetail.as_view(),
         name="counter-life-event-list-item"),
]
