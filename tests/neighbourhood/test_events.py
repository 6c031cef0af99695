"""Events: creation and notification, RSVP with capacity, replacement and closing, privacy, API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.neighbourhood.choices import MemberRole, PostStatus, RSVPAnswer, Visibility
from apps.neighbourhood.models import RSVP, Event, PostingRules
from apps.neighbourhood.services import events as services
from apps.notifications.models import Message

pytestmark = pytest.mark.django_db


def make_event(association, author, **extra) -> Event:
    start = timezone.now() + dt.timedelta(days=3)
    fields = {"title": "夏祭り", "description": "<p>盆踊り</p><script>x()</script>", "starts_at": start,
              "ends_at": start + dt.timedelta(hours=3), "place": "旭町公園", "visibility": Visibility.MEMBERS}
    fields.update(extra)
    return services.create_event(author=author, association=association, **fields)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_officer_creates_event_cleaned_and_members_notified(association, officer, member):
    event = make_event(association, officer)
    assert event.status == PostStatus.PUBLISHED
    assert "<script>" not in event.description and "盆踊り" in event.description
    message = Message.objects.get(pk=event.message_id)
    assert message.category == "events" and message.organisation_name == association.name
    assert message.audience["segments"][0]["kind"] == "association_members"


def test_ends_must_follow_starts_and_errors_name_fields(association, officer):
    start = timezone.now() + dt.timedelta(days=1)
    response = api(officer).post(reverse("api:neighbourhood-events", args=[association.slug]), {
        "title": "", "starts_at": start.isoformat(), "ends_at": start.isoformat(), "capacity": 0,
        "location": {"lat": 95, "lon": 10}, "colour": "red"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"title", "capacity", "location.lat", "colour"} <= set(errors)
    with pytest.raises(Exception) as excinfo:
        make_event(association, officer, ends_at=start - dt.timedelta(hours=1), starts_at=start)
    assert "ends_at" in excinfo.value.message_dict


def test_plain_member_posts_only_when_rules_allow(association, member, officer):
    response = api(member).post(reverse("api:neighbourhood-events", args=[association.slug]), {
        "title": "清掃", "starts_at": "2030-05-01T09:00:00+09:00", "ends_at": "2030-05-01T10:00:00+09:00"},
        format="json")
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_member_event_waits_for_approval_when_rules_say_so(association, member, officer):
    PostingRules.objects.update_or_create(association=association, defaults={
        "members_may_post": True, "approval_required": True})
    event = make_event(association, member)
    assert event.status == PostStatus.PENDING_APPROVAL and event.message_id is None
    # Other members do not see it yet; the officer approves and members are told.
    other = api(officer).get(reverse("api:neighbourhood-events", args=[association.slug])).json()
    assert [e["id"] for e in other] == [event.pk]
    services.approve_event(user=officer, event=event)
    event.refresh_from_db()
    assert event.status == PostStatus.PUBLISHED and event.message_id


def test_capacity_counts_guests(association, officer, make_member):
    event = make_event(association, officer, capacity=4)
    first, second, third = (make_member(association) for _ in range(3))
    services.rsvp(user=first, event=event, answer=RSVPAnswer.YES, guests=2)  # 3 people
    url = reverse("api:neighbourhood-event-rsvp", args=[association.slug, event.pk])
    response = api(second).put(url, {"answer": "yes", "guests": 1}, format="json")
    assert response.status_code == 400 and "guests" in response.json()["errors"]
    assert api(second).put(url, {"answer": "yes"}, format="json").status_code == 200
    full = api(third).put(url, {"answer": "yes"}, format="json")
    assert full.status_code == 400 and "answer" in full.json()["errors"]
    # "Maybe" does not take a place.
    assert api(third).put(url, {"answer": "maybe"}, format="json").status_code == 200
    assert services.attending_count(event) == 4


def test_changing_an_answer_replaces_it(association, officer, member):
    event = make_event(association, officer, capacity=2)
    client = api(member)
    url = reverse("api:neighbourhood-event-rsvp", args=[association.slug, event.pk])
    assert client.put(url, {"answer": "yes", "guests": 1}, format="json").status_code == 200
    # Re-answering does not count the member's own earlier places against the capacity.
    assert client.put(url, {"answer": "yes", "guests": 1}, format="json").status_code == 200
    assert client.put(url, {"answer": "no", "guests": 1}, format="json").status_code == 200
    rows = RSVP.objects.filter(event=event)
    assert rows.count() == 1 and rows.get().answer == "no" and rows.get().guests == 0


def test_rsvp_closes_when_event_starts(association, officer, member):
    event = make_event(association, officer)
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=1))
    response = api(member).put(reverse("api:neighbourhood-event-rsvp", args=[association.slug, event.pk]),
                               {"answer": "yes"}, format="json")
    assert response.status_code == 400 and "answer" in response.json()["errors"]
    page = post_as(member, reverse("neighbourhood:event_detail", args=[association.slug, event.pk]),
                   {"answer": "yes", "guests": 0})
    assert page.status_code == 400
    assert not RSVP.objects.exists()


def post_as(user, url, data):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.post(url, data)


def test_rsvp_page_and_officer_attendee_list(client, association, officer, member):
    event = make_event(association, officer)
    client.force_login(member)
    url = reverse("neighbourhood:event_detail", args=[association.slug, event.pk])
    response = client.post(url, {"answer": "yes", "guests": 2})
    assert response.status_code == 302
    assert RSVP.objects.get(event=event, user=member).guests == 2
    membership_name = member.memberships.get().real_name
    page = client.get(url).content.decode()
    assert membership_name not in page  # a member does not see the attendee list
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert membership_name in page
    attendees = api(member).get(reverse("api:neighbourhood-event-attendees", args=[association.slug, event.pk]))
    assert attendees.status_code == 403
    attendees = api(officer).get(reverse("api:neighbourhood-event-attendees", args=[association.slug, event.pk]))
    assert attendees.status_code == 200
    assert attendees.json()["counts"]["people"] == 3
    assert attendees.json()["attendees"][0]["name"] == membership_name


def test_member_only_events_hidden_from_outsiders(client, association, other_association, officer, make_member,
                                                  make_user):
    event = make_event(association, officer)
    public = make_event(association, officer, title="防災訓練", visibility=Visibility.PUBLIC)
    outsider = make_member(other_association, MemberRole.OFFICER)
    detail = reverse("neighbourhood:event_detail", args=[association.slug, event.pk])
    api_detail = reverse("api:neighbourhood-event", args=[association.slug, event.pk])
    for user in (None, outsider, make_user("resident")):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        assert client.get(detail).status_code == 404
        assert client.get(reverse("neighbourhood:event_ics", args=[association.slug, event.pk])).status_code == 404
        listing = client.get(reverse("neighbourhood:event_list", args=[association.slug])).content.decode()
        assert "夏祭り" not in listing and "防災訓練" in listing
        assert api(user).get(api_detail).status_code == 404
        titles = [e["title"] for e in api(user).get(reverse("api:neighbourhood-events",
                                                            args=[association.slug])).json()]
        assert titles == ["防災訓練"]
        assert client.get(reverse("neighbourhood:event_detail", args=[association.slug, public.pk])).status_code == 200
    # Nor can they answer, change or cancel it.
    assert api(outsider).put(reverse("api:neighbourhood-event-rsvp", args=[association.slug, event.pk]),
                             {"answer": "yes"}, format="json").status_code == 404
    assert api(outsider).delete(api_detail).status_code == 404
    assert api(outsider).put(reverse("api:neighbourhood-event-rsvp", args=[association.slug, public.pk]),
                             {"answer": "yes"}, format="json").status_code == 403


def test_edit_bumps_sequence_and_cancel_marks_event(client, association, officer, member):
    event = make_event(association, officer)
    url = reverse("api:neighbourhood-event", args=[association.slug, event.pk])
    assert api(member).patch(url, {"title": "x"}, format="json").status_code == 403
    response = api(officer).patch(url, {"place": "公民館", "location": {"lat": 35.0, "lon": 135.0}}, format="json")
    assert response.status_code == 200
    assert response.json()["sequence"] == 1 and response.json()["place"] == "公民館"
    assert response.json()["location"] == {"lat": 35.0, "lon": 135.0}
    assert api(officer).delete(url).status_code == 204
    event.refresh_from_db()
    assert event.cancelled_at is not None and event.sequence == 2
    assert api(member).put(reverse("api:neighbourhood-event-rsvp", args=[association.slug, event.pk]),
                           {"answer": "yes"}, format="json").status_code == 400


def test_event_form_takes_japan_time(client, association, officer):
    client.force_login(officer)
    response = client.post(reverse("neighbourhood:event_create", args=[association.slug]), {
        "title": "餅つき", "description": "", "starts_at": "2030-01-05T10:00", "ends_at": "2030-01-05T12:00",
        "place": "集会所", "lat": "34.6", "lon": "133.9", "capacity": "", "visibility": "public"})
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.starts_at == dt.datetime(2030, 1, 5, 1, 0, tzinfo=dt.UTC)
    assert event.location == Point(133.9, 34.6, srid=4326)
    bad = client.post(reverse("neighbourhood:event_create", args=[association.slug]), {
        "title": "x", "starts_at": "2030-01-05T10:00", "ends_at": "2030-01-05T09:00", "visibility": "public",
        "lat": "34.6"})
    assert bad.status_code == 400
    assert bad.context["form"].has_error("ends_at") and bad.context["form"].has_error("lon")


def test_event_comments_reactions_and_reports(client, association, other_association, officer, member,
                                              make_member):
    from apps.neighbourhood.models import Comment, ModerationReport, Reaction

    event = make_event(association, officer)
    client.force_login(member)
    base = [association.slug, event.pk]
    assert client.post(reverse("neighbourhood:event_comment", args=base), {"body": "参加します"}).status_code == 302
    assert client.post(reverse("neighbourhood:event_react", args=base), {"kind": "thanks"}).status_code == 302
    assert client.post(reverse("neighbourhood:event_report", args=base), {"reason": "日付が違う"}).status_code == 302
    assert Comment.objects.get().body == "参加します" and Reaction.objects.count() == 1
    assert ModerationReport.objects.get().association == association
    assert "参加します" in client.get(reverse("neighbourhood:event_detail", args=base)).content.decode()
    # Officers close comments; members cannot.
    assert client.post(reverse("neighbourhood:event_comments_closed", args=base), {"closed": "1"}).status_code == 403
    client.force_login(officer)
    client.post(reverse("neighbourhood:event_comments_closed", args=base), {"closed": "1"})
    client.force_login(member)
    assert client.post(reverse("neighbourhood:event_comment", args=base), {"body": "もう一件"}).status_code == 400
    # An outsider cannot even find the event to comment on.
    client.force_login(make_member(other_association))
    assert client.post(reverse("neighbourhood:event_comment", args=base), {"body": "x"}).status_code == 404
    assert Comment.objects.count() == 1
