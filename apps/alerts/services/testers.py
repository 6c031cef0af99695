"""Residents agreeing (or no longer agreeing) to receive exercises and tests."""

from __future__ import annotations

from apps.accounts.models import User
from apps.alerts.models import TesterOptIn


def set_tester(*, user: User, on: bool) -> bool:
    if on:
        TesterOptIn.objects.get_or_create(user=user)
    else:
        TesterOptIn.objects.filter(user=user).delete()
    return on
