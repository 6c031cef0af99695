"""Reads about people, scoped to who asks."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from apps.accounts.models import Profile, RoleGrant, User
from apps.accounts.roles import ADMIN_ROLES, DASHBOARD_ROLES, Role

_ROLE_CACHE_ATTR = "_civicportal_roles"


def roles_of(user: User | AnonymousUser) -> frozenset[str]:
    """The roles a user holds, read once per user object (i.e. once per request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _ROLE_CACHE_ATTR, None)
    if cached is None:
        names = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.SYSTEM_ADMIN)
        cached = frozenset(names)
        setattr(user, _ROLE_CACHE_ATTR, cached)
    return cached


def forget_roles(user: User) -> None:
    """Drop the cached roles after a grant or revoke changed them."""
    if hasattr(user, _ROLE_CACHE_ATTR):
        delattr(user, _ROLE_CACHE_ATTR)


def has_role(user: User | AnonymousUser, role: str, *, scope: Model | None = None) -> bool:
    if scope is None:
        return role in roles_of(user)
    if not user.is_authenticated:
        return False
    return RoleGrant.objects.filter(
        user=user,
        role=role,
        scope_type=ContentType.objects.get_for_model(scope),
        scope_id=scope.pk,
    ).exists()


def scope_ids(user: User | AnonymousUser, role: str, model: type[Model]) -> set[int]:
    """Ids of the `model` objects for which `user` holds `role`."""
    if not user.is_authenticated:
        return set()
    return set(
        RoleGrant.objects.filter(
            user=user, role=role, scope_type=ContentType.objects.get_for_model(model)
        ).values_list("scope_id", flat=True)
    )


def holders_of(role: str, *, scope: Model) -> QuerySet[User]:
    """Users holding `role` for one thing (e.g. the officers of one association)."""
    return User.objects.filter(
        role_grants__role=role,
        role_grants__scope_type=ContentType.objects.get_for_model(scope),
        role_grants__scope_id=scope.pk,
        is_active=True,
    ).distinct()


def can_use_admin(user: User | AnonymousUser) -> bool:
    return bool(roles_of(user) & ADMIN_ROLES)


def can_see_dashboard(user: User | AnonymousUser) -> bool:
    return bool(roles_of(user) & DASHBOARD_ROLES)


def profile_of(user: User) -> Profile:
    """The user's own profile (created on first read for users made before profiles)."""
    profile, _ = Profile.objects.select_related("district").get_or_create(user=user)
    return profile
