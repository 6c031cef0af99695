"""The counter floor over the API: the lobby state (public, numbers only) and staff actions."""

from __future__ import annotations

from dataclasses import asdict

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.counter.models import CounterWindow, FloorQueue, TicketState
from apps.counter.selectors import floor as selectors
from apps.counter.services import floor as services
from apps.notifications.api.common import StrictSerializer, error_responses, validated

TAG = "counter: floor"


class LobbyTicketOutput(serializers.Serializer):
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=TicketState.choices)
    state_label = serializers.CharField()
    window = serializers.CharField()


class LobbyQueueOutput(serializers.Serializer):
    code = serializers.CharField()
    prefix = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    waiting = serializers.IntegerField()
    now_called = LobbyTicketOutput(many=True)
    next_up = serializers.ListField(child=serializers.CharField())


class TicketOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(source="display_number")
    queue = serializers.CharField(source="queue.code")
    state = serializers.ChoiceField(choices=TicketState.choices)
    window = serializers.CharField(source="window.label", allow_null=True, default=None)
    issued_at = serializers.DateTimeField()


class IssueInput(StrictSerializer):
    queue = serializers.SlugRelatedField(slug_field="code", queryset=FloorQueue.objects.all())


class CallNextInput(StrictSerializer):
    window = serializers.PrimaryKeyRelatedField(queryset=CounterWindow.objects.select_related("queue"))


class LobbyView(APIView):
    """What the lobby screen shows: ticket numbers and states per queue; never who holds them."""

    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], operation_id="counter_floor_lobby", responses=LobbyQueueOutput(many=True),
                   parameters=[OpenApiParameter("queue", str, description="Only this queue (its code).")])
    def get(self, request: Request) -> Response:
        queues = selectors.lobby(request.query_params.get("queue", "")[:40] or None)
        return Response(LobbyQueueOutput([asdict(q) for q in queues], many=True).data)


class IssueTicketView(APIView):
    """Issue the next numbered ticket of a queue (staff of its department)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], operation_id="counter_floor_issue", request=IssueInput,
                   responses={201: TicketOutput, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        data = validated(IssueInput, request.data)
        ticket = services.issue_ticket(queue=data["queue"], issued_by=request.user)
        return Response(TicketOutput(ticket).data, status=status.HTTP_201_CREATED)


class CallNextView(APIView):
    """Call the longest-waiting ticket to a window."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], operation_id="counter_floor_call_next", request=CallNextInput,
                   responses={200: TicketOutput, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        data = validated(CallNextInput, request.data)
        ticket = services.call_next(window=data["window"], user=request.user)
        return Response(TicketOutput(ticket).data)


class MoveTicketInput(StrictSerializer):
    action = serializers.ChoiceField(choices=["serve", "done", "no_show", "recall"])


class MoveTicketView(APIView):
    """Serve, finish, mark no-show or call again; a move out of order is refused with the reason."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], operation_id="counter_floor_move", request=MoveTicketInput,
                   responses={200: TicketOutput, **error_responses(400, 401, 403, 404)})
    def post(self, request: Request, pk: int) -> Response:
        data = validated(MoveTicketInput, request.data)
        ticket = get_object_or_404(services.Ticket.objects.select_related("queue"), pk=pk,
                                   queue__in=selectors.queues_for(request.user))
        ticket = services.move_ticket(ticket=ticket, action=data["action"], user=request.user)
        return Response(TicketOutput(ticket).data)


urlpatterns = [
    path("floor/lobby/", LobbyView.as_view(), name="counter-floor-lobby"),
    path("floor/tickets/", IssueTicketView.as_view(), name="counter-floor-issue"),
    path("floor/call-next/", CallNextView.as_view(), name="counter-floor-call-next"),
    path("floor/tickets/<int:pk>/move/", MoveTicketView.as_view(), name="counter-floor-move"),
]
