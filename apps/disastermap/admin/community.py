"""Admin for community disaster maps: city staff set maps up, name editors and tidy features.

Photos and shapes entered here pass the same checks as on the site (real image content,
EXIF location removed, shape valid and near the district).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from apps.disastermap.models import CommunityFeature, CommunityMap
from apps.disastermap.services.community_input import check_geometry, clean_photo


class FeatureInline(admin.TabularInline):
    """An overview of a map's features; shapes are drawn on the feature's own page."""

    model = CommunityFeature
    extra = 0
    fields = ["title", "category", "status", "created_at"]
    readonly_fields = ["created_at"]
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # a feature needs a shape: add it on its own page or on the site


@admin.register(CommunityMap)
class CommunityMapAdmin(admin.ModelAdmin):
    list_display = ["name", "association_name", "district", "is_public", "updated_at"]
    list_filter = ["is_public", "district"]
    search_fields = ["name", "association_name"]
    filter_horizontal = ["editors"]
    list_select_related = ["district"]
    inlines = [FeatureInline]


class CommunityFeatureAdminForm(forms.ModelForm):
    class Meta:
        model = CommunityFeature
        fields = ["map", "category", "title", "note", "geometry", "photo", "status", "proposed_by", "decided_by",
                  "decided_at", "decline_reason"]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            try:
                return clean_photo(photo)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict.get("photo", exc.messages)) from None
        return photo

    def clean(self) -> dict:
        data = super().clean()
        community_map, geometry = data.get("map"), data.get("geometry")
        if community_map is not None and geometry is not None:
            try:
                check_geometry(community_map, geometry)
            except ValidationError as exc:
                self.add_error("geometry", exc.message_dict.get("geometry", exc.messages))
        return data


@admin.register(CommunityFeature)
class CommunityFeatureAdmin(LeafletGeoAdmin):
    form = CommunityFeatureAdminForm
    list_display = ["title", "map", "category", "status", "created_at", "decided_at"]
    list_filter = ["status", "category", "map"]
    search_fields = ["title", "note", "map__name"]
    list_select_related = ["map"]
    raw_id_fields = ["proposed_by", "decided_by"]
    readonly_fields = ["created_at"]
    fieldsets = [
        (None, {"fields": ["map", "category", "title", "note", "geometry", "photo"]}),
        (_("Decision"), {"fields": ["status", "proposed_by", "decided_by", "decided_at", "decline_reason",
                                    "created_at"]}),
    ]
