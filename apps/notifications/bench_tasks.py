"""The naive baseline for bench_broadcast: one task and one send_mail per recipient.

Kept apart from tasks.py because nothing in the portal should ever send this way.
"""

from celery import shared_task
from django.core.mail import send_mail


@shared_task(name="notifications.bench.naive_send_mail")
def naive_send_mail(address: str) -> int:
    return send_mail("【緊急】避難指示", "直ちに避難してください。", None, [address])
