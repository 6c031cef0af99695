"""A broadcast through a real Celery worker process: publish returns at once, the worker delivers."""

import time

import pytest

from apps.notifications import services
from apps.notifications.choices import Channel, DeliveryStatus, MessageStatus
from apps.notifications.models import Delivery, Message
from tests.notifications.conftest import district_audience
from tests.support.smtp import SmtpSink
from tests.support.worker import running_worker

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(0.1)


def test_worker_delivers_inbox_and_email_exactly_once(sender, resident_in, demo_map):
    residents = [resident_in("01") for _ in range(5)]
    with SmtpSink() as sink, running_worker(env={
        "EMAIL_HOST": sink.host, "EMAIL_PORT": str(sink.port),
    }):
        message = services.publish(sender=sender, title="Test", body="本文", category="administration",
                                   audience=district_audience(demo_map.districts["01"]))
        assert message.status == MessageStatus.SENDING  # publish returned before any delivery
        # Done means the ledger says so (marks follow the SMTP exchange), not just the sink.
        wait_for(lambda: Message.objects.get(id=message.id).status == MessageStatus.SENT
                 and not Delivery.objects.filter(message=message, status__in=[
                     DeliveryStatus.QUEUED, DeliveryStatus.SENDING]).exists())
    rows = Delivery.objects.filter(message=message)
    assert rows.filter(channel=Channel.INBOX, status=DeliveryStatus.DELIVERED).count() == 5
    assert rows.filter(channel=Channel.EMAIL, status=DeliveryStatus.SENT).count() == 5
    assert sorted(m["To"] for m in sink.messages) == sorted(u.email for u in residents)
