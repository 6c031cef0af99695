"""Who may publish. The catalogue itself is public: everything in it is open data."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import User
from apps.accounts.roles import CITY_STAFF_ROLES
from apps.accounts.selectors import roles_of


def may_publish(user: User | AnonymousUser) -> bool:
    """City staff of any department publish (the catalogue is the whole city's shop window)."""
    return bool(user.is_authenticated and roles_of(user) & CITY_STAFF_ROLES)
