"""Admin for report services (Open311 services and their definitions), reports and Open311 API keys."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from leaflet.admin import LeafletGeoAdmin

from apps.counter.models import Open311ApiKey, ReportService, ReportServiceAttribute, ReportUpdate, ResidentReport
from apps.counter.open311.keys import digest_of


class AttributeInline(admin.StackedInline):
    model = ReportServiceAttribute
    extra = 0


@admin.register(ReportService)
class ReportServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "department", "is_active"]
    list_filter = ["group", "department", "is_active"]
    search_fields = ["code", "name", "name_en", "keywords"]
    inlines = [AttributeInline]


class ReportUpdateInline(admin.TabularInline):
    model = ReportUpdate
    extra = 0
    readonly_fields = ["status", "note", "department", "created_by", "created_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ResidentReport)
class ResidentReportAdmin(LeafletGeoAdmin):
    list_display = ["id", "requested_at", "service", "department", "status", "source"]
    list_filter = ["status", "service", "department", "source"]
    date_hierarchy = "requested_at"
    search_fields = ["description", "address_string"]
    list_select_related = ["service", "department"]
    readonly_fields = ["reporter", "reporter_email", "reporter_name", "reporter_phone", "api_key", "source",
                       "requested_at", "updated_at", "status", "photo", "media_url"]
    inlines = [ReportUpdateInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Reports come through the form or Open311, which check them and tell the reporter.
        return False


@admin.register(Open311ApiKey)
class Open311ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    fields = ["name", "is_active", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]

    def save_model(self, request: HttpRequest, obj: Open311ApiKey, form, change: bool) -> None:
        if not change:
            import secrets

            plain = secrets.token_urlsafe(32)
            obj.prefix, obj.digest = plain[:8], digest_of(plain)
            messages.warning(request, _("The new API key is %(key)s — copy it now: it is not shown again.")
                             % {"key": plain})
        super().save_model(request, obj, form, change)
