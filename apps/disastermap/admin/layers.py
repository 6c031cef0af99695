"""Admin for incidents, river gauges and people who need help.

- A gauge's device secret is never on a form or a page: it is shown once, on the page that
  answers the creation of the station or the "rotate secret" action, and never again.
- People who need help are invisible (not even listed in the admin index) to anyone without
  `disastermap.view_personneedinghelp`, including city staff who use the admin every day;
  every list or record opened here is written to the access log like any other read.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from apps.accounts.models import User
from apps.accounts.roles import CITY_STAFF_ROLES
from apps.disastermap.models import (
    Incident,
    PersonNeedingHelp,
    WaterLevelReading,
    WaterLevelStation,
)
from apps.disastermap.selectors.support import VIEW_PERMISSION, log_access
from apps.disastermap.services import incidents as incident_services
from apps.disastermap.services.water import TIMESTAMP_HEADER, rotate_device_secret

# --- incidents ---------------------------------------------------------------------------


class IncidentAdminForm(forms.ModelForm):
    """The admin obeys the same rules as the pages and the API: near the city, not in the future."""

    class Meta:
        model = Incident
        fields = ["kind", "title", "description", "occurred_at", "location", "is_public", "source"]

    def clean(self) -> dict:
        data = super().clean()
        location = data.get("location")
        try:
            if location is not None:
                incident_services.check_location(lat=location.y, lon=location.x)
            if data.get("occurred_at") and data["occurred_at"] > timezone.now() + incident_services.FUTURE_TOLERANCE:
                raise ValidationError({"occurred_at": _("The time is in the future.")})
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    self.add_error(field if field in self.fields else None, error)
        return data


@admin.register(Incident)
class IncidentAdmin(LeafletGeoAdmin):
    form = IncidentAdminForm
    list_display = ["title", "kind", "occurred_at", "is_public", "source"]
    list_filter = ["kind", "is_public", "source"]
    search_fields = ["title", "description"]
    date_hierarchy = "occurred_at"
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: Incident, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


# --- water levels ------------------------------------------------------------------------


class RecentReadingInline(admin.TabularInline):
    """The last two days; the station page and its table show the same."""

    model = WaterLevelReading
    extra = 0
    can_delete = False
    fields = readonly_fields = ["measured_at", "level", "stage", "received_at"]
    ordering = ["-measured_at"]
    verbose_name_plural = _("readings of the last 48 hours")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).filter(measured_at__gte=timezone.now() - dt.timedelta(hours=48))

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _secret_page(request: HttpRequest, stations: list[WaterLevelStation], *, rotated: bool) -> HttpResponse:
    response = TemplateResponse(request, "disastermap/layers/admin_device_secret.html", {
        **admin.site.each_context(request),
        "title": _("Device secret"), "stations": stations, "rotated": rotated,
        "timestamp_header": TIMESTAMP_HEADER,
    })
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    return response


@admin.action(description=_("Rotate the device secret (shows the new one once)"),
              permissions=["change"])
def rotate_secret(modeladmin, request: HttpRequest, queryset) -> HttpResponse:
    stations = list(queryset.order_by("code"))
    for station in stations:
        rotate_device_secret(station=station)
    return _secret_page(request, stations, rotated=True)


@admin.register(WaterLevelStation)
class WaterLevelStationAdmin(LeafletGeoAdmin):
    list_display = ["code", "river", "name", "current_stage", "latest_level", "latest_at", "alert_sender"]
    list_filter = ["river", "current_stage"]
    search_fields = ["code", "name", "river"]
    filter_horizontal = ["districts_to_warn"]
    readonly_fields = ["current_stage", "latest_level", "latest_at", "stage_changed_at", "last_warning_at",
                       "last_warning_message_id"]
    fieldsets = [
        (None, {"fields": ["code", "name", "river", "location"]}),
        (_("Thresholds (m)"), {"fields": ["standby_level", "caution_level", "evacuation_level", "danger_level"]}),
        (_("Warnings to residents"), {"fields": ["notify_from_stage", "districts_to_warn", "alert_sender"]}),
        (_("Now"), {"fields": readonly_fields}),
    ]
    inlines = [RecentReadingInline]
    actions = [rotate_secret]

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "alert_sender":
            # Only city staff can send city messages; offering anyone else would fail silently later.
            kwargs["queryset"] = User.objects.filter(groups__name__in=CITY_STAFF_ROLES, is_active=True).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset.defer("device_secret"), search_term)

    def response_add(self, request: HttpRequest, obj: WaterLevelStation, post_url_continue=None) -> HttpResponse:
        # The one time the secret appears: the answer to the creation itself, never stored in a message.
        return _secret_page(request, [obj], rotated=False)


# --- people who need help ----------------------------------------------------------------


class NeedsViewPermission:
    """Hidden from the admin index and every page unless the user holds the view permission."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.has_perm(VIEW_PERMISSION)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.has_perm(VIEW_PERMISSION)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_view_permission(request, obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request) and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_view_permission(request, obj) and super().has_delete_permission(request, obj)


@admin.register(PersonNeedingHelp)
class PersonNeedingHelpAdmin(NeedsViewPermission, LeafletGeoAdmin):
    list_display = ["full_name", "district", "address", "consent_given_on", "updated_at"]
    list_filter = ["district"]
    search_fields = ["full_name", "address"]
    filter_horizontal = ["supporters"]
    list_select_related = ["district"]

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if self.has_view_permission(request) and getattr(response, "context_data", None):
            changelist = response.context_data.get("cl")
            if changelist is not None:
                log_access(user=request.user, what="admin list", count=len(changelist.result_list))
        return response

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.has_view_permission(request) and request.method == "GET":
            log_access(user=request.user, what=f"admin person #{object_id}", count=1)
        return response
