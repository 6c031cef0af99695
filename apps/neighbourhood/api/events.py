"""Association events API: list/create, read/edit/cancel, RSVP, attendees (officers).

An event the caller may not see answers 404 (members of another association included).
DELETE cancels: the event stays in calendar feeds with STATUS:CANCELLED.
"""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.neighbourhood.choices import RSVPAnswer, Visibility
from apps.neighbourhood.models import Event
from apps.neighbourhood.permissions import is_officer, membership_of
from apps.neighbourhood.selectors import events as selectors
from apps.neighbourhood.services import events as services
from apps.notifications.api.common import AwareDateTimeField, StrictSerializer, error_responses, validated

TAG = "neighbourhood: events"


class EventLocationSerializer(StrictSerializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)


class AssociationEventSerializer(serializers.ModelSerializer):
    location = serializers.SerializerMethodField()
    cancelled = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    my_rsvp = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "uid", "title", "description", "starts_at", "ends_at", "place", "location", "capacity",
                  "visibility", "status", "cancelled", "cancelled_at", "sequence", "counts", "my_rsvp",
                  "created_at", "updated_at"]

    def get_location(self, event: Event) -> dict | None:
        return {"lat": event.location.y, "lon": event.location.x} if event.location else None

    def get_cancelled(self, event: Event) -> bool:
        return event.cancelled_at is not None

    def get_counts(self, event: Event) -> dict:
        return selectors.rsvp_counts(event)

    def get_my_rsvp(self, event: Event) -> dict | None:
        mine = selectors.my_rsvp(self.context["request"].user, event)
        return {"answer": mine.answer, "guests": mine.guests} if mine else None


class AssociationEventInputSerializer(StrictSerializer):
    title = serializers.CharField(max_length=services.TITLE_LIMIT)
    description = serializers.CharField(max_length=services.DESCRIPTION_LIMIT, required=False, allow_blank=True,
                                        default="")
    starts_at = AwareDateTimeField()
    ends_at = AwareDateTimeField()
    place = serializers.CharField(max_length=services.PLACE_LIMIT, required=False, allow_blank=True, default="")
    location = EventLocationSerializer(required=False, allow_null=True, default=None)
    capacity = serializers.IntegerField(min_value=1, max_value=services.MAX_CAPACITY, required=False,
                                        allow_null=True, default=None)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False, default=Visibility.MEMBERS)


class AssociationEventPatchSerializer(AssociationEventInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class EventRSVPInputSerializer(StrictSerializer):
    answer = serializers.ChoiceField(choices=RSVPAnswer.choices)
    guests = serializers.IntegerField(min_value=0, max_value=services.MAX_GUESTS, required=False, default=0)


class EventRSVPSerializer(serializers.Serializer):
    answer = serializers.CharField()
    guests = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class EventAttendeeSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    answer = serializers.CharField()
    guests = serializers.IntegerField()
    answered_at = serializers.DateTimeField()


class EventAttendeesSerializer(serializers.Serializer):
    counts = serializers.DictField()
    attendees = EventAttendeeSerializer(many=True)


def _service_fields(data: dict) -> dict:
    if "location" in data:
        loc = data["location"]
        data["location"] = Point(loc["lon"], loc["lat"], srid=4326) if loc else None
    return data


def _event(request: Request, slug: str, event_id: int):
    association = selectors.association_by_slug(slug)
    return association, selectors.event_for(request.user, association, event_id)


class EventList(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(tags=[TAG], summary="Events of an association you may see",
                   responses={200: AssociationEventSerializer(many=True),
                              404: OpenApiResponse(description="No such association")})
    def get(self, request: Request, slug: str) -> Response:
        association = selectors.association_by_slug(slug)
        events = selectors.visible_events(request.user, association).order_by("starts_at")
        return Response(AssociationEventSerializer(events, many=True, context={"request": request}).data)

    @extend_schema(tags=[TAG], summary="Add an event (officers, or members if the posting rules allow)",
                   request=AssociationEventInputSerializer,
                   responses={201: AssociationEventSerializer, **error_responses(400, 403, 404)})
    def post(self, request: Request, slug: str) -> Response:
        association = selectors.association_by_slug(slug)
        if membership_of(request.user, association) is None:
            raise PermissionDenied(_("Only members of the association can add events."))
        data = _service_fields(dict(validated(AssociationEventInputSerializer, request.data)))
        event = services.create_event(author=request.user, association=association, **data)
        return Response(AssociationEventSerializer(event, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class EventDetail(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(tags=[TAG], summary="One event", responses={200: AssociationEventSerializer, **error_responses(404)})
    def get(self, request: Request, slug: str, event_id: int) -> Response:
        _association, event = _event(request, slug, event_id)
        return Response(AssociationEventSerializer(event, context={"request": request}).data)

    @extend_schema(tags=[TAG], summary="Change an event (bumps its calendar SEQUENCE)",
                   request=AssociationEventPatchSerializer,
                   responses={200: AssociationEventSerializer, **error_responses(400, 403, 404)})
    def patch(self, request: Request, slug: str, event_id: int) -> Response:
        _association, event = _event(request, slug, event_id)
        if not services.may_manage(request.user, event):
            raise PermissionDenied(_("Only the association's officers or the event's author may change it."))
        data = _service_fields(dict(validated(AssociationEventPatchSerializer, request.data)))
        event = services.update_event(user=request.user, event=event, **data)
        return Response(AssociationEventSerializer(event, context={"request": request}).data)

    @extend_schema(tags=[TAG], summary="Cancel an event",
                   description="The event is kept, marked cancelled, so subscribed calendars drop it.",
                   responses={204: None, **error_responses(403, 404)})
    def delete(self, request: Request, slug: str, event_id: int) -> Response:
        _association, event = _event(request, slug, event_id)
        services.cancel_event(user=request.user, event=event)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EventRSVP(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Answer an event (replaces an earlier answer)",
                   request=EventRSVPInputSerializer,
                   responses={200: EventRSVPSerializer, **error_responses(400, 403, 404)})
    def put(self, request: Request, slug: str, event_id: int) -> Response:
        _association, event = _event(request, slug, event_id)
        data = validated(EventRSVPInputSerializer, request.data)
        answer = services.rsvp(user=request.user, event=event, **data)
        return Response(EventRSVPSerializer(answer).data)


class EventAttendees(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Who answered (officers)",
                   responses={200: EventAttendeesSerializer, **error_responses(403, 404)})
    def get(self, request: Request, slug: str, event_id: int) -> Response:
        association, event = _event(request, slug, event_id)
        if not is_officer(request.user, association):
            raise PermissionDenied(_("Only the association's officers see who answered."))
        return Response(EventAttendeesSerializer({"counts": selectors.rsvp_counts(event),
                                             "attendees": selectors.attendees(event)}).data)


urlpatterns = [
    path("associations/<slug:slug>/events/", EventList.as_view(), name="neighbourhood-events"),
    path("associations/<slug:slug>/events/<int:event_id>/", EventDetail.as_view(), name="neighbourhood-event"),
    path("associations/<slug:slug>/events/<int:event_id>/rsvp/", EventRSVP.as_view(),
         name="neighbourhood-event-rsvp"),
    path("associations/<slug:slug>/events/<int:event_id>/attendees/", EventAttendees.as_view(),
         name="neighbourhood-event-attendees"),
]
