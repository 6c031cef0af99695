"""Admin for associations, memberships and posting rules.

City staff set associations up (area, districts); memberships carry names and addresses and
are managed by the association's officers on the site, so city staff hold no membership
permissions (only a superuser sees them here).
"""

from django import forms
from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from apps.neighbourhood.models import Association, Membership, PostingRules


class AssociationForm(forms.ModelForm):
    class Meta:
        model = Association
        fields = ["name", "name_en", "slug", "description", "districts", "area", "listed"]


@admin.register(Association)
class AssociationAdmin(LeafletGeoAdmin):
    form = AssociationForm
    list_display = ["name", "slug", "listed", "created_at"]
    list_filter = ["listed", "districts"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["districts"]


@admin.register(Membership)
class MembershipAdmin(LeafletGeoAdmin):
    list_display = ["real_name", "association", "role", "status", "requested_at"]
    list_filter = ["association", "status", "role"]
    search_fields = ["real_name", "user__email"]
    raw_id_fields = ["user", "decided_by"]
    filter_horizontal = ["supporters"]


@admin.register(PostingRules)
class PostingRulesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "members_may_post", "max_posts_per_week", "approval_required"]
    list_filter = ["approval_required", "members_may_post"]
