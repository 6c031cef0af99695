"""Circular read confirmation (回覧板): who has read it, reminders to the rest, the Done-when chain."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.neighbourhood.choices import PostKind
from apps.neighbourhood.models import Bulletin, BulletinRead
from apps.notifications.choices import Channel
from apps.notifications.models import Delivery, Message
from apps.notifications.services import set_topics

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def inbox_recipients(message_id: int) -> set[int]:
    return set(Delivery.objects.filter(message_id=message_id, channel=Channel.INBOX)
               .values_list("recipient_id", flat=True))


def test_officer_posts_a_circular_sees_who_read_it_and_reminds_the_rest(client, association, other_association,
                                                                        officer, make_member, run_broadcast):
    """Done when: an officer posts a circular, sees who read it, reminds the rest."""
    readers = [make_member(association) for _ in range(2)]
    late = [make_member(association) for _ in range(3)]
    outsider = make_member(other_association)
    for person in (officer, *readers, *late, outsider):
        # Residents hear about their community only if they chose it (notifications' opt-in).
        set_topics(user=person, categories=["community"])

    client.force_login(officer)
    response = client.post(reverse("neighbourhood:bulletin_new", args=[association.slug]), {
        "kind": "circular", "category": "disaster", "title": "Evacuation drill", "body": "Sunday 9:00 at the park",
        "visibility": "members"})
    assert response.status_code == 302
    circular = Bulletin.objects.get(title="Evacuation drill")
    run_broadcast(Message.objects.get(pk=circular.message_id))
    members = {officer.pk, *(u.pk for u in readers + late)}
    assert inbox_recipients(circular.message_id) == members
    assert outsider.pk not in inbox_recipients(circular.message_id)

    for reader in readers:
        client.force_login(reader)
        detail = reverse("neighbourhood:bulletin_detail", args=[association.slug, circular.pk])
        client.get(detail)  # opening from the notification marks the inbox row read
        assert Delivery.objects.get(message_id=circular.message_id, recipient=reader,
                                    channel=Channel.INBOX).read_at is not None
        client.post(reverse("neighbourhood:bulletin_read", args=[association.slug, circular.pk]))
        client.post(reverse("neighbourhood:bulletin_read", args=[association.slug, circular.pk]))  # twice: once
    assert BulletinRead.objects.filter(bulletin=circular).count() == 2

    client.force_login(officer)
    page = client.get(reverse("neighbourhood:bulletin_reads", args=[association.slug, circular.pk]))
    assert page.status_code == 200
    assert page.context["read_count"] == 2 and page.context["unread_count"] == 4  # 3 late + the officer
    unread = client.get(reverse("neighbourhood:bulletin_reads", args=[association.slug, circular.pk]) + "?show=unread")
    assert {m.user_id for m in unread.context["page"].object_list} == {officer.pk, *(u.pk for u in late)}

    response = client.post(reverse("neighbourhood:bulletin_remind", args=[association.slug, circular.pk]))
    assert response.status_code == 302
    circular.refresh_from_db()
    reminder = Message.objects.get(pk=circular.reminder_message_id)
    assert reminder.audience["segments"][0]["kind"] == "bulletin_unread"
    run_broadcast(reminder)
    assert inbox_recipients(reminder.pk) == {officer.pk, *(u.pk for u in late)}

    # A second reminder within the hour is refused, and the page says so.
    again = client.post(reverse("neighbourhood:bulletin_remind", args=[association.slug, circular.pk]), follow=True)
    assert "less than an hour ago" in again.content.decode()
    assert Message.objects.filter(title__startswith="Reminder").count() == 1
    page = client.get(reverse("neighbourhood:bulletin_reads", args=[association.slug, circular.pk]))
    assert "at most once an hour" in page.content.decode() and page.context["next_reminder_at"] is not None

    # An hour later it may go again.
    Bulletin.objects.filter(pk=circular.pk).update(reminded_at=timezone.now() - timedelta(minutes=61))
    assert api(officer).post(reverse("api:neighbourhood-bulletin-remind",
                                     args=[association.slug, circular.pk])).status_code == 202


def test_read_status_is_for_officers_only(client, association, other_association, officer, member, make_member,
                                          make_user):
    from apps.neighbourhood.services.posts import create_bulletin

    circular = create_bulletin(author=officer, association=association, kind=PostKind.CIRCULAR, category="notice",
                               title="Circular", body="Text", visibility="public")
    reads = reverse("neighbourhood:bulletin_reads", args=[association.slug, circular.pk])
    remind = reverse("neighbourhood:bulletin_remind", args=[association.slug, circular.pk])
    api_reads = reverse("api:neighbourhood-bulletin-reads", args=[association.slug, circular.pk])
    client.force_login(member)
    assert client.get(reads).status_code == 403
    assert client.post(remind).status_code == 403
    assert api(member).get(api_reads).status_code == 403
    other_officer = make_member(other_association, role="officer")
    client.force_login(other_officer)
    assert client.get(reads).status_code == 403  # the post is public, its read status is not
    assert api(other_officer).get(api_reads).status_code == 403
    assert not Message.objects.filter(title__startswith="Reminder").exists()
    client.logout()
    assert client.get(reads).status_code == 302  # to sign in


def test_api_read_and_reads(association, officer, member):
    from apps.neighbourhood.services.posts import create_bulletin

    circular = create_bulletin(author=officer, association=association, kind=PostKind.CIRCULAR, category="notice",
                               title="Circular", body="Text")
    first = api(member).post(reverse("api:neighbourhood-bulletin-read", args=[association.slug, circular.pk]))
    second = api(member).post(reverse("api:neighbourhood-bulletin-read", args=[association.slug, circular.pk]))
    assert first.status_code == 200 and first.json()["read_at"] == second.json()["read_at"]
    data = api(officer).get(reverse("api:neighbourhood-bulletin-reads", args=[association.slug, circular.pk])
                            + "?show=read").json()
    assert data["read_count"] == 1 and data["member_count"] == 2 and data["unread_count"] == 1
    assert len(data["members"]) == 1 and data["members"][0]["read_at"] is not None
