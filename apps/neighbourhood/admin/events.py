"""Admin for events and their answers. Answers are the members' own record: read-only here."""

from __future__ import annotations

from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from apps.neighbourhood.models import RSVP, Event, EventFeedKey


class RSVPInline(admin.TabularInline):
    model = RSVP
    extra = 0
    fields = ["user", "answer", "guests", "updated_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(LeafletGeoAdmin):
    list_display = ["title", "association", "starts_at", "visibility", "status", "cancelled_at", "capacity"]
    list_filter = ["status", "visibility", "association"]
    search_fields = ["title", "place", "description"]
    list_select_related = ["association"]
    raw_id_fields = ["author"]
    readonly_fields = ["uid", "sequence", "message_id", "created_at", "updated_at"]
    date_hierarchy = "starts_at"
    inlines = [RSVPInline]

    def save_model(self, request, obj, form, change) -> None:
        if change and form.changed_data:
            obj.sequence += 1  # calendars only take a change with a higher SEQUENCE
        super().save_model(request, obj, form, change)


@admin.register(EventFeedKey)
class EventFeedKeyAdmin(admin.ModelAdmin):
    list_display = ["membership", "generation"]
    raw_id_fields = ["membership"]
