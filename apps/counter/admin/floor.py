"""Admin for counter queues and windows; tickets are read here and moved on the floor page."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from apps.counter.models import CounterWindow, FloorQueue, Ticket


class CounterWindowInline(admin.TabularInline):
    model = CounterWindow
    extra = 1


@admin.register(FloorQueue)
class FloorQueueAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "department", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["code", "name", "name_en"]
    inlines = [CounterWindowInline]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["date", "queue", "number", "state", "window", "issued_at", "called_at", "finished_at"]
    list_filter = ["queue", "state", "date"]
    date_hierarchy = "date"
    list_select_related = ["queue", "window"]
    readonly_fields = ["queue", "date", "number", "issued_at", "issued_by", "handled_by", "called_at",
                       "serving_at", "finished_at"]
    raw_id_fields = ["resident"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Numbers come only from the floor page or the API, which keep them unique per day.
        return False
