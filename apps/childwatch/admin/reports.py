"""Admin for suspicious-person reports. New reports go through the school page or the API, which
also put them on the map and tell guardians; here they can be read and corrected."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from leaflet.admin import LeafletGeoAdmin

from apps.childwatch.models import SuspiciousPersonReport


@admin.register(SuspiciousPersonReport)
class SuspiciousPersonReportAdmin(LeafletGeoAdmin):
    list_display = ["occurred_at", "category", "place_description", "school", "reported_by", "message_id",
                    "incident_id"]
    list_filter = ["category", "school"]
    search_fields = ["place_description", "description", "suspect_description"]
    date_hierarchy = "occurred_at"
    readonly_fields = ["school", "reported_by", "created_at", "message_id", "incident_id", "school_districts"]
    list_select_related = ["school", "reported_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Adding here would skip the map and the guardians' message: use the school page.
        return False
