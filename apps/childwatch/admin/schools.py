"""Admin for schools, classes, children, guardianships, volunteers, plans and absence reports.

City staff get no permissions on these models by default (children's data belongs to the
school, which works through the school desk); superusers see everything here.
"""

from django.contrib import admin

from apps.childwatch.models import (
    AbsenceReport,
    Child,
    Guardianship,
    School,
    SchoolClass,
    ServicePlan,
    WatchVolunteer,
)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "school_district", "pta_approved_on", "passage_retention_days"]
    search_fields = ["code", "name", "name_en"]
    list_filter = ["school_district"]
    filter_horizontal = ["police_liaisons"]


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ["school", "year", "grade", "name", "teacher"]
    list_filter = ["school", "year", "grade"]
    raw_id_fields = ["teacher"]


class GuardianshipInline(admin.TabularInline):
    model = Guardianship
    fk_name = "child"
    extra = 0
    raw_id_fields = ["guardian", "verified_by"]
    readonly_fields = ["verified_at"]


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ["full_name", "school", "school_class", "is_active"]
    list_filter = ["school", "is_active"]
    search_fields = ["full_name", "name_kana", "given_name"]
    inlines = [GuardianshipInline]


@admin.register(Guardianship)
class GuardianshipAdmin(admin.ModelAdmin):
    list_display = ["guardian", "child", "relationship", "verified_by", "verified_at", "passage_consent_at",
                    "is_active"]
    list_filter = ["is_active", "child__school"]
    search_fields = ["guardian__email", "child__full_name"]
    raw_id_fields = ["guardian", "child", "verified_by"]


@admin.register(WatchVolunteer)
class WatchVolunteerAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "area", "is_active"]
    list_filter = ["school", "is_active"]
    raw_id_fields = ["user"]


@admin.register(ServicePlan)
class ServicePlanAdmin(admin.ModelAdmin):
    list_display = ["guardian", "school", "plan", "monthly_fee_yen", "status", "period_start", "period_end"]
    list_filter = ["school", "status"]
    raw_id_fields = ["guardian"]


@admin.register(AbsenceReport)
class AbsenceReportAdmin(admin.ModelAdmin):
    list_display = ["date", "child", "kind", "reason", "expected_time", "seen_by_teacher_at", "withdrawn"]
    list_filter = ["kind", "withdrawn", "child__school"]
    date_hierarchy = "date"
    raw_id_fields = ["child", "reported_by"]
