"""Admin for the imported layers: the gazetteer and hazard zones."""

from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from apps.disastermap.models import HazardZone, Place


@admin.register(Place)
class PlaceAdmin(LeafletGeoAdmin):
    list_display = ("postal_code", "name")
    search_fields = ("postal_code", "name")


@admin.register(HazardZone)
class HazardZoneAdmin(LeafletGeoAdmin):
    list_display = ("hazard", "level", "label", "name", "source", "imported_at")
    list_filter = ("hazard", "level", "source")
    search_fields = ("name", "label", "source")
    readonly_fields = ("imported_at",)
