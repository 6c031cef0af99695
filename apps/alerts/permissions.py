"""Who may compose, approve and see alerts."""

from __future__ import annotations

from apps.accounts.roles import CITY_STAFF_ROLES
from apps.accounts.selectors import roles_of


def is_alert_staff(user) -> bool:
    return bool(user.is_authenticated and roles_of(user) & CITY_STAFF_ROLES)


def may_approve(user, alert) -> bool:
    """City staff, and never the drafter when the event type keeps the two-person rule."""
    if not is_alert_staff(user):
        return False
    return not (alert.event_type.two_person_rule and alert.created_by_id == user.id)
