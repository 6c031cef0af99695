"""Admin for safety checks: the answers are shown read-only (they belong to the people who gave them)."""

from django.contrib import admin

from apps.neighbourhood.models import SafetyAnswer, SafetyCheck


class SafetyAnswerInline(admin.TabularInline):
    model = SafetyAnswer
    fields = ["user", "status", "note", "answered_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SafetyCheck)
class SafetyCheckAdmin(admin.ModelAdmin):
    list_display = ["title", "association", "started_by", "started_at", "closed_at"]
    list_filter = ["closed_at"]
    search_fields = ["title", "association__name"]
    readonly_fields = ["started_by", "started_at", "message_id"]
    autocomplete_fields: list[str] = []
    filter_horizontal = ["districts"]
    inlines = [SafetyAnswerInline]
    list_select_related = ["association", "started_by"]
