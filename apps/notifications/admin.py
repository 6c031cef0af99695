"""The admin for notifications: a read-only window on messages and the ledger.

Sending, approving and cancelling go through the compose and sent pages (and their
services), never through the admin. Rows about residents show their user id, not their
email address or other contact details. Outbound webhooks are the one thing managed here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from apps.notifications import selectors
from apps.notifications.choices import Category, Channel
from apps.notifications.models import (
    Delivery,
    LineLink,
    Message,
    MessageVariant,
    PushSubscription,
    ResidentPreferences,
    TopicSubscription,
    WebhookDelivery,
    WebhookEndpoint,
)
from apps.notifications.selectors import public_reason

FIGURE_COLUMNS = {
    "total": _("Total"), "waiting": _("Waiting"), "sent": _("Sent"), "delivered": _("Delivered"), "read": _("Read"),
    "failed": _("Failed"),
}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never touch: these rows are written by the services only."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MessageVariantInline(admin.TabularInline):
    model = MessageVariant
    fields = ["language", "title", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["title", "category", "priority", "status", "organisation_name", "recipient_count", "created_at"]
    list_filter = ["status", "category", "priority", "organisation_kind"]
    search_fields = ["title", "body"]
    date_hierarchy = "created_at"
    inlines = [MessageVariantInline]
    readonly_fields = ["delivery_figures", "sender_page"]
    fieldsets = [
        (None, {"fields": ["title", "body", "category", "priority", "link_url", "image"]}),
        (_("Sender"), {"fields": ["organisation_kind", "organisation_id", "organisation_name", "created_by",
                                  "created_at"]}),
        (_("Audience"), {"fields": ["audience_summary", "audience", "recipient_count"]}),
        (_("State"), {"fields": ["status", "needs_approval", "approved_by", "approved_at", "cancelled_by",
                                 "scheduled_at", "expires_at", "fanout_started_at", "fanout_finished_at",
                                 "sender_page"]}),
        (_("Delivery figures"), {"fields": ["delivery_figures"]}),
    ]

    @admin.display(description=_("delivery figures per channel"))
    def delivery_figures(self, obj: Message) -> str:
        counts = selectors.delivery_counts(obj)
        if not counts["channels"]:
            return _("Nothing delivered yet.")
        head = format_html_join("", "<th scope=\"col\">{}</th>", [(label,) for label in FIGURE_COLUMNS.values()])
        columns = list(FIGURE_COLUMNS)
        rows = format_html_join(
            "", "<tr><th scope=\"row\">{}</th>{}</tr>",
            [(dict(Channel.choices).get(channel, channel),
              format_html_join("", "<td>{}</td>", [(selectors.summarise(by_status)[c],) for c in columns]))
             for channel, by_status in counts["channels"].items()],
        )
        return format_html("<table><thead><tr><th scope=\"col\">{}</th>{}</tr></thead><tbody>{}</tbody></table>",
                           _("Channel"), head, rows)

    @admin.display(description=_("sender's page"))
    def sender_page(self, obj: Message) -> str:
        if obj.organisation_kind != "department":
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("notifications:sent_detail", args=[obj.id]),
                           _("Open the sent message page"))


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "message_title", "recipient_number", "channel", "status", "segment", "attempts",
                    "queued_at", "sent_at", "read_at"]
    list_filter = ["channel", "status"]
    search_fields = ["message__title"]
    list_select_related = ["message"]
    show_full_result_count = False  # the ledger is large; counting it all on every page is slow
    fields = ["message", "recipient_number", "channel", "status", "segment", "attempts", "reason",
              "provider_id", "queued_at", "claimed_at", "sent_at", "delivered_at", "read_at", "clicked_at"]
    readonly_fields = fields

    @admin.display(description=_("message"), ordering="message__title")
    def message_title(self, obj: Delivery) -> str:
        return obj.message.title

    @admin.display(description=_("recipient id"), ordering="recipient_id")
    def recipient_number(self, obj: Delivery) -> int:
        return obj.recipient_id

    @admin.display(description=_("error"))
    def reason(self, obj: Delivery) -> str:
        return public_reason(obj.error)


class ByUserId:
    """Residents appear by their user id only."""

    @admin.display(description=_("user id"), ordering="user_id")
    def user_number(self, obj) -> int:
        return obj.user_id


@admin.register(ResidentPreferences)
class ResidentPreferencesAdmin(ByUserId, ReadOnlyAdmin):
    list_display = ["user_number", "email_enabled", "line_enabled", "webpush_enabled", "sms_enabled", "quiet_start",
                    "quiet_end", "age_band", "household_with_children", "updated_at"]
    list_filter = ["email_enabled", "line_enabled", "webpush_enabled", "sms_enabled", "age_band",
                   "household_with_children"]
    fields = ["user_number", "email_enabled", "line_enabled", "webpush_enabled", "sms_enabled", "quiet_start",
              "quiet_end", "age_band", "household_with_children", "updated_at"]
    readonly_fields = fields


@admin.register(TopicSubscription)
class TopicSubscriptionAdmin(ByUserId, ReadOnlyAdmin):
    list_display = ["user_number", "category"]
    list_filter = ["category"]
    fields = ["user_number", "category"]
    readonly_fields = fields


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ByUserId, ReadOnlyAdmin):
    # The endpoint is a capability URL and the keys are secrets: only the push service's host is shown.
    list_display = ["user_number", "push_service", "user_agent", "created_at"]
    fields = ["user_number", "push_service", "user_agent", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("push service"))
    def push_service(self, obj: PushSubscription) -> str:
        return urlsplit(obj.endpoint).hostname or ""


@admin.register(LineLink)
class LineLinkAdmin(ByUserId, ReadOnlyAdmin):
    list_display = ["user_number", "following", "linked_at"]
    list_filter = ["following"]
    fields = ["user_number", "following", "linked_at"]
    readonly_fields = fields


class WebhookEndpointForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("categories"), choices=Category.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means every category."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "categories", "minimum_priority", "active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if urlsplit(url).scheme not in ("https", "http"):
            raise forms.ValidationError(_("Give an address starting with https:// or http://."))
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "minimum_priority", "active", "created_at"]
    list_filter = ["active", "minimum_priority"]
    search_fields = ["name", "url"]
    base_fields = ["name", "url", "categories", "minimum_priority", "active"]

    def get_fields(self, request, obj=None) -> list[str]:
        # The secret is generated on creation and shown only when an endpoint is opened.
        return [*self.base_fields, "secret", "created_at"] if obj else list(self.base_fields)

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return ["secret", "created_at"] if obj else []


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["message", "endpoint", "status", "attempts", "response_status", "sent_at"]
    list_filter = ["status", "endpoint"]
    search_fields = ["message__title", "endpoint__name"]
    list_select_related = ["message", "endpoint"]
