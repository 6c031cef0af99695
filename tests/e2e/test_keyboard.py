"""Keyboard only: sign up, and search the map for a shelter, with Tab, typing and Enter.

Every element that takes focus on the way must show it (an outline or a box shadow).
"""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOCUS_SHOWN = """() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const shown = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  return {shown, what: e.outerHTML.slice(0, 120)}; }"""


def tab_to(web, selector: str, limit: int = 80) -> None:
    """Press Tab until `selector` has focus, checking each stop shows its focus."""
    for _ in range(limit):
        web.page.keyboard.press("Tab")
        state = web.page.evaluate(FOCUS_SHOWN)
        if state is not None:
            assert state["shown"], f"focus is not visible on {state['what']}"
        if web.page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never took focus in {limit} presses of Tab")


def press_enter_and_wait(web) -> None:
    with web.page.expect_navigation():
        web.page.keyboard.press("Enter")
    web.audit()


def test_sign_up_with_the_keyboard_only(web, demo_map):
    web.open("/accounts/signup/")
    web.page.keyboard.press("Tab")
    assert web.page.evaluate("document.activeElement.getAttribute('href')") == "#main"  # skip link first

    tab_to(web, '[name="email"]')
    web.page.keyboard.type("keyboard@example.jp")
    tab_to(web, '[name="password1"]')
    web.page.keyboard.type(PASSWORD)
    tab_to(web, '[name="password2"]')
    web.page.keyboard.type(PASSWORD)
    tab_to(web, 'main [type="submit"]')
    press_enter_and_wait(web)

    assert web.path.startswith("/accounts/confirm-email/")
    from apps.accounts.models import User

    assert User.objects.filter(email="keyboard@example.jp").exists()


def test_search_the_map_with_the_keyboard_only(web, demo_map):
    from django.contrib.gis.geos import Point

    from apps.disastermap.models import Genre, Shelter

    district = demo_map.districts["02"]
    centre = district.area.point_on_surface
    Shelter.objects.create(genre=Genre.objects.get(code="shelter"), name="港中学校 武道場", is_designated_shelter=True,
                           serves_earthquake=True, location=Point(centre.x + 0.001, centre.y, srid=4326))

    web.open("/map/nearby/")
    tab_to(web, '[name="q"]')
    web.page.keyboard.type(district.name)
    press_enter_and_wait(web)  # Enter in the text field submits the search

    tab_to(web, 'main table a')
    assert web.page.evaluate("document.activeElement.textContent").strip() == "港中学校 武道場"
    press_enter_and_wait(web)
    assert "港中学校 武道場" in web.text()
