"""Every write about accounts: roles, grants and profiles."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from apps.accounts.models import AuditEntry, Department, Language, Profile, RoleGrant, User
from apps.accounts.roles import ADMIN_ROLES, SCOPED_ROLES, Role, role_permissions
from apps.accounts.selectors import forget_roles
from apps.geo.models import District
from apps.geo.services import district_for_point


def sync_role_groups() -> None:
    """Create one group per role and give it exactly the permissions its role lists."""
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = role_permissions(role)
        permissions = []
        for dotted in sorted(wanted):
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                permissions.append(permission)
        group.permissions.set(permissions)


def _refresh_staff_flags(user: User) -> None:
    roles = set(
        RoleGrant.objects.filter(user=user).values_list("role", flat=True)
    )
    user.is_staff = bool(roles & ADMIN_ROLES)
    user.is_superuser = Role.SYSTEM_ADMIN in roles
    user.save(update_fields=["is_staff", "is_superuser"])


@transaction.atomic
def grant_role(
    *,
    user: User,
    role: str,
    department: Department | None = None,
    scope: Model | None = None,
    granted_by: User | None = None,
) -> RoleGrant:
    """Give `user` a role. City staff need a department; officers and school staff a scope."""
    role = Role(role)
    if role == Role.CITY_STAFF and department is None:
        raise ValidationError({"department": _("City staff must belong to a department.")})
    if role != Role.CITY_STAFF and department is not None:
        raise ValidationError({"department": _("Only city staff belong to a department.")})
    if scope is not None and role not in SCOPED_ROLES:
        raise ValidationError({"scope": _("This role is not given for one association or school.")})
    if scope is not None and scope.pk is None:
        raise ValidationError({"scope": _("Save the association or school before giving roles for it.")})

    lookup = {"user": user, "role": role}
    if scope is None:
        lookup.update(scope_type=None, scope_id=None)
    else:
        lookup.update(scope_type=ContentType.objects.get_for_model(scope), scope_id=scope.pk)
    grant, created = RoleGrant.objects.get_or_create(
        **lookup, defaults={"department": department, "granted_by": granted_by}
    )
    if not created and grant.department != department:
        grant.department = department
        grant.save(update_fields=["department"])

    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    if role == Role.CITY_STAFF:
        Profile.objects.update_or_create(user=user, defaults={"department": department})
    _refresh_staff_flags(user)
    forget_roles(user)
    return grant


@transaction.atomic
def revoke_role(*, user: User, role: str, scope: Model | None = None) -> None:
    """Take a role back; the group goes when the user holds the role for nothing else."""
    role = Role(role)
    grants = RoleGrant.objects.filter(user=user, role=role)
    if scope is not None:
        grants = grants.filter(scope_type=ContentType.objects.get_for_model(scope), scope_id=scope.pk)
    grants.delete()
    if not RoleGrant.objects.filter(user=user, role=role).exists():
        user.groups.remove(*Group.objects.filter(name=role.value))
        if role == Role.CITY_STAFF:
            Profile.objects.filter(user=user).update(department=None)
    _refresh_staff_flags(user)
    forget_roles(user)


def ensure_profile(*, user: User) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def register_resident(
    *, user: User, display_name: str = "", preferred_language: str = Language.JAPANESE
) -> Profile:
    """A new sign-up: a profile in the chosen language and the resident role."""
    if preferred_language not in Language.values:
        raise ValidationError({"preferred_language": _("Choose Japanese or English.")})
    profile = ensure_profile(user=user)
    profile.display_name = display_name.strip()
    profile.preferred_language = preferred_language
    profile.save(update_fields=["display_name", "preferred_language", "updated_at"])
    grant_role(user=user, role=Role.RESIDENT)
    return profile


_UNSET = object()


@transaction.atomic
def update_profile(
    *,
    user: User,
    display_name: str | None = None,
    preferred_language: str | None = None,
    home_location: Point | object | None = _UNSET,
    district: District | object | None = _UNSET,
) -> Profile:
    """Change what a resident shares. A home location without a district finds its district."""
    profile = ensure_profile(user=user)
    if display_name is not None:
        if len(display_name.strip()) > 60:
            raise ValidationError({"display_name": _("Use at most 60 characters.")})
        profile.display_name = display_name.strip()
    if preferred_language is not None:
        if preferred_language not in Language.values:
            raise ValidationError({"preferred_language": _("Choose Japanese or English.")})
        profile.preferred_language = preferred_language
    if home_location is not _UNSET:
        if home_location is not None:
            _check_point(home_location)
        profile.home_location = home_location
        if district is _UNSET:
            district = district_for_point(home_location) if home_location is not None else None
    if district is not _UNSET:
        profile.district = district
    profile.save()
    return profile


def _check_point(point: Point) -> None:
    if point.srid not in (None, 4326):
        point.transform(4326)
    if not (-180 <= point.x <= 180 and -90 <= point.y <= 90):
        raise ValidationError({"home_location": _("Longitude must be -180 to 180 and latitude -90 to 90.")})


def audit(*, user: User, action: str, obj: Model | None = None, detail: str = "") -> None:
    """Record a read or change of personal data in the audit log."""
    AuditEntry.objects.create(
        user=user, action=action[:60], detail=detail[:300],
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
    )
