"""A message to a handful of named people is fanned out in the sender's own transaction."""

import pytest

from apps.notifications.audiences.registry import FEW_PEOPLE
from apps.notifications.choices import DeliveryStatus, MessageStatus, OrganisationKind
from apps.notifications.models import Delivery, Message
from apps.notifications.services import Organisation, publish

pytestmark = pytest.mark.django_db

CITY = Organisation(OrganisationKind.DEPARTMENT, 0, "市民課")


def _publish(user_ids: list[int]) -> Message:
    return publish(sender=None, title="手続きのお知らせ", body="申請を受け付けました。", category="administration",
                   audience={"segments": [{"kind": "explicit", "user_ids": user_ids}]}, organisation=CITY)


def test_a_few_people_have_their_inbox_notice_when_the_sender_commits(make_user, django_capture_on_commit_callbacks):
    residents = [make_user("resident") for _ in range(2)]
    with django_capture_on_commit_callbacks() as queued:
        message = _publish([r.id for r in residents])
    message.refresh_from_db()
    # Resolved at once: no fan-out task stands between the sender and the inbox.
    assert message.status == MessageStatus.SENT and message.recipient_count == 2
    inbox = Delivery.objects.filter(message=message, channel="inbox")
    assert set(inbox.values_list("recipient_id", flat=True)) == {r.id for r in residents}
    assert set(inbox.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    # E-mail still goes through a worker: its rows wait, queued when the transaction commits.
    email = Delivery.objects.filter(message=message, channel="email")
    assert email.count() == 2 and set(email.values_list("status", flat=True)) == {DeliveryStatus.QUEUED}
    assert len(queued) >= 1


def test_a_long_list_still_waits_for_the_worker(make_user, django_capture_on_commit_callbacks):
    residents = [make_user("resident") for _ in range(FEW_PEOPLE + 1)]
    with django_capture_on_commit_callbacks() as queued:
        message = _publish([r.id for r in residents])
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING and message.recipient_count == 0
    assert not Delivery.objects.filter(message=message).exists()
    assert len(queued) == 1  # the fan-out task
