"""A local SMTP server (aiosmtpd) that keeps what it receives, for tests and benchmarks."""

from __future__ import annotations

import email
import email.policy
import threading
from email.message import Message as EmailMessage

from aiosmtpd.controller import Controller

from tests.support.http import free_port


class _Pipelining:
    """Offers PIPELINING (RFC 2920) in the EHLO reply, as Postfix, Exim and the big relays do.
    aiosmtpd reads commands one line at a time from its stream and answers them in order, so
    a pipelined group is served correctly; it only does not say so by itself."""

    offer_pipelining = True

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # what aiosmtpd does itself when no hook is installed
        if not self.offer_pipelining:
            return responses
        return [*responses[:-1], "250-PIPELINING", responses[-1]]


class _Collector(_Pipelining):
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

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, pipelining: bool = True) -> None:
        self.collector = _Collector()
        self.collector.offer_pipelining = pipelining
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



class CountingSink(_Pipelining):
    """The lightest SMTP handler that still speaks SMTP: it only counts (for benchmarks).

    With `shared` (tests.support.forked.shared_counter()) the count lives in shared memory, so
    the sink can serve from a forked process and be read from this one."""

    def __init__(self, shared=None) -> None:
        self._count = 0
        self.bytes = 0
        self.shared = shared
        self.lock = threading.Lock()

    @property
    def count(self) -> int:
        return self.shared.value if self.shared is not None else self._count

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self._count += 1
            self.bytes += len(envelope.content)
        if self.shared is not None:
            with self.shared.get_lock():
                self.shared.value += 1
        return "250 OK"
