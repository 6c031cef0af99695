"""Admin: event types (with their two-person rule), receivers, sources; alerts read-only.

Alerts are composed and approved on the staff pages, where the services enforce the rules;
the admin only shows them.
"""

from django.contrib import admin

from apps.alerts.models import (
    Alert,
    EventType,
    ImportSource,
    TesterOptIn,
    WebhookAttempt,
    WebhookDelivery,
    WebhookReceiver,
)


@admin.register(EventType)
class EventTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "cap_category", "two_person_rule"]
    list_editable = ["two_person_rule"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ["headline", "msg_type", "cap_status", "state", "sent", "area_desc"]
    list_filter = ["state", "msg_type", "cap_status", "event_type"]
    search_fields = ["headline", "identifier"]
    exclude = ["area"]


@admin.register(WebhookReceiver)
class WebhookReceiverAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "active", "include_exercises"]


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "ok", "response_status", "error"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    list_display = ["alert", "receiver", "state", "attempts", "sent_at"]
    list_filter = ["state"]
    inlines = [AttemptInline]


@admin.register(ImportSource)
class ImportSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "policy", "feed_url", "active", "last_polled_at", "last_result"]
    readonly_fields = ["last_polled_at", "last_result"]


@admin.register(TesterOptIn)
class TesterOptInAdmin(ReadOnly):
    list_display = ["user", "since"]
