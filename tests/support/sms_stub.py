"""A local SMS gateway speaking the provider-neutral API of apps/notifications/transports/sms.py.

    with SmsGateway(api_key="k") as gateway:
        settings.SMS_API_URL, settings.SMS_API_KEY = gateway.url, "k"
        ...
        gateway.texts["+819012345678"]  # the texts each number received, in order

POST <url> with `Authorization: Bearer <key>` (else 401) and JSON {"to", "from", "text",
"reference"} (else 422 with {"message"}). An `Idempotency-Key` seen before gets the first
answer again and sends nothing, like Stripe's and most gateways' idempotency.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler

from tests.support.http import LoopbackServer, send_reply

E164 = re.compile(r"^\+[1-9]\d{7,14}$")
TEXT_LIMIT = 670  # UTF-16 code units in ten concatenated UCS-2 parts
SENDER_LIMIT = 11  # alphanumeric sender ids


class SmsGateway(LoopbackServer):
    def __init__(self, *, api_key: str, host: str = "127.0.0.1") -> None:
        self.api_key = api_key
        self.host = host
        self._lock = threading.Lock()
        self._answers: dict[str, tuple[int, dict]] = {}
        self._failures: list[int] = []
        self._refused: dict[str, str] = {}
        self.texts: dict[str, list[str]] = {}
        self.accepted: list[dict] = []
        self.replays = 0
        super().__init__(self._handler(), host)

    @property
    def url(self) -> str:
        return f"{self.http_origin}/v1/messages"

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next `times` requests with `status` before processing them (nothing is sent)."""
        with self._lock:
            self._failures.extend([status] * times)

    def refuse(self, number: str, message: str) -> None:
        """Answer 422 with this message for texts to `number` (e.g. not a mobile phone)."""
        with self._lock:
            self._refused[number] = message

    def _handle(self, path: str, headers, body: bytes) -> tuple[int, dict]:
        if path != "/v1/messages":
            return 404, {"message": "not found"}
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure:
            return failure, {"message": "temporarily unavailable"}
        if headers.get("Authorization") != f"Bearer {self.api_key}":
            return 401, {"message": "invalid API key"}
        key = headers.get("Idempotency-Key", "")
        with self._lock:
            if key and key in self._answers:
                self.replays += 1
                return self._answers[key]
        status, answer = self._send(body)
        if key:
            with self._lock:
                self._answers.setdefault(key, (status, answer))
        return status, answer

    def _send(self, body: bytes) -> tuple[int, dict]:
        try:
            data = json.loads(body)
        except ValueError:
            return 400, {"message": "body is not JSON"}
        if not isinstance(data, dict):
            return 422, {"message": "body must be an object"}
        to, sender, text, reference = (data.get(k) for k in ("to", "from", "text", "reference"))
        if not isinstance(to, str) or not E164.match(to):
            return 422, {"message": f"to must be an E.164 number, got {to!r}"}
        if not isinstance(sender, str) or not 0 < len(sender) <= SENDER_LIMIT:
            return 422, {"message": "from must be 1 to 11 characters"}
        if not isinstance(text, str) or not text:
            return 422, {"message": "text is required"}
        if len(text.encode("utf-16-le")) // 2 > TEXT_LIMIT:
            return 422, {"message": f"text longer than {TEXT_LIMIT} characters"}
        if not isinstance(reference, str):
            return 422, {"message": "reference must be a string"}
        with self._lock:
            if to in self._refused:
                return 422, {"message": self._refused[to]}
            self.texts.setdefault(to, []).append(text)
            self.accepted.append(data)
            message_id = f"sms-{len(self.accepted)}"
        return 202, {"id": message_id, "status": "queued"}

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer = gateway._handle(self.path, self.headers, body)
                send_reply(self, status, json.dumps(answer).encode(), "application/json")

            def log_message(self, format, *args):
                pass

        return Handler
