"""Admin for inquiries (read and correct) and FAQ entries (edit, hide)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from apps.counter.models import FaqEntry, Inquiry


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "department", "status", "answered_at"]
    list_filter = ["status", "department"]
    search_fields = ["subject", "body"]
    date_hierarchy = "created_at"
    list_select_related = ["department"]
    readonly_fields = ["asker", "asker_email", "asker_name", "drafted_by", "approved_by", "answered_at",
                       "reply_message_id", "created_at", "updated_at", "answer", "status"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Approval and the reply happen on the inquiry desk, never by editing here.
        return False


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ["question", "department", "is_published", "published_at"]
    list_filter = ["is_published", "department"]
    search_fields = ["question", "answer"]
    readonly_fields = ["inquiry", "published_by", "published_at"]
