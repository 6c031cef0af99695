"""A local SMTP server (aiosmtpd) that keeps what it receives, for tests and benchmarks."""

from __future__ import annotations

import email
import email.policy
import threading
from email.message import Message as EmailMessage

from aiosmtpd.controller import Controller

from tests.support.http import free_port


class _Collector:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted"


class SmtpSink:
    """`with SmtpSink() as sink:` then point EMAIL_HOST/EMAIL_PORT at sink.host/sink.port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.collector = _Collector()
        self.controller = Controller(self.collector, hostname=host, port=port or free_port())
        self.host = host

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def messages(self) -> list[EmailMessage]:
        with self.collector.lock:
            return list(self.collector.messages)

    def refuse(self, address: str) -> None:
        self.collector.refuse.add(address)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()



class CountingSink:
    """The lightest SMTP handler that still speaks SMTP: it only counts (for benchmarks)."""

    def __init__(self) -> None:
        self.count = 0
        self.bytes = 0
        self.first_at: float | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        import time

        with self.lock:
            self.count += 1
            self.bytes += len(envelope.content)
            if self.first_at is None:
                self.first_at = time.monotonic()
        return "250 OK"
