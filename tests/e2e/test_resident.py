"""A resident's way through the portal in a real browser, every page checked with axe-core."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.conftest import PASSWORD
from tests.neighbourhood.conftest import association, make_member  # noqa: F401  (fixtures)
from tests.notifications.conftest import resident_in  # noqa: F401  (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def confirmation_link(email: str) -> str:
    (message,) = [m for m in mail.outbox if email in m.to]
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_resident_signs_up_confirms_and_signs_in_again(web, demo_map):
    email = "hanako@example.jp"
    web.open("/")
    web.open("/accounts/signup/")
    web.submit({"email": email, "password1": PASSWORD, "password2": PASSWORD, "display_name": "花子"})
    assert web.path.startswith("/accounts/confirm-email/")  # "we sent you a mail"

    web.open(confirmation_link(email))
    web.submit()  # confirm the address: signs in
    assert email in web.text()

    web.click('form[action="/accounts/logout/"] [type="submit"]')
    web.open("/accounts/login/")
    web.submit({"login": email, "password": PASSWORD})

    assert web.path == "/"
    assert email in web.text()


@pytest.fixture
def neighbourhood(demo_map, association, make_member, resident_in, make_user, eager_tasks):  # noqa: F811
    """A resident of district 02, its association with an officer and a circular, a shelter, a message."""
    from django.contrib.gis.geos import Point

    from apps.disastermap.models import Genre, Shelter
    from apps.neighbourhood.choices import MemberRole, PostKind, Visibility
    from apps.neighbourhood.services.posts import create_bulletin
    from apps.notifications.services import publish

    district = demo_map.districts["02"]
    officer = make_member(association, MemberRole.OFFICER)
    circular = create_bulletin(author=officer, association=association, kind=PostKind.CIRCULAR, category="notice",
                               title="ごみ収集日の変更", body="来月から火曜日です。", visibility=Visibility.MEMBERS)
    centre = district.area.point_on_surface
    Shelter.objects.create(genre=Genre.objects.get(code="shelter"), name="旭小学校 体育館", is_designated_shelter=True,
                           serves_earthquake=True, location=Point(centre.x + 0.001, centre.y, srid=4326))
    resident = resident_in("02")
    publish(sender=make_user("city_staff"), title="断水のお知らせ", body="明日9時から断水します。",
            category="administration", audience={"segments": [{"kind": "district", "ids": [district.pk]}]})
    return {"resident": resident, "officer": officer, "association": association, "circular": circular,
            "district": district, "point": centre}


def test_resident_reads_inbox_finds_a_shelter_joins_and_reads_a_circular(web, sign_in, neighbourhood):
    from apps.neighbourhood.models import Membership
    from apps.neighbourhood.services.associations import approve_membership

    n = neighbourhood
    sign_in(web, n["resident"])

    web.open("/notifications/")
    web.click('main a:has-text("断水のお知らせ")')
    assert "明日9時から断水します。" in web.text()

    web.open("/map/nearby/")
    web.submit({"q": n["district"].name})  # a person types the name of their area
    web.click('main a:has-text("旭小学校 体育館")')
    assert "旭小学校 体育館" in web.text()

    slug = n["association"].slug
    web.open(f"/associations/{slug}/join/")
    web.submit({"real_name": "旭 花子", "address": "旭町2-3-1", "place": n["district"].name})
    assert web.path == "/associations/mine/"
    membership = Membership.objects.get(user=n["resident"], association=n["association"])
    approve_membership(by=n["officer"], membership=membership)

    web.open(f"/associations/{slug}/")
    web.click('main a:has-text("ごみ収集日の変更")')
    assert "来月から火曜日です。" in web.text()
    web.click(f'form[action$="/bulletins/{n["circular"].pk}/read/"] [type="submit"]')
    from apps.neighbourhood.models import BulletinRead

    assert BulletinRead.objects.filter(bulletin=n["circular"], user=n["resident"]).exists()
