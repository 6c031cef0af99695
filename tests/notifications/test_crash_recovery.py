"""Kill the worker (SIGKILL) in the middle of a broadcast, start another: everyone gets it once.

SMTP has no way to make "the server accepted the mail" and "the ledger says sent" one
atomic step, so a mail accepted in the instant before the kill is sent again after it.
Every mail carries a Message-ID that is stable per delivery, and mailboxes drop a second
copy with the same Message-ID: the test counts what each mailbox holds (unique
Message-IDs per address) and separately bounds the copies on the wire: the e-mail
transport marks accepted mails in groups, one group's marks in flight while the next is
sent, so at most RESENT_AT_MOST (two groups) per kill.
"""

import collections
import time

import pytest

from apps.geo.models import District
from apps.notifications import services, tasks
from apps.notifications.choices import Channel, DeliveryStatus, MessageStatus
from apps.notifications.models import Delivery, Message
from apps.notifications.population import create_residents
from apps.notifications.transports.email import RESENT_AT_MOST
from tests.support.smtp import SmtpSink
from tests.support.worker import running_worker

pytestmark = pytest.mark.django_db(transaction=True)

RESIDENTS = 1500


def test_sigkill_mid_broadcast_loses_nothing_and_sends_nothing_twice(sender, demo_map):
    counts = create_residents(count=RESIDENTS, prefix="crash", mix={"email": 0.8, "inbox": 0.2})
    expected_mails = counts["email"]
    with SmtpSink() as sink:
        env = {"EMAIL_HOST": sink.host, "EMAIL_PORT": str(sink.port), "NOTIFICATION_CHUNK_SIZE": "100"}
        with running_worker(name="doomed", env=env) as doomed:
            message = services.publish(
                sender=sender, title="給水のお知らせ", body="給水車が中央公園に来ます。", category="disaster",
                audience={"segments": [{"kind": "district",
                                        "ids": list(District.objects.values_list("id", flat=True))}]},
            )
            deadline = time.monotonic() + 120
            while len(sink.messages) < expected_mails // 4:
                assert time.monotonic() < deadline, "the first worker never got going"
                time.sleep(0.05)
            doomed.kill()  # SIGKILL: no shutdown, no acks, whatever was in flight is cut off
            doomed.wait()
        sent_before_restart = len(sink.messages)
        assert sent_before_restart < expected_mails, "the crash came too late to test anything"

        with running_worker(name="rescuer", env=env):
            deadline = time.monotonic() + 180
            while True:
                # What beat does every two minutes, here every second.
                tasks.recover_stalled(older_than_seconds=1)
                pending = Delivery.objects.filter(
                    message=message, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]).count()
                if pending == 0 and Message.objects.get(id=message.id).status == MessageStatus.SENT:
                    break
                assert time.monotonic() < deadline, f"{pending} deliveries still pending"
                time.sleep(1)
            time.sleep(1)  # let any duplicate that would have been sent arrive

    mailboxes = collections.defaultdict(set)
    for mail in sink.messages:
        mailboxes[mail["To"]].add(mail["Message-ID"])
    assert len(mailboxes) == expected_mails
    assert all(len(ids) == 1 for ids in mailboxes.values())  # each mailbox holds it once
    wire_copies = len(sink.messages) - expected_mails
    assert wire_copies <= RESENT_AT_MOST, f"{wire_copies} mails went out twice; at most two unmarked groups may"
    rows = Delivery.objects.filter(message=message)
    assert rows.filter(channel=Channel.EMAIL, status=DeliveryStatus.SENT).count() == expected_mails
    assert rows.filter(channel=Channel.INBOX, status=DeliveryStatus.DELIVERED).count() == RESIDENTS
    assert Message.objects.get(id=message.id).recipient_count == RESIDENTS
