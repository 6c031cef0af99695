"""Admin for safety and security networks and their posts."""

from django.contrib import admin

from apps.neighbourhood.models import Network, NetworkMember, NetworkPost


class NetworkMemberInline(admin.TabularInline):
    model = NetworkMember
    extra = 1
    raw_id_fields = ["user"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "school_district", "created_at"]
    list_filter = ["school_district"]
    search_fields = ["name"]
    filter_horizontal = ["associations"]
    inlines = [NetworkMemberInline]


@admin.register(NetworkPost)
class NetworkPostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "network", "channel", "status", "created_at"]
    list_filter = ["network", "channel", "status"]
    search_fields = ["title", "body"]
    raw_id_fields = ["author"]
    readonly_fields = ["created_at"]
