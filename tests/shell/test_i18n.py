"""Japanese by default, English on request, and the switch works without JavaScript."""

import re

import pytest

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_home_is_japanese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert html_lang(response) == "ja"
    assert "住民ポータル" in response.content.decode() or "市民ポータル" in response.content.decode()
    assert "メインコンテンツへ移動" in response.content.decode()


def test_language_switch_is_a_plain_form_post(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/")
    assert html_lang(page) == "en"
    assert "Skip to main content" in page.content.decode()
    # And back again.
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    assert html_lang(client.get("/")) == "ja"


def test_browser_language_is_respected(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert html_lang(page) == "en"


def test_times_are_shown_in_tokyo_time(settings):
    from django.utils import timezone

    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert str(timezone.get_current_timezone()) == "Asia/Tokyo"


@pytest.mark.parametrize("language", ["ja"])
def test_every_message_is_translated(language):
    """msgfmt counts untranslated and fuzzy entries; there must be none."""
    import subprocess
    from pathlib import Path

    po = Path(__file__).resolve().parents[2] / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(po)],
                            capture_output=True, text=True, check=True)
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_signed_in_person_sees_their_chosen_language(client, make_user):
    from apps.accounts.services import update_profile

    user = make_user("resident")
    update_profile(user=user, preferred_language="en")
    client.force_login(user)
    assert html_lang(client.get("/")) == "en"
    # The switch on the page still wins.
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    assert html_lang(client.get("/")) == "ja"
