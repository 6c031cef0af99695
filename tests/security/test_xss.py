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


TEXT_FIELDS = [
    TextField("profile display name", _profile),
    TextField("bulletin title and body", _bulletin),
    TextField("comment body", _comment),
    TextField("member's real name, address and needs-help note", _membership),
    TextField("safety check answer note", _safety_note),
    TextField("message title and body (staff)", _message),
    TextField("community map feature title and note", _community_feature),
]


@pytest.fixture
def ctx(association, make_member, make_user):  # noqa: F811
    return {"association": association, "officer": make_member(association, MemberRole.OFFICER),
            "member": make_member(association), "staff": make_user("city_staff")}


@pytest.mark.parametrize("field", TEXT_FIELDS, ids=lambda f: f.name)
def test_corpus_is_shown_inert(ctx, field: TextField):
    for viewer, url in field.store(ctx):
        client = Client()
        client.force_login(viewer)
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)
