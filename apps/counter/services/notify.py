"""Telling an applicant or a resident about their counter business, through notifications only."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import Department, User
from apps.accounts.selectors import profile_of
from apps.notifications.choices import Category, OrganisationKind
from apps.notifications.services import Organisation, publish


def organisation_for(department: Department) -> Organisation:
    return Organisation(OrganisationKind.DEPARTMENT, department.id, department.name)


def language_of(user: User) -> str:
    return profile_of(user).preferred_language or settings.LANGUAGE_CODE


def tell(*, user: User, department: Department, title: str, body: str, url_name: str, url_args: tuple = ()) -> None:
    """One system message to one person; it leaves only if the surrounding transaction commits."""
    publish(
        sender=None, organisation=organisation_for(department),
        title=title[:120], body=body, category=Category.ADMINISTRATION,
        audience={"segments": [{"kind": "explicit", "user_ids": [user.id]}]},
        link_url=settings.SITE_URL.rstrip("/") + reverse(url_name, args=url_args),
    )


def in_language_of(user: User):
    """Messages are written in the recipient's language, not the clerk's."""
    return translation.override(language_of(user))
