"""One member of staff drafts an evacuation order, a second approves it; the banner then shows on
an ordinary page and /disaster lists it."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADLINE = "桜川の氾濫のおそれ 避難指示"
HEADLINE_EN = "Evacuation order: the Sakuragawa may flood"


@pytest.fixture(autouse=True)
def _fresh_alert_cache():
    # The banner's per-process layer lives in this process (the live server's) across tests.
    from apps.alerts import caching

    caching.reset_local()
    yield
    caching.reset_local()


def test_staff_approve_an_alert_and_see_the_banner(new_visit, sign_in, make_user, demo_map, language, eager_tasks):
    from apps.accounts.roles import Role
    from apps.alerts.choices import AlertState
    from apps.alerts.defaults import ensure_event_types
    from apps.alerts.models import Alert

    ensure_event_types()
    drafter, approver = make_user(Role.CITY_STAFF), make_user(Role.CITY_STAFF)
    district = demo_map.districts["01"]

    # The first member of staff drafts the order (no JavaScript needed: districts are checkboxes).
    desk = new_visit()
    sign_in(desk, drafter)
    desk.open("/alerts/compose/")
    desk.page.select_option('[name="event_type"]', "evacuation")
    desk.page.select_option('[name="evacuation_level"]', "4")
    desk.fill({"headline": HEADLINE, "description": "桜川が氾濫するおそれがあります。",
               "instruction": "直ちに避難してください。", "headline_en": HEADLINE_EN,
               "description_en": "The Sakuragawa river may flood.", "instruction_en": "Evacuate now."})
    desk.page.check(f'[name="districts"][value="{district.id}"]')
    desk.click('main form.stacked-form [type="submit"]')
    alert = Alert.objects.get(headline=HEADLINE)
    assert alert.state == AlertState.PENDING and desk.path == f"/alerts/{alert.pk}/"
    assert desk.page.locator(f'form[action="/alerts/{alert.pk}/approve/"]').count() == 0  # not by the drafter

    # A second member of staff finds it in the staff list and approves it.
    second = new_visit()
    sign_in(second, approver)
    second.open("/alerts/staff/")
    second.click(f'main a[href="/alerts/{alert.pk}/"]')
    second.click(f'main form[action="/alerts/{alert.pk}/approve/"] [type="submit"]')
    alert.refresh_from_db()
    assert alert.state == AlertState.CURRENT and alert.approved_by_id == approver.pk

    # Anyone, signed in or not, sees the banner on an ordinary page, and /disaster lists it.
    shown = HEADLINE_EN if language == "en" else HEADLINE
    visitor = new_visit()
    visitor.open("/counter/")
    banner = visitor.page.locator("section.alert-banner")
    assert banner.count() == 1 and shown in banner.inner_text()
    visitor.click(f'section.alert-banner a[href="/alerts/{alert.pk}/"]')
    assert shown in visitor.text()
    visitor.open("/disaster")
    listed = visitor.page.locator(f'section.alert a[href="/alerts/{alert.pk}/"]')
    assert listed.count() == 1 and shown in listed.inner_text()
