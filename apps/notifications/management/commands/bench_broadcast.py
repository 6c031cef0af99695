"""Broadcast one emergency message to a synthetic city and print the figures as JSON.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/civicportal_bench REDIS_URL=redis://127.0.0.1:6379/4 \\
        python manage.py migrate && python manage.py bench_broadcast --recipients 180000

Use a scratch database: it creates (once, then reuses) `--recipients` residents with a channel
mix of 50% LINE, 25% e-mail, 15% web push and 10% in-app only (all get in-app). It starts its
own local SMTP sink, LINE Messaging API stub and Web Push service, two worker processes, and
measures: audience resolution, first delivery, all sent, per-channel rates, peak worker RSS;
then a naive baseline (one task and one send_mail per recipient) on a sample, and a raw
smtplib loop into the same sink, to compare the e-mail path with its limit.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import smtplib
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Max, Min

from apps.accounts.models import User
from apps.geo.models import District
from apps.notifications import services
from apps.notifications.choices import Channel, DeliveryStatus, MessageStatus, Priority
from apps.notifications.models import Delivery
from apps.notifications.population import PushKeys, create_residents

if TYPE_CHECKING:
    from tests.support.smtp import CountingSink

ROOT = Path(settings.BASE_DIR)
PREFIX = "bench"


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _serve_smtp(controller) -> None:
    """In the forked child: start the sink's event loop thread and wait until killed."""
    controller.start()
    threading.Event().wait()


class Command(BaseCommand):
    help = "Measure one emergency broadcast to a synthetic population (see the module docstring)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--recipients", type=int, default=180_000)
        parser.add_argument("--baseline-sample", type=int, default=2000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--timeout", type=int, default=900)

    def handle(self, *args, recipients: int, baseline_sample: int, workers: int, timeout: int, **options) -> None:
        if not District.objects.exists():
            from apps.geo import demo as geo_demo
            from civicportal.demo import DemoCity

            geo_demo.seed(DemoCity(debug=True, password=None))
        try:  # test tools: not in the production image
            from aiosmtpd.controller import Controller

            from tests.support.forked import forked, shared_counter
            from tests.support.http import free_port
            from tests.support.line_stub import LineStub
            from tests.support.push_stub import PushService
            from tests.support.smtp import CountingSink
        except ImportError as exc:
            raise CommandError(f"bench_broadcast needs the test tools ({exc.name}): "
                               "pip install -r requirements-test.txt") from None

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
        # The SMTP sink and the push service each serve from a process of their own (see
        # tests/support/forked.py); the LINE stub answers a few hundred calls and stays here.
        sink = CountingSink(shared=shared_counter())
        smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
        push = PushService()
        push.share_counts(shared_counter())
        vapid = self._vapid_keys()
        info = push.create_subscription("bench", application_server_key=vapid["public"])
        # Every synthetic subscription shares the "bench" key pair at the stub.
        push.alias_prefix(f"{PREFIX}-", "bench")
        keys = PushKeys(p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"])
        push_base = info["endpoint"].rsplit("/push/", 1)[0]
        line_token = "bench-line-token"  # noqa: S105 -- the local stub's token
        connection.close()  # the children must not share this process's database connection
        with forked(lambda: _serve_smtp(smtp)), forked(push.serve_forever), LineStub(token=line_token) as line:
            created = self._population(recipients, push_base, keys)
            self._analyze()
            env = {
                **os.environ,
                "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port),
                "LINE_API_BASE": line.base_url, "LINE_CHANNEL_ACCESS_TOKEN": line_token,
                "LINE_CHANNEL_SECRET": "bench-secret",
                "VAPID_PUBLIC_KEY": vapid["public"], "VAPID_PRIVATE_KEY": vapid["private"],
                "VAPID_SUBJECT": "mailto:bench@example.jp",
            }
            procs = self._start_workers(workers, env)
            try:
                result = self._broadcast(recipients, sink, timeout, env)
                result["peak_worker_rss_mb"] = max(peak_rss_mb(p.pid) for p in procs)
                result["line_stub_messages"] = sum(len(v) for v in line.received.values())
                result["push_stub_accepted"] = push.accepted_count()
                result["smtp_sink_messages"] = sink.count
                result["baseline"] = self._baseline(baseline_sample, sink, result)
            finally:
                for proc in procs:
                    proc.terminate()
                for proc in procs:
                    proc.wait(timeout=30)
            result["raw_smtplib"] = self._raw_smtplib(smtp.port, 3000)
        push.close()
        if result["channels"].get("email", {}).get("per_second") and result["raw_smtplib"]["per_second"]:
            result["email_vs_raw_smtplib"] = round(
                result["channels"]["email"]["per_second"] / result["raw_smtplib"]["per_second"], 3)
        result.update({
            "benchmark": "broadcast",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "database": connection.vendor,
            "broker": "redis" if settings.CELERY_BROKER_URL.startswith("redis") else "embedded",
            "recipients": recipients,
            "population_created": created,
            "workers": workers,
            "chunk_size": settings.NOTIFICATION_CHUNK_SIZE,
        })
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    # --- steps ----------------------------------------------------------------------------

    def _vapid_keys(self) -> dict[str, str]:
        import base64

        from cryptography.hazmat.primitives import serialization
        from py_vapid import Vapid01

        vapid = Vapid01()
        vapid.generate_keys()
        raw_public = vapid.public_key.public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint)
        raw_private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
        encode = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()  # noqa: E731
        return {"public": encode(raw_public), "private": encode(raw_private)}

    def _population(self, recipients: int, push_base: str, keys: PushKeys) -> dict | str:
        existing = User.objects.filter(email__startswith=f"{PREFIX}-", email__endswith="@bench.invalid").count()
        if existing == recipients:
            # Reuse, but point push subscriptions at this run's stub and keys (one UPDATE).
            from django.db.models import CharField, Value
            from django.db.models.functions import Cast, Concat

            from apps.notifications.models import PushSubscription

            PushSubscription.objects.filter(user__email__startswith=f"{PREFIX}-").update(
                endpoint=Concat(Value(f"{push_base}/push/{PREFIX}-"), Cast("user_id", CharField())),
                p256dh=keys.p256dh, auth=keys.auth,
            )
            return "reused"
        if existing:
            raise CommandError(f"The database has {existing} bench residents, not {recipients}: use a fresh database.")
        started = time.monotonic()
        counts = create_residents(count=recipients, prefix=PREFIX, push_base_url=push_base, push_keys=keys)
        return {**counts, "seconds": round(time.monotonic() - started, 1)}

    def _analyze(self) -> None:
        """Statistics for the tables just filled in bulk, as autovacuum would gather them in
        a while: without them the planner resolves each chunk of the audience by hashing the
        whole profile table (close to a second per chunk at 180,000)."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _start_workers(self, workers: int, env: dict) -> list[subprocess.Popen]:
        procs = []
        for index in range(workers):
            procs.append(subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
                [sys.executable, "-m", "celery", "-A", "civicportal", "worker", "--pool=solo", "--loglevel=warning",
                 "-Q", "emergency,celery", "-n", f"bench{index}@%h", "--without-gossip", "--without-mingle"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL))
        from civicportal.celery import app

        deadline = time.monotonic() + 60
        answered = 0
        while answered < workers and time.monotonic() < deadline:
            try:
                answered = len(app.control.ping(timeout=1.0) or [])
            except Exception:
                time.sleep(0.5)
        return procs

    def _sender(self) -> User:
        from apps.accounts.roles import Role
        from apps.accounts.services import grant_role

        user, _ = User.objects.get_or_create(email="sender@bench.local")
        grant_role(user=user, role=Role.SYSTEM_ADMIN)
        return user

    def _broadcast(self, recipients: int, sink: CountingSink, timeout: int, env: dict) -> dict:
        audience = {"segments": [{"kind": "district", "ids": list(District.objects.values_list("id", flat=True))}]}
        started_wall = datetime.now(UTC)
        started = time.monotonic()
        message = services.publish(sender=self._sender(), title="【緊急】避難指示", body="直ちに避難してください。",
                                   category="disaster", priority=Priority.EMERGENCY, audience=audience)
        publish_returned_s = time.monotonic() - started
        deadline = started + timeout
        resolved_s = None
        while True:
            message.refresh_from_db()
            if resolved_s is None and message.status == MessageStatus.SENT:
                resolved_s = time.monotonic() - started
            pending = Delivery.objects.filter(message=message, status__in=[
                DeliveryStatus.QUEUED, DeliveryStatus.SENDING]).exists()
            if resolved_s is not None and not pending:
                break
            if time.monotonic() > deadline:
                raise CommandError("The broadcast did not finish within --timeout.")
            time.sleep(0.25)
        all_sent_s = time.monotonic() - started
        channels = {}
        first_external = None
        for channel in Channel.values:
            rows = Delivery.objects.filter(message=message, channel=channel)
            stats = rows.aggregate(first=Min("sent_at"), last=Max("sent_at"))
            total = rows.count()
            if not total:
                continue
            span = (stats["last"] - stats["first"]).total_seconds() if stats["first"] else 0
            ok = rows.exclude(status=DeliveryStatus.FAILED).count()
            channels[channel] = {"rows": total, "ok": ok, "failed": total - ok,
                                 "per_second": round(ok / span, 1) if span > 0 else None}
            if channel != Channel.INBOX and stats["first"] is not None:
                first_external = min(first_external or stats["first"], stats["first"])
        return {
            "message_id": message.id,
            "publish_returned_s": round(publish_returned_s, 3),
            "audience_resolve_s": round(resolved_s, 2),
            "first_delivery_s": round((first_external - started_wall).total_seconds(), 2) if first_external else None,
            "all_sent_s": round(all_sent_s, 2),
            "recipients_in_ledger": message.recipient_count,
            "channels": channels,
        }

    def _baseline(self, sample: int, sink: CountingSink, result: dict) -> dict:
        """One Celery task and one send_mail per recipient, as a naive portal would do it."""
        from apps.notifications.bench_tasks import naive_send_mail

        emails = list(User.objects.filter(email__startswith=f"{PREFIX}-", emailaddress__verified=True)
                      .values_list("email", flat=True)[:sample])
        before = sink.count
        started = time.monotonic()
        for address in emails:
            naive_send_mail.apply_async(args=[address], queue="celery")
        deadline = started + 600
        while sink.count - before < len(emails) and time.monotonic() < deadline:
            time.sleep(0.1)
        seconds = time.monotonic() - started
        rate = round(len(emails) / seconds, 1)
        ours = result["channels"].get("email", {}).get("per_second")
        return {"sample": len(emails), "seconds": round(seconds, 2), "emails_per_second": rate,
                "ours_per_second": ours, "ratio": round(ours / rate, 2) if ours and rate else None}

    def _raw_smtplib(self, port: int, count: int) -> dict:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = "bench@bench.local", "raw@bench.invalid", "raw"
        mail.set_content("raw smtplib loop")
        started = time.monotonic()
        with smtplib.SMTP("127.0.0.1", port) as client:
            for _ in range(count):
                client.send_message(mail)
        seconds = time.monotonic() - started
        return {"messages": count, "seconds": round(seconds, 2), "per_second": round(count / seconds, 1)}
