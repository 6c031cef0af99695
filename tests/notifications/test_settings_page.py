"""The resident's notification settings: one form, one POST, errors on the right fields."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.accounts.services import update_profile
from apps.notifications import services
from apps.notifications.choices import DEFAULT_CATEGORIES
from apps.notifications.models import LineLink, TopicSubscription

pytestmark = pytest.mark.django_db

URL = "/notifications/settings/"


@pytest.fixture
def resident(make_user, client):
    """Signed in, reading the site in English (so the page's text is the msgid)."""
    user = make_user("resident")
    update_profile(user=user, preferred_language="en")
    client.force_login(user)
    return user


def form_data(**overrides) -> dict:
    """What the browser posts for: two topics, email only, no quiet hours, nothing shared."""
    data = {
        "categories": ["disaster", "events"],
        "email_enabled": "on",
        "phone_number": "",
        "quiet_start": "",
        "quiet_end": "",
        "age_band": "",
        "household_with_children": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def topics_of(user) -> set[str]:
    return set(TopicSubscription.objects.filter(user=user).values_list("category", flat=True))


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.post(URL, form_data())

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_the_page_shows_the_current_choices(client, resident):
    response = client.get(URL)

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form["categories"].value()) == set(DEFAULT_CATEGORIES)
    page = response.content.decode()
    # Every category is offered as a checkbox, the defaults ticked.
    for category in ("disaster", "crime_safety", "children", "events", "administration", "community", "health",
                     "environment"):
        assert f'value="{category}"' in page
    assert 'name="categories" value="disaster" id="id_categories_0" checked' in page
    assert 'name="categories" value="events" id="id_categories_3">' in page
    assert ('<input type="checkbox" name="email_enabled" aria-describedby="id_email_enabled_helptext" '
            'id="id_email_enabled" checked>') in page
    assert ('<input type="checkbox" name="sms_enabled" aria-describedby="id_sms_enabled_helptext" '
            'id="id_sms_enabled">') in page
    assert 'type="time" name="quiet_start"' in page
    assert 'type="tel" name="phone_number"' in page


def test_the_page_explains_quiet_hours_and_sharing(client, resident):
    page = client.get(URL).content.decode()

    assert "Emergency messages ignore quiet hours" in page
    assert "Sharing these is optional" in page
    assert "used only to send messages to the people they concern" in page


def test_saving_topics_channels_quiet_hours_and_attributes(client, resident):
    response = client.post(URL, form_data(
        categories=["children", "health"], email_enabled=None, line_enabled="on", sms_enabled="on",
        phone_number="090-1234-5678", quiet_start="22:00", quiet_end="07:00", age_band="40-64",
        household_with_children="yes",
    ), follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "Your notification settings were saved." in response.content.decode()
    assert topics_of(resident) == {"children", "health"}
    prefs = services.preferences_of(resident)
    assert (prefs.email_enabled, prefs.line_enabled, prefs.webpush_enabled, prefs.sms_enabled) == (
        False, True, False, True)
    assert prefs.phone_number == "09012345678"
    assert (prefs.quiet_start, prefs.quiet_end) == (dt.time(22, 0), dt.time(7, 0))
    assert (prefs.age_band, prefs.household_with_children) == ("40-64", True)
    # And the page shows what was saved.
    page = response.content.decode()
    assert 'name="quiet_start" value="22:00"' in page
    assert 'value="40-64" selected' in page
    assert 'name="household_with_children" value="yes" id="id_household_with_children_1" checked' in page


def test_withdrawing_what_was_shared(client, resident):
    services.update_preferences(user=resident, age_band="75+", household_with_children=True,
                                quiet_start=dt.time(21), quiet_end=dt.time(6))

    client.post(URL, form_data(household_with_children="no"))
    assert services.preferences_of(resident).household_with_children is False

    client.post(URL, form_data())
    prefs = services.preferences_of(resident)
    assert (prefs.age_band, prefs.household_with_children) == ("", None)
    assert (prefs.quiet_start, prefs.quiet_end) == (None, None)


def test_no_topics_at_all(client, resident):
    client.post(URL, form_data(categories=None))

    assert topics_of(resident) == set()


@pytest.mark.parametrize(("change", "field", "text"), [
    ({"phone_number": "call me maybe"}, "phone_number", "Give a mobile number such as 090-1234-5678."),
    ({"phone_number": "090-12"}, "phone_number", "Give a mobile number such as 090-1234-5678."),
    ({"sms_enabled": "on"}, "phone_number", "Give a mobile number to receive SMS."),
    ({"quiet_start": "22:00"}, "quiet_end", "Give both the start and the end of quiet hours, or neither."),
    ({"quiet_end": "06:00"}, "quiet_end", "Give both the start and the end of quiet hours, or neither."),
    ({"quiet_start": "25:61", "quiet_end": "07:00"}, "quiet_start", "Enter a valid time."),
    ({"age_band": "100+"}, "age_band", "Select a valid choice."),
    ({"categories": ["disaster", "gossip"]}, "categories", "Select a valid choice."),
])
def test_errors_are_shown_on_their_field_and_nothing_is_saved(client, resident, change, field, text):
    before = topics_of(resident)

    response = client.post(URL, form_data(**change))

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {field}
    assert any(text in error for error in form.errors[field])
    page = response.content.decode()
    # The summary names the field and links to it; the field carries its own message.
    assert f'<a href="#id_{field}">{form[field].label}: ' in page
    assert f'<div id="id_{field}_error"><p class="error">{form[field].label}: ' in page
    # One form, one save: the topics ticked in the refused form were not stored either.
    assert topics_of(resident) == before
    prefs = services.preferences_of(resident)
    assert (prefs.sms_enabled, prefs.phone_number, prefs.quiet_start, prefs.age_band) == (False, "", None, "")


def test_the_line_link_shows_whether_line_is_linked(client, resident):
    page = client.get(URL).content.decode()
    assert "Not linked" in page
    assert 'href="/notifications/line/link/"' in page

    link = LineLink.objects.create(user=resident, line_user_id="U" + "1" * 32)
    assert "<strong>Linked</strong>" in client.get(URL).content.decode()

    link.following = False
    link.save()
    assert "Linked, but blocked" in client.get(URL).content.decode()


def test_browser_notification_controls_are_on_the_page(client, resident):
    response = client.get(URL)

    assert "notifications/_push_controls.html" in [t.name for t in response.templates]
