"""An association officer signs in with the second factor, approves a member and posts a circular."""

from __future__ import annotations

import pytest

from tests.neighbourhood.conftest import association, make_member  # noqa: F401  (fixtures)
from tests.notifications.conftest import resident_in  # noqa: F401  (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_approves_a_member_and_posts_a_circular(web, sign_in, association, make_member,  # noqa: F811
                                                       resident_in, eager_tasks):  # noqa: F811
    from apps.neighbourhood.choices import MemberRole, PostKind
    from apps.neighbourhood.models import Bulletin, Membership
    from apps.neighbourhood.services.associations import request_membership

    officer = make_member(association, MemberRole.OFFICER)
    newcomer = resident_in("02")
    request_membership(user=newcomer, association=association, real_name="新入 太郎", address="旭町1-1-1",
                       location=association.area.point_on_surface)
    sign_in(web, officer)  # password, then the authenticator code

    slug = association.slug
    web.open(f"/associations/{slug}/members/requests/")
    assert "新入 太郎" in web.text()
    web.click('main form[action*="/approve/"] [type="submit"]')
    assert Membership.objects.get(user=newcomer).status == "active"

    web.open(f"/associations/{slug}/bulletins/new/")
    web.page.check(f'[name="kind"][value="{PostKind.CIRCULAR}"]')
    web.page.select_option('[name="category"]', index=1)
    web.submit({"title": "清掃活動のお知らせ", "body": "日曜8時に公園に集合してください。"})

    bulletin = Bulletin.objects.get(title="清掃活動のお知らせ")
    assert bulletin.kind == PostKind.CIRCULAR
    assert "清掃活動のお知らせ" in web.text()
    web.open(f"/associations/{slug}/bulletins/{bulletin.pk}/reads/")  # who has read it (none yet)
