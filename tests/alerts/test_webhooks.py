"""Signed webhooks: the receiver checks the HMAC; failures are recorded attempt by attempt."""

from __future__ import annotations

import json

import pytest

from apps.alerts.choices import WebhookState
from apps.alerts.models import WebhookDelivery, WebhookReceiver
from apps.alerts.services import compose, publishing, webhooks
from tests.support.webhook_stub import WebhookReceiver as ReceiverStub


@pytest.fixture
def stub():
    with ReceiverStub(secret="relay-secret") as server:
        yield server


@pytest.fixture
def delivery(stub, drafter, approver, flood_content):
    WebhookReceiver.objects.create(name="FM relay", url=stub.url, secret="relay-secret")
    publishing.approve(alert=compose.draft(user=drafter, content=flood_content()), approver=approver)
    return WebhookDelivery.objects.get()


def test_a_webhook_is_signed_and_carries_the_cap_document(stub, delivery):
    assert webhooks.attempt(delivery.id, last_try=False) is True
    assert stub.rejected == 0 and len(stub.received) == 1
    body = stub.received[0]
    assert body["identifier"] == delivery.alert.identifier and body["cap"] == delivery.alert.cap_xml
    assert body["msgType"] == "Alert" and body["delivery"] == f"alert-{delivery.id}"
    delivery.refresh_from_db()
    assert delivery.state == WebhookState.SENT and delivery.attempts == 1 and delivery.sent_at
    assert webhooks.attempt(delivery.id, last_try=False) is True  # already sent: not sent again
    assert len(stub.received) == 1


def test_a_wrong_secret_is_refused_by_the_receiver_and_recorded_as_failed(stub, delivery):
    WebhookReceiver.objects.update(secret="not-the-shared-one")
    assert webhooks.attempt(delivery.id, last_try=False) is False  # 401 is permanent
    delivery.refresh_from_db()
    assert stub.rejected == 1 and delivery.state == WebhookState.FAILED and delivery.last_error == "HTTP 401"


def test_temporary_failures_retry_and_every_attempt_is_recorded(stub, delivery, client, approver, english):
    stub.fail_next = [503, 503]
    for _ in range(2):
        with pytest.raises(webhooks.TemporaryWebhookError):
            webhooks.attempt(delivery.id, last_try=False)
        delivery.refresh_from_db()
        assert delivery.state == WebhookState.RETRYING
    assert webhooks.attempt(delivery.id, last_try=False) is True
    delivery.refresh_from_db()
    log = list(delivery.attempt_log.values_list("ok", "response_status"))
    assert log == [(False, 503), (False, 503), (True, 204)] and delivery.attempts == 3
    client.force_login(approver)
    page = client.get(f"/alerts/{delivery.alert_id}/").content.decode()
    assert "Webhook: FM relay" in page and "retried 2 times" in page


def test_the_last_try_gives_up_as_failed(stub, delivery):
    stub.fail_next = [503]
    assert webhooks.attempt(delivery.id, last_try=True) is False
    delivery.refresh_from_db()
    assert delivery.state == WebhookState.FAILED


def test_an_unreachable_receiver_is_a_temporary_failure(delivery):
    WebhookReceiver.objects.update(url="http://127.0.0.1:9/hook")
    with pytest.raises(webhooks.TemporaryWebhookError):
        webhooks.attempt(delivery.id, last_try=False)
    assert json.loads(json.dumps(webhooks.payload(delivery.alert)))["cap_url"].endswith("/cap.xml")
