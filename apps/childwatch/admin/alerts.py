"""Admin for school alerts: a read-only record (alerts are sent from the school pages only)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.childwatch.models import AlertReply, SchoolAlert


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class AlertReplyInline(ReadOnlyMixin, admin.TabularInline):
    model = AlertReply
    fields = ["guardian", "reply", "replied_at"]
    readonly_fields = fields
    extra = 0


@admin.register(SchoolAlert)
class SchoolAlertAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "school", "category", "scope", "priority", "created_at"]
    list_filter = ["category", "scope", "school"]
    search_fields = ["message__title", "school__name"]
    list_select_related = ["school", "message"]
    readonly_fields = ["school", "category", "scope", "grade", "school_class", "children", "message",
                       "replies_allowed", "sent_by", "created_at"]
    fields = readonly_fields
    inlines = [AlertReplyInline]

    @admin.display(description=_("title"), ordering="message__title")
    def title(self, alert: SchoolAlert) -> str:
        return alert.message.title if alert.message_id else ""

    @admin.display(description=_("priority"))
    def priority(self, alert: SchoolAlert) -> str:
        return alert.message.get_priority_display() if alert.message_id else ""
