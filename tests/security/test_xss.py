"""Script in anything a person writes is shown as text, never run (table-driven).

Each row stores the corpus in one user-text field the way the app does (its service) and
names the page(s) that show it and who looks. The page must contain no element or attribute
that the corpus created: no <script> or <svg>/<img> carrying the marker, no on* handler, no
javascript: link, no evaluated template syntax.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.neighbourhood.choices import MemberRole, PostKind, Visibility
from tests.neighbourhood.conftest import association, make_member  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

MARK = "xss7q"
CORPUS = [
    f'<script>alert("{MARK}")</script>',
    f'<img src=x onerror=alert("{MARK}")>',
    f'"><svg onload=alert("{MARK}")>',
    f"'><a href=\"javascript:alert('{MARK}')\">{MARK}</a>",
    f"{{{{ 7|add:42 }}}}{MARK}{{% now 'Y' %}}",
]
PAYLOAD = " ".join(CORPUS)


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if value and name in {"href", "src", "action", "formaction"} and value.strip().lower().startswith(
                    "javascript:"):
                self.problems.append(f"<{tag} {name}={value}>")
        if tag in {"svg", "img", "a"} and any(MARK in (v or "") for _n, v in attrs):
            self.problems.append(f"<{tag}> made from the corpus")
        # json_script data (type application/json) is data the browser never runs; Django escapes
        # <, > and & in it, so the corpus cannot close the element early.
        self._in_script = tag == "script" and dict(attrs).get("type") != "application/json"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and MARK in data:
            self.problems.append("<script> made from the corpus")


def assert_inert(html: str, where: str = "") -> None:
    assert MARK in html, f"the corpus is not shown at all on {where}: the row checks nothing"
    audit = _Audit()
    audit.feed(html)
    assert audit.problems == []
    assert f"49{MARK}" not in html  # no template evaluation


@dataclass(frozen=True)
class TextField:
    name: str
    store: Callable[[dict], list[tuple[object, str]]]  # ctx -> [(viewer, url)]


def _profile(ctx):
    from apps.accounts.services import update_profile

    update_profile(user=ctx["member"], display_name=PAYLOAD[:60])
    return [(ctx["member"], reverse("accounts:profile"))]


def _bulletin(ctx):
    from apps.neighbourhood.services.posts import create_bulletin

    post = create_bulletin(author=ctx["officer"], association=ctx["association"], kind=PostKind.BULLETIN,
                           category="notice", title=PAYLOAD[:100], body=PAYLOAD, visibility=Visibility.MEMBERS)
    slug = ctx["association"].slug
    return [(ctx["member"], reverse("neighbourhood:bulletin_detail", args=[slug, post.pk])),
            (ctx["member"], reverse("neighbourhood:association_home", args=[slug]))]


def _comment(ctx):
    from apps.neighbourhood.services.conversation import add_comment
    from apps.neighbourhood.services.posts import create_bulletin

    post = create_bulletin(author=ctx["officer"], association=ctx["association"], kind=PostKind.BULLETIN,
                           category="notice", title="お知らせ", body="本文", visibility=Visibility.MEMBERS)
    add_comment(user=ctx["member"], target=post, body=PAYLOAD)
    return [(ctx["officer"], reverse("neighbourhood:bulletin_detail", args=[ctx["association"].slug, post.pk]))]


def _membership(ctx):
    from apps.neighbourhood.models import Membership

    Membership.objects.filter(user=ctx["member"]).update(
        real_name=PAYLOAD[:80], address=PAYLOAD[:200], needs_help=True, needs_help_note=PAYLOAD[:300],
        needs_help_consent_at=timezone.now())
    slug = ctx["association"].slug
    return [(ctx["officer"], reverse("neighbourhood:members", args=[slug])),
            (ctx["officer"], reverse("neighbourhood:needs_help_list", args=[slug]))]


def _safety_note(ctx):
    from apps.neighbourhood.services import safety

    check = safety.start_check(user=ctx["officer"], title="地震", association=ctx["association"])
    safety.answer(safety_check=check, user_id=ctx["member"].pk, status="need_help", note=PAYLOAD[:200])
    return [(ctx["officer"], reverse("neighbourhood:safety_live", args=[check.pk])),
            (ctx["member"], reverse("neighbourhood:safety_live", args=[check.pk]))]


def _message(ctx):
    from apps.notifications.services import publish

    message = publish(sender=ctx["staff"], title=PAYLOAD[:100], body=PAYLOAD, category="administration",
                      audience={"segments": [{"kind": "district", "ids": [ctx["association"].districts.first().pk]}]})
    return [(ctx["staff"], reverse("notifications:sent_detail", args=[message.pk]))]


def _community_feature(ctx):
    from django.contrib.gis.geos import Point

    from apps.disastermap.models import CommunityMap
    from apps.disastermap.services.community import add_feature

    district = ctx["association"].districts.first()
    community_map = CommunityMap.objects.create(name="防災マップ", association_name="旭町町内会", district=district)
    community_map.editors.set([ctx["officer"]])
    centre = district.area.point_on_surface
    add_feature(user=ctx["officer"], community_map=community_map, category="danger", title=PAYLOAD[:80],
                note=PAYLOAD[:500], geometry=Point(centre.x, centre.y, srid=4326))
    return [(ctx["member"], reverse("disastermap:community_detail", args=[community_map.pk]))]


def _application_answers(ctx):
    from apps.counter import catalogue_seed
    from apps.counter.services.applications import submit_application
    from tests.counter.conftest import answers_for

    procedure = catalogue_seed.load()["national-health-insurance"]  # first step: citizen affairs (ctx's staff)
    application = submit_application(procedure=procedure, applicant=ctx["member"], answers=answers_for(
        procedure, full_name=CORPUS[3], address=" ".join(CORPUS[:3])))
    # the applicant's own page shows the receipt and the timeline, not the answers
    return [(ctx["staff"], reverse("counter:staff_application", args=[application.pk]))]


def _inquiry(ctx):
    from apps.accounts.models import Department
    from apps.counter.services.inquiries import ask

    inquiry = ask(department=Department.objects.get(code="citizen-affairs"), subject=PAYLOAD[:100], body=PAYLOAD,
                  asker=ctx["member"])
    return [(ctx["member"], reverse("counter:inquiry_mine", args=[inquiry.pk])),
            (ctx["member"], reverse("counter:inquiry_list_mine")),
            (ctx["staff"], reverse("counter:inquiry_staff", args=[inquiry.pk])),
            (ctx["staff"], reverse("counter:inquiry_staff_list"))]


# A report's description refuses markup outright (see the test below); what it accepts is shown inert.
REPORT_TEXT = f"javascript:alert('{MARK}') " + CORPUS[4]


def _report_service():
    from apps.accounts.models import Department
    from apps.counter.models import ReportService

    department = Department.objects.get_or_create(code="citizen-affairs", defaults={"name": "市民課"})[0]
    return ReportService.objects.create(code="xss-road", name="道路の損傷", department=department)


def _report(ctx):
    from apps.counter.services.reports import submit_report

    centre = ctx["association"].districts.first().area.point_on_surface
    report = submit_report(service=_report_service(), description=REPORT_TEXT, lat=centre.y, lon=centre.x,
                           reporter=ctx["member"], reporter_name=CORPUS[0][:40])
    return [(ctx["member"], reverse("counter:report_detail", args=[report.pk])),
            (ctx["staff"], reverse("counter:report_staff", args=[report.pk]))]


def _alert(ctx):
    import datetime as dt

    from apps.alerts import caching
    from apps.alerts.defaults import ensure_event_types
    from apps.alerts.services import publishing
    from apps.alerts.services.areas import AreaChoice
    from apps.alerts.services.compose import AlertContent, draft

    ensure_event_types()
    content = AlertContent(
        event_type="evacuation", urgency="Immediate", severity="Severe", certainty="Likely", evacuation_level=4,
        headline=" ".join(CORPUS[:3]), description=PAYLOAD, instruction="避難してください。",
        headline_en=" ".join(CORPUS[3:]), description_en=PAYLOAD, instruction_en="Evacuate.",
        expires=timezone.now() + dt.timedelta(hours=6),
        area=AreaChoice(district_ids=[ctx["association"].districts.first().pk]))
    alert = draft(user=ctx["staff"], content=content)
    shown = [(ctx["staff"], reverse("alerts:detail", args=[alert.pk])), (ctx["staff"], reverse("alerts:staff_list"))]
    with ctx["on_commit"](execute=True):
        publishing.approve(alert=alert, approver=ctx["approver"])
    caching.reset_local()
    return [*shown, (ctx["member"], reverse("alerts:detail", args=[alert.pk])), (ctx["member"], reverse("alerts:list")),
            (ctx["member"], "/"), (ctx["member"], reverse("disaster"))]


TEXT_FIELDS = [
    TextField("profile display name", _profile),
    TextField("bulletin title and body", _bulletin),
    TextField("comment body", _comment),
    TextField("member's real name, address and needs-help note", _membership),
    TextField("safety check answer note", _safety_note),
    TextField("message title and body (staff)", _message),
    TextField("community map feature title and note", _community_feature),
    TextField("application answers (applicant, clerk)", _application_answers),
    TextField("inquiry subject and text (asker, staff)", _inquiry),
    TextField("resident report description and reporter name", _report),
    TextField("alert headline and description (draft, approved, banner, /disaster)", _alert),
]


@pytest.fixture
def ctx(association, make_member, make_user, django_capture_on_commit_callbacks):  # noqa: F811
    from apps.alerts import caching

    caching.reset_local()  # the banner's per-process layer outlives a test
    yield {"association": association, "officer": make_member(association, MemberRole.OFFICER),
           "member": make_member(association), "staff": make_user("city_staff"), "approver": make_user("city_staff"),
           "on_commit": django_capture_on_commit_callbacks}
    caching.reset_local()


@pytest.mark.parametrize("field", TEXT_FIELDS, ids=lambda f: f.name)
def test_corpus_is_shown_inert(ctx, field: TextField):
    for viewer, url in field.store(ctx):
        client = Client()
        client.force_login(viewer)
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)


@pytest.mark.parametrize("text", CORPUS[:4])
def test_report_description_refuses_markup(ctx, text):
    from django.core.exceptions import ValidationError

    from apps.counter.services.reports import submit_report

    centre = ctx["association"].districts.first().area.point_on_surface
    with pytest.raises(ValidationError) as refused:
        submit_report(service=_report_service(), description=f"穴 {text}", lat=centre.y, lon=centre.x)
    assert "description" in refused.value.message_dict
