"""Drafting, the two-person rule, approval reaching every medium at once, updates and cancels."""

from __future__ import annotations

import feedparser
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.alerts import models as alert_models
from apps.alerts import selectors
from apps.alerts.choices import AlertState, WebhookState
from apps.alerts.models import Alert, WebhookDelivery, WebhookReceiver
from apps.alerts.services import compose, publishing
from apps.alerts.services.areas import AreaChoice
from apps.notifications.audiences import parse_audience
from apps.notifications.choices import Category, Priority
from apps.notifications.models import Delivery


def home(user):
    from apps.accounts.models import Profile

    return Profile.objects.get(user=user).home_location


def recipients(alert: Alert) -> set[int]:
    audience = parse_audience(alert.message.audience)
    from apps.accounts.models import User

    return set(User.objects.filter(audience.as_q()).values_list("id", flat=True))


def test_only_city_staff_draft(make_user, flood_content):
    with pytest.raises(PermissionDenied):
        compose.draft(user=make_user("resident"), content=flood_content())
    assert not Alert.objects.exists()


def test_draft_errors_name_each_field(drafter, flood_content):
    with pytest.raises(ValidationError) as caught:
        compose.draft(user=drafter, content=flood_content(
            headline="", urgency="Soon", evacuation_level=7, event_type="nope", headline_en="x", description_en="",
            area=AreaChoice(), shelter_ids=[999999]))
    assert set(caught.value.message_dict) >= {"headline", "urgency", "evacuation_level", "event_type",
                                              "description_en", "area", "shelter_ids"}
    assert not Alert.objects.exists()


def test_area_errors_name_the_area_field(drafter, flood_content):
    for area, field in ((AreaChoice(district_ids=[987654]), "district_ids"), (AreaChoice(hazard_zone_id=987654),
                        "hazard_zone"), (AreaChoice(polygon={"type": "Point", "coordinates": [1, 2]}), "polygon"),
                        (AreaChoice(circle=(34.6, 133.9, 99_999)), "circle")):
        with pytest.raises(ValidationError) as caught:
            compose.draft(user=drafter, content=flood_content(area=area))
        assert field in caught.value.message_dict


def test_the_drafter_can_never_approve_their_own_alert(drafter, flood_content):
    alert = compose.draft(user=drafter, content=flood_content())
    with pytest.raises(PermissionDenied):
        publishing.approve(alert=alert, approver=drafter)
    alert.refresh_from_db()
    assert alert.state == AlertState.PENDING and alert.cap_xml == "" and alert.message_id is None


def test_residents_cannot_approve(drafter, make_user, flood_content):
    alert = compose.draft(user=drafter, content=flood_content())
    with pytest.raises(PermissionDenied):
        publishing.approve(alert=alert, approver=make_user("resident"))


def test_an_event_type_without_the_rule_lets_the_drafter_publish(drafter, flood_content, event_types):
    event_types["fire"].two_person_rule = False
    event_types["fire"].save()
    alert = compose.draft(user=drafter, content=flood_content(event_type="fire"))
    assert publishing.approve(alert=alert, approver=drafter).state == AlertState.CURRENT


def test_approval_reaches_every_medium_at_once(drafter, approver, flood_content, inside_and_outside, client,
                                               django_capture_on_commit_callbacks):
    WebhookReceiver.objects.create(name="FM relay", url="http://127.0.0.1:9/hook", secret="s")
    WebhookReceiver.objects.create(name="Signage (drills only off)", url="http://127.0.0.1:9/x", secret="s",
                                   active=False)
    alert = compose.draft(user=drafter, content=flood_content())
    with django_capture_on_commit_callbacks(execute=False):
        alert = publishing.approve(alert=alert, approver=approver)
    assert alert.state == AlertState.CURRENT and alert.sent and alert.approved_by == approver
    # Notifications: disaster category, emergency priority, Japanese with an English variant.
    message = alert.message
    assert (message.category, message.priority) == (Category.DISASTER, Priority.EMERGENCY)
    assert message.title == alert.headline and "直ちに避難してください。" in message.body
    assert message.variants.get(language="en").title == alert.headline_en
    assert recipients(alert) == {inside_and_outside["inside"].id}
    # CAP and the feed: there already, before any worker ran.
    assert client.get(f"/alerts/{alert.pk}/cap.xml").status_code == 200
    feed = feedparser.parse(client.get("/alerts/feed.atom").content)
    assert not feed.bozo and [e.id for e in feed.entries] == [alert.identifier]
    # Webhooks: one queued row per active receiver.
    assert list(WebhookDelivery.objects.values_list("receiver__name", "state")) == [("FM relay", WebhookState.QUEUED)]
    # Banner.
    assert [row["id"] for row in selectors.banner()] == [alert.id]


def test_district_alerts_reach_residents_by_home_or_by_profile_district(drafter, approver, flood_content,
                                                                        resident_in, demo_map):
    by_home = resident_in("03", with_district=False)
    by_district_only = resident_in("03")
    from apps.accounts.services import update_profile

    update_profile(user=by_district_only, home_location=None, district=demo_map.districts["03"])
    other = resident_in("04")
    alert = publishing.approve(alert=compose.draft(user=drafter, content=flood_content(
        area=AreaChoice(district_ids=[demo_map.districts["03"].id]))), approver=approver)
    assert recipients(alert) == {by_home.id, by_district_only.id}
    assert other.id not in recipients(alert)
    assert alert.area_desc == demo_map.districts["03"].name


def test_a_circle_and_a_drawn_polygon_are_areas_too(drafter, approver, flood_content, inside_and_outside):
    point = home(inside_and_outside["inside"])
    circle = compose.draft(user=drafter, content=flood_content(area=AreaChoice(circle=(point.y, point.x, 50))))
    x, y = point.x, point.y
    drawn = compose.draft(user=drafter, content=flood_content(area=AreaChoice(polygon={
        "type": "Polygon", "coordinates": [[[x - 0.001, y - 0.001], [x + 0.001, y - 0.001], [x + 0.001, y + 0.001],
                                            [x - 0.001, y - 0.001]]]})))
    for alert in (circle, drawn):
        assert recipients(publishing.approve(alert=alert, approver=approver)) == {inside_and_outside["inside"].id}


def test_exercises_reach_only_opted_in_testers_in_the_area(drafter, approver, flood_content, resident_in,
                                                           inside_and_outside, flood_zone):
    tester_inside = resident_in("01", with_district=False, at=home(inside_and_outside["inside"]))
    tester_elsewhere = resident_in("05")
    for user in (tester_inside, tester_elsewhere):
        alert_models.TesterOptIn.objects.create(user=user)
    alert = publishing.approve(alert=compose.draft(user=drafter, content=flood_content(cap_status="Exercise")),
                               approver=approver)
    assert recipients(alert) == {tester_inside.id}
    assert alert.message.priority == Priority.HIGH and alert.message.title.startswith("【訓練】")
    assert selectors.banner() == []  # an exercise is not shown to the public


def test_update_supersedes_and_cancel_ends_and_removes_the_banner(drafter, approver, flood_content,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = publishing.approve(alert=compose.draft(user=drafter, content=flood_content()), approver=approver)
    assert [r["id"] for r in selectors.banner()] == [first.id]
    with django_capture_on_commit_callbacks(execute=True):
        update = compose.draft_update(user=drafter, original=first, content=flood_content(evacuation_level=5))
        with pytest.raises(ValidationError):  # one follow-up at a time
            compose.draft_cancel(user=drafter, original=first)
        update = publishing.approve(alert=update, approver=approver)
    first.refresh_from_db()
    assert first.state == AlertState.SUPERSEDED and update.references == first.reference()
    assert [r["id"] for r in selectors.banner()] == [update.id]
    with django_capture_on_commit_callbacks(execute=True):
        cancel = publishing.approve(alert=compose.draft_cancel(user=drafter, original=update, note="解除します"),
                                    approver=approver)
    update.refresh_from_db()
    assert update.state == AlertState.CANCELLED and cancel.msg_type == "Cancel"
    assert selectors.banner() == []
    assert cancel.message.title.startswith("【解除】") and cancel.message.priority == Priority.EMERGENCY
    assert recipients(cancel) == recipients(first)
    with pytest.raises(ValidationError):
        compose.draft_update(user=drafter, original=update, content=flood_content())


def test_an_approved_alert_cannot_be_approved_twice(drafter, approver, make_user, flood_content):
    alert = publishing.approve(alert=compose.draft(user=drafter, content=flood_content()), approver=approver)
    with pytest.raises(ValidationError):
        publishing.approve(alert=alert, approver=make_user("city_staff"))
    assert Delivery.objects.count() == 0  # nothing ran: the fan-out waits for the commit


def test_an_update_starts_from_the_same_area_choice(drafter, approver, flood_content, demo_map, flood_zone):
    choice = AreaChoice(district_ids=[demo_map.districts["03"].id], hazard_zone_id=flood_zone.id,
                        circle=(34.6, 133.9, 300.0))
    original = publishing.approve(alert=compose.draft(user=drafter, content=flood_content(area=choice)),
                                  approver=approver)
    again = compose.content_of(original).area
    assert (again.district_ids, again.hazard_zone_id, again.circle) == (choice.district_ids, flood_zone.id,
                                                                       (34.6, 133.9, 300.0))
    update = compose.draft_update(user=drafter, original=original, content=compose.content_of(original))
    assert update.area.equals_exact(original.area, tolerance=1e-9)


def test_an_update_cannot_turn_an_alert_into_an_exercise(drafter, approver, flood_content):
    original = publishing.approve(alert=compose.draft(user=drafter, content=flood_content()), approver=approver)
    with pytest.raises(ValidationError) as caught:
        compose.draft_update(user=drafter, original=original, content=flood_content(cap_status="Exercise"))
    assert "cap_status" in caught.value.message_dict


def test_exercises_go_only_to_receivers_that_ask_for_them(drafter, approver, flood_content):
    WebhookReceiver.objects.create(name="Signage", url="http://127.0.0.1:9/a", secret="s")
    WebhookReceiver.objects.create(name="Drill relay", url="http://127.0.0.1:9/b", secret="s", include_exercises=True)
    publishing.approve(alert=compose.draft(user=drafter, content=flood_content(cap_status="Test")), approver=approver)
    assert list(WebhookDelivery.objects.values_list("receiver__name", flat=True)) == ["Drill relay"]


def test_a_rejected_alert_goes_nowhere(drafter, approver, flood_content):
    alert = compose.reject(alert=compose.draft(user=drafter, content=flood_content()), user=approver)
    assert alert.state == AlertState.REJECTED
    with pytest.raises(ValidationError):
        publishing.approve(alert=alert, approver=approver)
    alert.refresh_from_db()
    assert alert.message_id is None and alert.cap_xml == ""
