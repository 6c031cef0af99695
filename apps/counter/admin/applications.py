"""Admin for applications (read-only: they move only through the counter services, one transaction each)."""

from __future__ import annotations

from django.contrib import admin

from apps.counter.models import (
    Application,
    ApplicationEvent,
    ApplicationStep,
    Attachment,
    LifeEventPlan,
    LifeEventPlanItem,
    Payment,
    ReceiptCounter,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class StepInline(ReadOnlyMixin, admin.TabularInline):
    model = ApplicationStep
    extra = 0
    fields = ["order", "department", "name", "status", "queued_at", "due_at", "claimed_by", "completed_at",
              "return_count"]
    readonly_fields = fields


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    fields = ["at", "kind", "department", "note"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["receipt_number", "procedure", "status", "channel", "submitted_at", "completed_at"]
    list_filter = ["status", "channel", "procedure"]
    search_fields = ["receipt_number"]
    raw_id_fields = ["applicant", "entered_by"]
    inlines = [StepInline, EventInline]
    show_full_result_count = False  # no counting of the whole table on every page


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["receipt_number", "application", "amount_yen", "provider", "status", "paid_at"]
    list_filter = ["status", "provider"]
    search_fields = ["receipt_number", "reference", "application__receipt_number"]
    raw_id_fields = ["application"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["application", "original_name", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["application", "uploaded_by"]
    exclude = ["file"]  # documents open through the counter pages, which check and audit who reads them


class PlanItemInline(ReadOnlyMixin, admin.TabularInline):
    model = LifeEventPlanItem
    extra = 0
    fields = ["order", "procedure", "status", "application"]
    readonly_fields = fields


@admin.register(LifeEventPlan)
class LifeEventPlanAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["event", "created_at", "reminders", "reminder_count", "last_reminded_at"]
    list_filter = ["event"]
    raw_id_fields = ["user"]
    inlines = [PlanItemInline]


@admin.register(ReceiptCounter)
class ReceiptCounterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["prefix", "year", "last"]
