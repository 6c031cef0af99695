"""Notices to residents go through the real fan-out: a Celery worker process delivers them."""

from __future__ import annotations

import time

import pytest

from apps.counter.services import inquiries as inquiry_services
from apps.counter.services import reports as report_services
from apps.notifications.choices import Channel, DeliveryStatus, MessageStatus
from apps.notifications.models import Delivery, Message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def delivered_to(user, message_id: int, timeout: float = 30.0) -> bool:
    """The inbox delivery is done and the worker has finished the message (on SQLite the test's
    next write would otherwise wait for the worker's write lock)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = Message.objects.get(pk=message_id)
        if (message.status == MessageStatus.SENT
                and Delivery.objects.filter(message_id=message_id, recipient=user, channel=Channel.INBOX,
                                            status=DeliveryStatus.DELIVERED).exists()
                and not Delivery.objects.filter(message_id=message_id, status__in=[
                    DeliveryStatus.QUEUED, DeliveryStatus.SENDING]).exists()):
            return True
        time.sleep(0.1)
    return False


def test_a_report_update_and_an_inquiry_answer_reach_the_residents_inbox_through_a_worker(
        celery_worker_process, make_user, road_service, road_clerk, department, clerk, approver):
    resident = make_user("resident")
    report = report_services.submit_report(service=road_service, description="穴", lat=34.65, lon=133.92,
                                           attributes={"size": "small"}, reporter=resident)
    report_services.update_report(report=report, user=road_clerk, status="in_progress", note="工事を手配しました。")
    notice = Message.objects.filter(title__contains="通報の状況").get()
    assert delivered_to(resident, notice.pk), "the worker did not deliver the report notice"

    inquiry = inquiry_services.ask(department=department, subject="質問", body="本文", asker=resident)
    inquiry_services.draft_answer(inquiry=inquiry, user=clerk, text="回答です。")
    answered = inquiry_services.approve_answer(inquiry=inquiry, user=approver)
    assert delivered_to(resident, answered.reply_message_id), "the worker did not deliver the answer"
    assert not Delivery.objects.exclude(recipient=resident).filter(
        message_id__in=[notice.pk, answered.reply_message_id]).exists()
