"""Admin for bulletins, read confirmations, comments and moderation reports.

Attachments are listed, not uploaded, here: uploads go through the site, where their content
is checked. Reads and reports are the record and stay read-only.
"""

from __future__ import annotations

from django.contrib import admin

from apps.neighbourhood.models import Attachment, Bulletin, BulletinRead, Comment, ModerationReport


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "content_type", "size"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ["title", "association", "kind", "category", "visibility", "status", "pinned", "published_at"]
    list_filter = ["kind", "status", "visibility", "category", "association"]
    search_fields = ["title", "body"]
    list_select_related = ["association"]
    raw_id_fields = ["author"]
    readonly_fields = ["created_at", "updated_at", "published_at", "message_id", "reminded_at",
                       "reminder_message_id"]
    date_hierarchy = "published_at"
    inlines = [AttachmentInline]


@admin.register(BulletinRead)
class BulletinReadAdmin(admin.ModelAdmin):
    list_display = ["bulletin", "user", "read_at"]
    list_select_related = ["bulletin", "user"]
    search_fields = ["bulletin__title"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "target_type", "target_id", "author", "created_at", "hidden"]
    list_filter = ["hidden", "target_type"]
    search_fields = ["body"]
    raw_id_fields = ["author", "hidden_by"]
    readonly_fields = ["target_type", "target_id", "author", "created_at"]


@admin.register(ModerationReport)
class ModerationReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "association", "network", "target_type", "created_at", "resolved_at"]
    list_filter = ["association", "network", "target_type"]
    raw_id_fields = ["reporter", "resolved_by"]
    readonly_fields = ["target_type", "target_id", "association", "network", "reporter", "reason", "created_at"]
