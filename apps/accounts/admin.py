from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdminMixin

from apps.accounts.models import AuditEntry, Department, Profile, RoleGrant, User
from apps.accounts.roles import Role
from apps.accounts.services import grant_role, revoke_role


class ProfileInline(LeafletGeoAdminMixin, admin.StackedInline):
    model = Profile
    can_delete = False
    fk_name = "user"
    fields = ["display_name", "preferred_language", "district", "department", "home_location"]
    autocomplete_fields = ["district"]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ["role", "department", "scope_type", "scope_id", "granted_by", "created_at"]
    readonly_fields = ["role", "department", "scope_type", "scope_id", "granted_by", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # Roles change only through grant_role, so groups stay in step.


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "roles", "is_active", "is_staff", "last_login", "date_joined"]
    list_filter = ["groups", "is_active", "is_staff", "profile__preferred_language", "profile__district"]
    search_fields = ["email", "first_name", "last_name", "profile__display_name"]
    readonly_fields = ["last_login", "date_joined", "is_staff", "is_superuser", "groups"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Name"), {"fields": ["first_name", "last_name"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    inlines = [ProfileInline, RoleGrantInline]
    actions = ["make_resident", "deactivate"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("profile").prefetch_related("groups")

    @admin.display(description=_("display name"), ordering="profile__display_name")
    def display_name(self, obj: User) -> str:
        return obj.profile.display_name if hasattr(obj, "profile") else ""

    @admin.display(description=_("roles"))
    def roles(self, obj: User) -> str:
        labels = dict(Role.choices)
        return ", ".join(str(labels[g.name]) for g in obj.groups.all() if g.name in labels)

    @admin.action(description=_("Give the resident role"))
    def make_resident(self, request, queryset) -> None:
        for user in queryset:
            grant_role(user=user, role=Role.RESIDENT, granted_by=request.user)
        self.message_user(request, _("%(count)d users are residents.") % {"count": queryset.count()})

    @admin.action(description=_("Deactivate (cannot sign in)"), permissions=["change"])
    def deactivate(self, request, queryset) -> None:
        count = queryset.exclude(pk=request.user.pk).update(is_active=False)
        self.message_user(request, _("%(count)d users deactivated.") % {"count": count}, messages.WARNING)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Grants are written through the services so groups and staff flags stay in step."""

    list_display = ["user", "role", "department", "scope_type", "scope_id", "granted_by", "created_at"]
    list_filter = ["role", "department", "scope_type"]
    search_fields = ["user__email"]
    list_select_related = ["user", "department", "scope_type", "granted_by"]
    autocomplete_fields = ["user"]
    fields = ["user", "role", "department", "scope_type", "scope_id"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj: RoleGrant, form, change: bool) -> None:
        scope = None
        if obj.scope_type_id and obj.scope_id:
            scope = obj.scope_type.get_object_for_this_type(pk=obj.scope_id)
        granted = grant_role(
            user=obj.user, role=obj.role, department=obj.department, scope=scope, granted_by=request.user
        )
        obj.pk = granted.pk

    def delete_model(self, request, obj: RoleGrant) -> None:
        revoke_role(user=obj.user, role=obj.role, scope=obj.scope)

    def delete_queryset(self, request, queryset) -> None:
        for grant in queryset:
            self.delete_model(request, grant)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is evidence, so nobody edits or deletes it here."""

    list_display = ["at", "user", "action", "object_type", "object_id", "detail"]
    list_filter = ["action", "object_type"]
    search_fields = ["user__email", "detail"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _login_through_the_site(request, extra_context=None):
    """The admin has no password form of its own: the site's login counts failed attempts
    (django-axes) and asks staff for their second factor, so the admin uses it too."""
    from django.contrib.auth.views import redirect_to_login
    from django.urls import reverse

    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(next_url, login_url=reverse("account_login"))


admin.site.login = _login_through_the_site
