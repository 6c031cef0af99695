"""Residents' side: the inbox, its unread count and how they want to be reached."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.accounts.selectors import profile_of
from apps.notifications import selectors, services
from apps.notifications.api.common import StrictSerializer, error_responses, validated
from apps.notifications.choices import Category, Priority
from apps.notifications.models import Delivery, ResidentPreferences

TAG = "notifications: residents"
# Channels a resident may switch; the inbox is always on.
SWITCHABLE_CHANNELS = ("email", "line", "webpush", "sms")
AGE_BANDS = ResidentPreferences._meta.get_field("age_band").choices


# --- inbox ------------------------------------------------------------------------------

class InboxQuerySerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices, required=False,
                                       help_text=_("Only messages of this category."))
    q = serializers.CharField(max_length=100, required=False, help_text=_("Words in the title or body."))
    unread = serializers.BooleanField(required=False, default=False, help_text=_("true: only unread messages."))


class InboxItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The message id."))
    title = serializers.CharField(help_text=_("In the reader's preferred language when the sender wrote one."))
    body = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    organisation_name = serializers.CharField()
    link_url = serializers.URLField(allow_blank=True)
    created_at = serializers.DateTimeField()
    read = serializers.BooleanField()


def _inbox_item(row: Delivery, language: str, *, read: bool | None = None) -> dict:
    message = row.message
    title, body = message.text_for(language)
    return {
        "id": message.id,
        "title": title,
        "body": body,
        "category": message.category,
        "priority": message.priority,
        "organisation_name": message.organisation_name,
        "link_url": message.link_url,
        "created_at": message.created_at,
        "read": row.read_at is not None if read is None else read,
    }


def _language(user: User) -> str:
    return profile_of(user).preferred_language


class InboxView(GenericAPIView):
    """The signed-in resident's messages, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = InboxItemSerializer

    @extend_schema(tags=[TAG], parameters=[InboxQuerySerializer], responses={
        200: InboxItemSerializer(many=True), **error_responses(400, 401)})
    def get(self, request: Request) -> Response:
        query = validated(InboxQuerySerializer, request.query_params)
        rows = selectors.inbox(request.user, category=query.get("category"), search=query.get("q"),
                               unread_only=query["unread"])
        page = self.paginate_queryset(rows)
        language = _language(request.user)
        return self.get_paginated_response(
            InboxItemSerializer([_inbox_item(row, language) for row in page], many=True).data)


class InboxDetailView(APIView):
    """One message of the resident's inbox; reading it marks it read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses={200: InboxItemSerializer, **error_responses(401, 404)})
    def get(self, request: Request, message_id: int) -> Response:
        row = selectors.inbox_entry(request.user, message_id)
        if row is None:
            raise NotFound(_("There is no such message in your inbox."))
        services.open_inbox_message(user=request.user, message=row.message)
        return Response(InboxItemSerializer(_inbox_item(row, _language(request.user), read=True)).data)


class ReadAllResultSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text=_("How many messages were unread until now."))
    unread_count = serializers.IntegerField()


class InboxReadAllView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=None, responses={200: ReadAllResultSerializer, **error_responses(401)})
    def post(self, request: Request) -> Response:
        """Mark every message in the inbox read."""
        marked = services.mark_all_read(user=request.user)
        return Response(ReadAllResultSerializer(
            {"marked_read": marked, "unread_count": selectors.unread_count(request.user)}).data)


class UnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()


class UnreadCountView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses={200: UnreadCountSerializer, **error_responses(401)})
    def get(self, request: Request) -> Response:
        """How many inbox messages the resident has not opened (for a badge)."""
        return Response(UnreadCountSerializer({"unread_count": selectors.unread_count(request.user)}).data)


# --- preferences ------------------------------------------------------------------------

class ChannelSwitchesSerializer(StrictSerializer):
    email = serializers.BooleanField(required=False)
    line = serializers.BooleanField(required=False)
    webpush = serializers.BooleanField(required=False, help_text=_("Browser notifications."))
    sms = serializers.BooleanField(required=False, help_text=_("Needs phone_number; only for urgent messages."))


# Spelt out so that drf-spectacular does not name this choice set a second time
# ("CategoriesEnum" next to "CategoryEnum"), which `spectacular --fail-on-warn` refuses.
@extend_schema_field({"type": "array", "items": {"allOf": [{"type": "string", "enum": Category.values}]}})
class CategoryListField(serializers.ListField):
    pass


class PreferencesSerializer(StrictSerializer):
    channels = ChannelSwitchesSerializer(
        required=False, help_text=_("Which channels besides the inbox (always on) to use; omitted ones stay."))
    phone_number = serializers.CharField(max_length=20, allow_blank=True, required=False)
    quiet_start = serializers.TimeField(format="%H:%M", input_formats=["%H:%M"], allow_null=True, required=False,
                                        help_text=_("HH:MM in Japan time; null with quiet_end for none."))
    quiet_end = serializers.TimeField(format="%H:%M", input_formats=["%H:%M"], allow_null=True, required=False,
                                      help_text=_("HH:MM in Japan time."))
    age_band = serializers.ChoiceField(choices=AGE_BANDS, allow_blank=True, required=False)
    household_with_children = serializers.BooleanField(allow_null=True, required=False)
    categories = CategoryListField(
        child=serializers.ChoiceField(choices=Category.choices), allow_empty=True, required=False,
        help_text=_("The categories to receive; emergencies in your area arrive regardless."))


def _preferences(user: User) -> dict:
    prefs = services.preferences_of(user)
    return {
        "channels": {channel: getattr(prefs, f"{channel}_enabled") for channel in SWITCHABLE_CHANNELS},
        "phone_number": prefs.phone_number,
        "quiet_start": prefs.quiet_start,
        "quiet_end": prefs.quiet_end,
        "age_band": prefs.age_band,
        "household_with_children": prefs.household_with_children,
        # Read through the user's own relation: nobody else's subscriptions are reachable here.
        "categories": sorted(selectors.topics_of(user)),
    }


class PreferencesView(APIView):
    """How the signed-in resident wants to be reached."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(tags=[TAG], responses={200: PreferencesSerializer, **error_responses(401)})
    def get(self, request: Request) -> Response:
        return Response(PreferencesSerializer(_preferences(request.user)).data)

    @extend_schema(tags=[TAG], request=PreferencesSerializer,
                   responses={200: PreferencesSerializer, **error_responses(400, 401)})
    def patch(self, request: Request) -> Response:
        """Change only the fields given."""
        data = dict(validated(PreferencesSerializer, request.data, partial=True))
        changes = {f"{channel}_enabled": on for channel, on in data.pop("channels", {}).items()}
        categories = data.pop("categories", None)
        changes.update(data)
        # Both or neither: a refused phone number must not leave the topics half changed.
        with transaction.atomic():
            if changes:
                services.update_preferences(user=request.user, **changes)
            if categories is not None:
                services.set_topics(user=request.user, categories=categories)
        return Response(PreferencesSerializer(_preferences(request.user)).data)
