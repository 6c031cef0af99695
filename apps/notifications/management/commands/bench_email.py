"""The e-mail path alone, in one process, against a plain smtplib loop into the same sink.

    python manage.py bench_email [--mails 3000]

bench_broadcast measures every channel at once on two workers, so its e-mail rate is shared
with LINE and web push. This one writes the ledger for `--mails` synthetic e-mail residents,
then times only `fanout.deliver` of their chunks (render, SMTP, ledger marks) and a raw
`smtplib` loop sending the same number of mails of the same size over one connection.
"""

from __future__ import annotations

import json
import os
import platform
import smtplib
import time
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from apps.accounts.models import User
from apps.geo.models import District
from apps.notifications import fanout, services
from apps.notifications.audiences.registry import FEW_PEOPLE
from apps.notifications.choices import Channel
from apps.notifications.population import create_residents

PREFIX = "mailbench"


class Command(BaseCommand):
    help = "Time the e-mail delivery path alone and compare it with a raw smtplib loop (JSON)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--mails", type=int, default=3000)

    def handle(self, *args, mails: int, **options) -> None:
        try:  # test tools: not in the production image
            from aiosmtpd.controller import Controller

            from tests.support.http import free_port
            from tests.support.smtp import CountingSink
        except ImportError as exc:
            raise CommandError(f"bench_email needs the test tools ({exc.name}): "
                               "pip install -r requirements-test.txt") from None
        if not FEW_PEOPLE < mails <= 10_000:
            # A handful of people is fanned out by publish itself, which would leave nothing to time here.
            raise CommandError(f"--mails must be between {FEW_PEOPLE + 1} and 10,000 (one explicit audience).")
        if not District.objects.exists():
            from apps.geo import demo as geo_demo
            from civicportal.demo import DemoCity

            geo_demo.seed(DemoCity(debug=True, password=None))
        residents = User.objects.filter(email__startswith=f"{PREFIX}-", email__endswith="@bench.invalid")
        if residents.count() != mails:
            if residents.exists():
                raise CommandError(f"The database has {residents.count()} {PREFIX} residents, not {mails}.")
            create_residents(count=mails, prefix=PREFIX, mix={"email": 1.0})
        ids = list(residents.order_by("id").values_list("id", flat=True))

        import logging

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        sink = CountingSink()
        server = Controller(sink, hostname="127.0.0.1", port=free_port())
        server.start()
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                                   EMAIL_HOST="127.0.0.1", EMAIL_PORT=server.port,
                                   EMAIL_USE_TLS=False, EMAIL_USE_SSL=False):
                result = self._ours(ids, sink)
            result["raw_smtplib"] = self._raw(server.port, mails, result["bytes_per_mail"])
        finally:
            server.stop()
        result["ratio_to_raw"] = round(result["per_second"] / result["raw_smtplib"]["per_second"], 3)
        result.update({
            "benchmark": "email_path",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "database": connection.vendor,
        })
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def _ours(self, ids: list[int], sink) -> dict:
        from apps.accounts.roles import Role
        from apps.accounts.services import grant_role

        sender, _ = User.objects.get_or_create(email="sender@bench.local")
        grant_role(user=sender, role=Role.SYSTEM_ADMIN)
        message = services.publish(
            sender=sender, title="断水のお知らせ", body="明日9時から12時まで断水します。" * 8,
            category="administration", link_url="https://example.jp/water",
            audience={"segments": [{"kind": "explicit", "user_ids": ids, "name": "bench"}]},
        )
        chunks: list[list[int]] = []
        started = time.monotonic()
        fanout.fan_out(message.id, queue_chunk=lambda m, channel, chunk: chunks.append(chunk)
                       if channel == Channel.EMAIL else None)
        ledger_seconds = time.monotonic() - started
        started = time.monotonic()
        sent = sum(fanout.deliver(message.id, Channel.EMAIL, chunk) for chunk in chunks)
        seconds = time.monotonic() - started
        if sink.count != sent:
            raise CommandError(f"the sink counted {sink.count} mails, the ledger {sent}")
        return {
            "mails": sent,
            "ledger_write_seconds": round(ledger_seconds, 2),
            "deliver_seconds": round(seconds, 2),
            "per_second": round(sent / seconds, 1),
            "bytes_per_mail": sink.bytes // max(sink.count, 1),
        }

    def _raw(self, port: int, count: int, size: int) -> dict:
        filler = b"\r\n".join([b"x" * 76] * max((size - 80) // 78, 1))  # RFC 5321: short lines
        body = b"Subject: raw\r\nFrom: bench@bench.local\r\nTo: raw@bench.invalid\r\n\r\n" + filler
        started = time.monotonic()
        with smtplib.SMTP("127.0.0.1", port) as client:
            for _ in range(count):
                client.sendmail("bench@bench.local", ["raw@bench.invalid"], body)
        seconds = time.monotonic() - started
        return {"mails": count, "seconds": round(seconds, 2), "per_second": round(count / seconds, 1),
                "bytes_per_mail": len(body)}

