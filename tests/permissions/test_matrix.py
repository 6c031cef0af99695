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
    ALERT_DRAFT_HEADLINE,
    APPLICATION_ADDRESS,
    CHILD_NAME,
    INQUIRY_TEXT,
    NEEDS_HELP_NOTE,
    PERSON_NAME,
    READER_NAME,
    REPORTER_EMAIL,
    SAFETY_NOTE,
    World,
)

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "resident", "member", "officer", "other_officer", "guardian", "school_staff",
          "other_school_staff", "city_staff", "authorised_staff", "supporter", "system_admin", "applicant",
          "other_clerk"]
# city_staff and authorised_staff work in citizen affairs (the first step of the application's route, the
# inquiry's and the report's department); other_clerk in waste management; applicant owns the counter records.
ROUTE_CLERKS = {"city_staff", "authorised_staff", "system_admin"}
ALERT_STAFF = {"city_staff", "authorised_staff", "other_clerk", "system_admin"}


@dataclass(frozen=True)
class Resource:
    name: str
    url: Callable[[World], str]
    allowed: frozenset[str]
    marker: str | Callable[[World], str]  # a callable for a marker the world makes (a receipt number)
    api: bool = False
    filters: bool = False  # others may get 200 with nothing of the record in it (a filtered list)
    public: bool = False  # a public page: everyone (anonymous too) may get 200, never with the marker
    audit: str | None = None  # the audit action an allowed staff read writes


def _r(name, url, allowed, marker, **kw) -> Resource:
    return Resource(name, url, frozenset(allowed), marker, **kw)


def _slug(w: World) -> str:
    return w.objects["association"].slug


def _receipt(w: World) -> str:
    return w.objects["application"].receipt_number


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
    # --- the counter: applications, inquiries, resident reports ---
    _r("application page (applicant)",
       lambda w: reverse("counter:application_detail", args=[w.objects["application"].pk]),
       {"applicant"}, _receipt),  # the page shows the receipt and the timeline, not the answers
    _r("application api (applicant)", lambda w: reverse("api:counter-application", args=[w.objects["application"].pk]),
       {"applicant"}, APPLICATION_ADDRESS, api=True),
    _r("application list api (applicant)", lambda w: reverse("api:counter-applications"),
       {"applicant"}, '"receipt_number"', api=True, filters=True),  # others get []
    _r("application page (clerk)",
       lambda w: reverse("counter:staff_application", args=[w.objects["application"].pk]),
       ROUTE_CLERKS, APPLICATION_ADDRESS, audit="counter.view_application"),
    _r("application api (clerk)",
       lambda w: reverse("api:counter-staff-application", args=[w.objects["application"].pk]),
       ROUTE_CLERKS, APPLICATION_ADDRESS, api=True, audit="counter.view_application"),
    _r("inquiry page (asker)", lambda w: reverse("counter:inquiry_mine", args=[w.objects["inquiry"].pk]),
       {"applicant"}, INQUIRY_TEXT),
    _r("inquiry page (staff)", lambda w: reverse("counter:inquiry_staff", args=[w.objects["inquiry"].pk]),
       ROUTE_CLERKS, INQUIRY_TEXT, audit="counter.inquiry.view"),
    _r("resident report with its reporter (staff)",
       lambda w: reverse("counter:report_staff", args=[w.objects["report"].pk]),
       ROUTE_CLERKS | {"other_clerk"}, REPORTER_EMAIL, audit="counter.report.view"),
    _r("resident report (public page)", lambda w: reverse("counter:report_detail", args=[w.objects["report"].pk]),
       set(), REPORTER_EMAIL, public=True),
    _r("resident reports map api (public)", lambda w: reverse("api:counter-reports-map"),
       set(), REPORTER_EMAIL, api=True, public=True),
    # --- alerts: drafts waiting for approval ---
    _r("alert draft page", lambda w: reverse("alerts:detail", args=[w.objects["alert_draft"].pk]),
       ALERT_STAFF, ALERT_DRAFT_HEADLINE),
    _r("alert draft api", lambda w: reverse("api:alerts-detail", args=[w.objects["alert_draft"].pk]),
       ALERT_STAFF, ALERT_DRAFT_HEADLINE, api=True),
    _r("alerts staff list page", lambda w: reverse("alerts:staff_list"), ALERT_STAFF, ALERT_DRAFT_HEADLINE),
    _r("alerts list api", lambda w: reverse("api:alerts-list"), set(), ALERT_DRAFT_HEADLINE, api=True, public=True),
    _r("alerts public list page", lambda w: reverse("alerts:list"), set(), ALERT_DRAFT_HEADLINE, public=True),
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
    marker = resource.marker(world) if callable(resource.marker) else resource.marker
    if actor in resource.allowed:
        if status != 200 or marker not in body:
            return f"should see it, got {status}" + ("" if status != 200 else " without the record")
        audited = AuditEntry.objects.filter(user=world.actors[actor], action=resource.audit).exists()
        if resource.audit and actor not in {"member", "guardian", "supporter", "applicant"} and not audited:
            return f"read it without an audit entry {resource.audit!r}"
        return None
    if marker in body:
        return f"must not see it, got {status} with the record"
    if resource.public:
        ok = status == 200
    elif actor == "anonymous" and not resource.api:
        # the sign-in redirect, or 404 where the URL is public but this record is not (an alert draft)
        ok = (status == 302 and "/accounts/login/" in response["Location"]) or status == 404
    elif actor == "anonymous":
        ok = status in (401, 403, 404)  # 404: a public endpoint (alert detail) hiding a private record
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
