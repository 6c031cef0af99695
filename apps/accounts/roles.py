"""The roles every feature checks, and the model permissions each role's group carries.

A role is a Django group of the same name (model-level permissions, used by the admin)
plus, where it applies to one thing, a `RoleGrant` naming that thing (object-level scope:
the association an officer runs, the school a teacher works at).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    ASSOCIATION_OFFICER = "association_officer", _("Association officer")
    SCHOOL_STAFF = "school_staff", _("School staff")
    CITY_STAFF = "city_staff", _("City staff")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


# Roles that act for the city office (send city messages, see city figures).
CITY_STAFF_ROLES = frozenset({Role.CITY_STAFF, Role.SYSTEM_ADMIN})
# Roles whose holders may open the Django admin; the admin then shows only what the
# role's group permissions allow.
ADMIN_ROLES = CITY_STAFF_ROLES
# Roles that see the staff dashboard.
DASHBOARD_ROLES = CITY_STAFF_ROLES
# Roles that only make sense for one thing (an association, a school).
SCOPED_ROLES = frozenset({Role.ASSOCIATION_OFFICER, Role.SCHOOL_STAFF})

# "app_label.codename" permissions per role. Feature apps add theirs with
# `add_role_permissions` from their AppConfig.ready(); groups are synced after migrate.
_ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.RESIDENT: set(),
    Role.ASSOCIATION_OFFICER: set(),
    Role.SCHOOL_STAFF: set(),
    Role.CITY_STAFF: {
        "geo.view_city",
        "geo.view_district",
        "geo.change_district",
        "geo.add_district",
        "geo.view_schooldistrict",
        "geo.change_schooldistrict",
        "geo.add_schooldistrict",
        "accounts.view_department",
    },
    Role.SYSTEM_ADMIN: set(),  # superuser: every permission
}


def add_role_permissions(role: str, permissions: list[str]) -> None:
    _ROLE_PERMISSIONS[Role(role)].update(permissions)


def role_permissions(role: str) -> frozenset[str]:
    return frozenset(_ROLE_PERMISSIONS[Role(role)])
