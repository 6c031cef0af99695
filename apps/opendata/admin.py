from django.contrib import admin

from apps.opendata.models import Dataset, Organisation, Resource, ResourceVersion, Tag


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "department")
    search_fields = ("code", "name", "name_en")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


class ResourceInline(admin.TabularInline):
    model = Resource
    fields = ("name", "kind", "format", "url", "live_format", "size", "last_modified")
    readonly_fields = ("kind", "live_format", "size", "last_modified")
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        # Files are checked on the publishing page (type, size, CSV parse); links are added there too.
        return False


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "organisation", "theme", "licence", "published", "live_slug", "metadata_modified")
    list_filter = ("published", "theme", "licence", "organisation")
    search_fields = ("title", "title_en", "slug", "description")
    filter_horizontal = ("tags",)
    readonly_fields = ("live_slug", "created_at", "metadata_modified", "data_modified")
    inlines = [ResourceInline]


class VersionInline(admin.TabularInline):
    model = ResourceVersion
    fields = ("number", "filename", "format", "size", "checksum", "encoding", "rows", "uploaded_at", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        # New versions go through the publishing page, which checks the file.
        return False


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("name", "dataset", "kind", "format", "size", "last_modified")
    list_filter = ("kind", "format")
    search_fields = ("name", "dataset__title")
    readonly_fields = ("kind", "live_format", "size", "checksum", "encoding", "media_type", "last_modified")
    inlines = [VersionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None) -> tuple[str, ...]:
        # A link's address may be corrected here; an upload's or a live resource's may not.
        fields = self.readonly_fields
        return fields if obj is not None and obj.kind == "link" else (*fields, "url")


@admin.register(ResourceVersion)
class ResourceVersionAdmin(admin.ModelAdmin):
    list_display = ("resource", "number", "filename", "size", "uploaded_at")
    readonly_fields = ("resource", "number", "file", "filename", "format", "media_type", "size", "checksum",
                       "encoding", "rows", "uploaded_by", "uploaded_at")

    def has_add_permission(self, request) -> bool:
        return False
