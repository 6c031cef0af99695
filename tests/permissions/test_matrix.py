"""Every role (and scope) against every private record, on pages and in the API.

`RESOURCES` is the table: one row per private resource and channel, naming who may see it.
Everyone else must get 403 or 404 (or, anonymous on a page, the sign-in redirect), and never
the record's marker text. An allowed read of personal data by staff must leave an audit entry
when the row names the action.

To add a resource: add a row (its URL from `world`, the actors allowed, the marker text that
proves the record is shown) and, if needed, the record to tests/permissions/conftest.py.
Lists that filter rather than refuse (`filters=True`) may answer 200 without the marker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import AuditEntry
from tests.permissions.conftest import (
    CHILD_NAME,
    NEEDS_HELP_NOTE,
    PERSON_NAME,
    READER_NAME,
    SAFETY_NOTE,
    World,
)

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "resident", "member", "officer", "other_officer", "guardian", "school_staff",
          "other_school_staff", "city_staff", "authorised_staff", "supporter", "system_admin"]


@dataclass(frozen=True)
class Resource:
    name: str
    url: Callable[[World], str]
    allowed: frozenset[str]
    marker: str
    api: bool = False
    filters: bool = False  # others may get 200 with nothing of the record in it (a filtered list)
    audit: str | None = None  # the audit action an allowed staff read writes


def _r(name, url, allowed, marker, **kw) -> Resource:
    return Resource(name, url, frozenset(allowed), marker, **kw)


def _slug(w: World) -> str:
    return w.objects["association"].slug


RESOURCES = [
    # --- neighbourhood associations: member lists, circular read status, safety checks ---
    _r("member list page", lambda w: reverse("neighbourhood:members", args=[_slug(w)]),
       {"officer"}, READER_NAME, audit="neighbourhood.member_list"),
    _r("member list api", lambda w: reverse("api:neighbourhood-members", args=[_slug(w)]),
       {"officer"}, READER_NAME, api=True, audit="neighbourhood.member_list"),
    _r("circular read status page",
       lambda w: reverse("neighbourhood:bulletin_reads", args=[_slug(w), w.objects["circular"].pk]),
       {"officer"}, READER_NAME),
    _r("circular read status api",
       lambda w: reverse("api:neighbourhood-bulletin-reads", args=[_slug(w), w.objects["circular"].pk]),
       {"officer"}, READER_NAME, api=True),
    _r("safety check live page", lambda w: reverse("neighbourhood:safety_live", args=[w.objects["check"].pk]),
       {"officer", "member"}, SAFETY_NOTE, audit="neighbourhood.safety.live"),
    _r("safety check api", lambda w: reverse("api:neighbourhood-safety-check", args=[w.objects["check"].pk]),
       {"officer"}, '"need_help":1', api=True, filters=True),  # members see the check, not the counts
    _r("safety answer links page", lambda w: reverse("neighbourhood:safety_links", args=[w.objects["check"].pk]),
       {"officer"}, "/associations/safety/answer/", audit="neighbourhood.safety.links"),
    _r("people needing help (association) page", lambda w: reverse("neighbourhood:needs_help_list", args=[_slug(w)]),
       {"officer"}, NEEDS_HELP_NOTE, audit="neighbourhood.needs_help.list"),
    # --- child watch: children and gate passages ---
    _r("child page (staff)", lambda w: reverse("childwatch:child_detail", args=[w.objects["child"].pk]),
       {"school_staff"}, CHILD_NAME, audit="childwatch.view_child"),
    _r("children api", lambda w: reverse("api:childwatch-children"),
       {"guardian"}, CHILD_NAME, api=True, filters=True),
    _r("gate passages page (guardian)", lambda w: reverse("childwatch:child_passages", args=[w.objects["child"].pk]),
       {"guardian"}, "正門", audit=None),
    _r("gate passages page (staff)",
       lambda w: reverse("childwatch:staff_child_passages", args=[w.objects["child"].pk]),
       {"school_staff"}, "正門", audit="childwatch.view_passages"),
    _r("gate passages api", lambda w: reverse("api:childwatch-child-passages", args=[w.objects["child"].pk]),
       {"guardian", "school_staff"}, "正門", api=True),
    # --- disaster map: people needing help (要援護者) ---
    _r("people needing help map", lambda w: reverse("disastermap:support_map"),
       {"authorised_staff", "system_admin", "supporter"}, PERSON_NAME, audit="disastermap.view_people_needing_help"),
    _r("person needing help page", lambda w: reverse("disastermap:support_person", args=[w.objects["person"].pk]),
       {"authorised_staff", "system_admin", "supporter"}, PERSON_NAME),
]

def _get(world: World, resource: Resource, actor: str):
    user = world.actors[actor]
    url = resource.url(world)
    if resource.api:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def _cell(world: World, resource: Resource, actor: str) -> str | None:
    """What is wrong with one cell of the matrix, or None."""
    response = _get(world, resource, actor)
    body = response.content.decode(errors="replace")
    status = response.status_code
    if actor in resource.allowed:
        if status != 200 or resource.marker not in body:
            return f"should see it, got {status}" + ("" if status != 200 else " without the record")
        audited = AuditEntry.objects.filter(user=world.actors[actor], action=resource.audit).exists()
        if resource.audit and actor not in {"member", "guardian", "supporter"} and not audited:
            return f"read it without an audit entry {resource.audit!r}"
        return None
    if resource.marker in body:
        return f"must not see it, got {status} with the record"
    if actor == "anonymous" and not resource.api:
        ok = status == 302 and "/accounts/login/" in response["Location"]
    elif actor == "anonymous":
        ok = status in (401, 403)
    elif resource.filters:
        ok = status in (200, 403, 404)
    else:
        ok = status in (403, 404)
    return None if ok else f"must be refused, got {status}"


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_matrix(world, resource: Resource):
    """One row of the matrix: every actor against one resource (one world, so it stays fast)."""
    problems = {actor: problem for actor in ACTORS if (problem := _cell(world, resource, actor))}

    assert problems == {}, f"{resource.name}: {problems}"
