from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from apps.geo.models import City, District, SchoolDistrict


@admin.register(City)
class CityAdmin(LeafletGeoAdmin):
    list_display = ["code", "name", "name_en", "district_count"]
    search_fields = ["code", "name", "name_en"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_districts=Count("districts"))

    @admin.display(description=_("districts"), ordering="n_districts")
    def district_count(self, obj: City) -> int:
        return obj.n_districts


@admin.register(District)
class DistrictAdmin(LeafletGeoAdmin):
    list_display = ["code", "name", "name_kana", "name_en", "city"]
    list_filter = ["city"]
    search_fields = ["code", "name", "name_kana", "name_en"]
    list_select_related = ["city"]


@admin.register(SchoolDistrict)
class SchoolDistrictAdmin(LeafletGeoAdmin):
    list_display = ["code", "name", "school_name", "city"]
    list_filter = ["city"]
    search_fields = ["code", "name", "school_name", "name_en"]
    list_select_related = ["city"]
