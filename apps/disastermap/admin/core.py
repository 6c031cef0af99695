"""Admin for genres, facilities and shelters (status history is read-only: it is the record)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from apps.disastermap.models import Facility, Genre, Shelter, ShelterStatusChange


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "symbol", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(Facility)
class FacilityAdmin(LeafletGeoAdmin):
    list_display = ["name", "genre", "address", "is_public", "source", "updated_at"]
    list_filter = ["genre", "is_public", "wheelchair_toilet", "source"]
    search_fields = ["name", "name_kana", "address", "external_id"]
    list_select_related = ["genre"]


class StatusChangeInline(admin.TabularInline):
    model = ShelterStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["changed_at", "status", "headcount", "note", "changed_by", "message_id"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Shelter)
class ShelterAdmin(LeafletGeoAdmin):
    list_display = ["name", "status", "headcount", "capacity", "is_emergency_site", "is_designated_shelter",
                    "is_welfare_shelter", "status_changed_at"]
    list_filter = ["status", "is_emergency_site", "is_designated_shelter", "is_welfare_shelter",
                   "serves_flood", "serves_landslide", "serves_tsunami", "serves_earthquake"]
    search_fields = ["name", "name_kana", "address"]
    filter_horizontal = ["districts_served", "staff"]
    readonly_fields = ["status", "headcount", "status_changed_at"]
    inlines = [StatusChangeInline]
    fieldsets = [
        (None, {"fields": ["name", "name_kana", "name_en", "genre", "postal_code", "address", "location", "phone",
                           "url", "description", "is_public", "source", "external_id"]}),
        (_("Shelter type and hazards"), {"fields": [
            "is_emergency_site", "is_designated_shelter", "is_welfare_shelter", "serves_flood", "serves_landslide",
            "serves_storm_surge", "serves_earthquake", "serves_tsunami", "serves_large_fire", "serves_inland_flood",
            "serves_volcano", "capacity"]}),
        (_("Who is told and who reports"), {"fields": ["districts_served", "staff"]}),
        (_("Live status (changed from the shelter status page, so that residents are told)"),
         {"fields": ["status", "headcount", "status_changed_at"]}),
        (_("Accessibility"), {"fields": list(Facility.ACCESSIBILITY_FIELDS)}),
    ]


@admin.register(ShelterStatusChange)
class ShelterStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "shelter", "status", "headcount", "changed_by", "message_id"]
    list_filter = ["status"]
    readonly_fields = ["shelter", "status", "headcount", "note", "changed_by", "changed_at", "message_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
