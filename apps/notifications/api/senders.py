"""Senders' side: city staff (and city systems signed in as staff) compose and follow messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.accounts.selectors import roles_of
from apps.notifications import selectors, services
from apps.notifications.api.common import AwareDateTimeField, StrictSerializer, error_responses, validated
from apps.notifications.audiences import kinds, parse_audience
from apps.notifications.choices import Category, Priority
from apps.notifications.models import Message

TAG = "notifications: senders"

AUDIENCE_SCHEMA = {
    "type": "object",
    "description": "Segments joined by “any” (union) or “all” (intersection); see /segment-kinds/ for kinds. "
                   "Example: {\"segments\": [{\"kind\": \"district\", \"ids\": [3, 4]}]}",
    "properties": {
        "match": {"type": "string", "enum": ["any", "all"], "default": "any"},
        "segments": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"kind": {"type": "string"}},
                "required": ["kind"],
                "additionalProperties": True,
            },
        },
    },
    "required": ["segments"],
}


class IsCitySender(BasePermission):
    """City staff and system administrators send city messages; anonymous callers get 401."""

    message = _("Only city staff can send city messages.")

    def has_permission(self, request: Request, view) -> bool:
        return bool(roles_of(request.user) & services.STAFF_ROLES)


@extend_schema_field(AUDIENCE_SCHEMA)
class AudienceField(serializers.JSONField):
    """Checked with the same parser the fan-out uses, so a bad audience never gets stored."""

    def to_internal_value(self, data) -> dict:
        data = super().to_internal_value(data)
        try:
            parse_audience(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                [m for messages in exc.message_dict.values() for m in messages]) from None
        return data


class VariantTextSerializer(StrictSerializer):
    title = serializers.CharField(max_length=services.TITLE_LIMIT)
    body = serializers.CharField(max_length=services.LINE_TEXT_LIMIT)


class VariantsSerializer(StrictSerializer):
    en = VariantTextSerializer(required=False, help_text=_("The English version."))


class AudienceRequestSerializer(StrictSerializer):
    audience = AudienceField()
    category = serializers.ChoiceField(choices=Category.choices)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)


class MessageCreateSerializer(AudienceRequestSerializer):
    title = serializers.CharField(max_length=services.TITLE_LIMIT, help_text=_("In Japanese."))
    body = serializers.CharField(
        max_length=services.LINE_TEXT_LIMIT,
        help_text=_("In Japanese; title, body and link together must fit in one LINE message."))
    variants = VariantsSerializer(required=False)
    link_url = serializers.URLField(max_length=500, allow_blank=True, required=False, default="")
    scheduled_at = AwareDateTimeField(required=False, allow_null=True, default=None,
                                      help_text=_("ISO 8601 with offset; empty sends now."))
    expires_at = AwareDateTimeField(required=False, allow_null=True, default=None,
                                    help_text=_("ISO 8601 with offset; not delivered after this."))


class SentMessageSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    approved_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    variants = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "title", "body", "variants", "category", "priority", "status", "needs_approval",
                  "organisation_kind", "organisation_name", "link_url", "audience", "audience_summary",
                  "scheduled_at", "expires_at", "created_at", "created_by", "approved_at", "approved_by",
                  "fanout_started_at", "fanout_finished_at", "recipient_count"]
        read_only_fields = fields

    @extend_schema_field(VariantsSerializer)
    def get_variants(self, message: Message) -> dict:
        return {v.language: {"title": v.title, "body": v.body} for v in message.variants.all()}


class DeliverySummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    waiting = serializers.IntegerField(help_text=_("Queued, sending or waiting for quiet hours to end."))
    sent = serializers.IntegerField(help_text=_("Sent, including delivered and read."))
    delivered = serializers.IntegerField(help_text=_("Delivered, including read."))
    read = serializers.IntegerField()
    failed = serializers.IntegerField()


class ChannelReportSerializer(DeliverySummarySerializer):
    by_status = serializers.DictField(child=serializers.IntegerField(), help_text=_("Rows in each state."))


class FailureSerializer(serializers.Serializer):
    channel = serializers.CharField()
    error = serializers.CharField()
    count = serializers.IntegerField()


class DeliveryReportSerializer(serializers.Serializer):
    channels = serializers.DictField(child=ChannelReportSerializer())
    segments = serializers.DictField(child=DeliverySummarySerializer(), help_text=_("Keyed by segment label."))
    failures = FailureSerializer(many=True, help_text=_("The most frequent reasons, at most 20."))


class SentMessageDetailSerializer(SentMessageSerializer):
    deliveries = serializers.SerializerMethodField()

    class Meta(SentMessageSerializer.Meta):
        fields = [*SentMessageSerializer.Meta.fields, "deliveries"]
        read_only_fields = fields

    @extend_schema_field(DeliveryReportSerializer)
    def get_deliveries(self, message: Message) -> dict:
        counts = selectors.delivery_counts(message)
        return DeliveryReportSerializer({
            "channels": {channel: {**selectors.summarise(c), "by_status": c}
                         for channel, c in counts["channels"].items()},
            "segments": {segment: selectors.summarise(c) for segment, c in counts["segments"].items()},
            "failures": [{"channel": f["channel"], "error": f["error"], "count": f["n"]}
                         for f in counts["failures"]],
        }).data


class PreviewSerializer(serializers.Serializer):
    recipients = serializers.IntegerField()
    channels = serializers.DictField(child=serializers.IntegerField(), help_text=_("Recipients per channel."))
    needs_approval = serializers.BooleanField()
    audience = serializers.CharField(help_text=_("The audience in words."))
    line_messages = serializers.IntegerField()
    line_cost_yen = serializers.FloatField()


class SegmentKindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()


def _sent_message(user: User, message_id: int) -> Message:
    message = selectors.sent_messages(user).prefetch_related("variants").filter(id=message_id).first()
    if message is None:
        raise NotFound(_("There is no such message among the ones you may see."))
    return message


class SenderView(APIView):
    permission_classes = [IsCitySender]
    parser_classes = [JSONParser]


class MessagesView(GenericAPIView):
    permission_classes = [IsCitySender]
    parser_classes = [JSONParser]
    serializer_class = SentMessageSerializer

    @extend_schema(tags=[TAG], responses={200: SentMessageSerializer(many=True), **error_responses(401, 403)})
    def get(self, request: Request) -> Response:
        """Messages the caller may follow: city staff see every city department's."""
        page = self.paginate_queryset(selectors.sent_messages(request.user).prefetch_related("variants"))
        return self.get_paginated_response(SentMessageSerializer(page, many=True).data)

    @extend_schema(tags=[TAG], request=MessageCreateSerializer,
                   responses={201: SentMessageSerializer, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        """Publish a message. It is checked completely before anything is stored or queued."""
        data = validated(MessageCreateSerializer, request.data)
        message = services.publish(sender=request.user, **data)
        return Response(SentMessageSerializer(message).data, status=201)


class PreviewView(SenderView):
    @extend_schema(tags=[TAG], request=AudienceRequestSerializer,
                   responses={200: PreviewSerializer, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        """How many people, on which channels, a message would reach. Nothing is stored."""
        data = validated(AudienceRequestSerializer, request.data)
        return Response(PreviewSerializer(services.preview(sender=request.user, **data)).data)


class MessageDetailView(SenderView):
    @extend_schema(tags=[TAG], responses={200: SentMessageDetailSerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, message_id: int) -> Response:
        """A message with its delivery counts per channel and per segment."""
        return Response(SentMessageDetailSerializer(_sent_message(request.user, message_id)).data)


class ApproveView(SenderView):
    @extend_schema(tags=[TAG], request=None,
                   responses={200: SentMessageSerializer, **error_responses(400, 401, 403, 404)})
    def post(self, request: Request, message_id: int) -> Response:
        """Let a message waiting for approval go; the author may not approve their own."""
        message = services.approve(message=_sent_message(request.user, message_id), approver=request.user)
        return Response(SentMessageSerializer(message).data)


class CancelView(SenderView):
    @extend_schema(tags=[TAG], request=None,
                   responses={200: SentMessageSerializer, **error_responses(400, 401, 403, 404)})
    def post(self, request: Request, message_id: int) -> Response:
        """Stop a message that has not started sending (waiting for approval or scheduled)."""
        message = services.cancel(message=_sent_message(request.user, message_id), user=request.user)
        return Response(SentMessageSerializer(message).data)


class SegmentKindsView(SenderView):
    @extend_schema(tags=[TAG], responses={200: SegmentKindSerializer(many=True), **error_responses(401, 403)})
    def get(self, request: Request) -> Response:
        """The kinds of segment an audience can be built from."""
        rows = [{"kind": kind.kind, "label": str(kind.label)} for kind in sorted(kinds().values(),
                                                                                  key=lambda k: k.kind)]
        return Response(SegmentKindSerializer(rows, many=True).data)
