"""A local HTTP receiver for outbound webhooks that checks the HMAC signature like a real one."""

from __future__ import annotations

import hashlib
import hmac
import json
from http.server import BaseHTTPRequestHandler

from tests.support.http import LoopbackServer, send_reply


class WebhookReceiver(LoopbackServer):
    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.received: list[dict] = []
        self.rejected = 0
        self.fail_next: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.fail_next:
                    self._answer(receiver.fail_next.pop(0))
                    return
                timestamp = self.headers.get("X-Civicportal-Timestamp", "")
                expected = "sha256=" + hmac.new(receiver.secret.encode(), timestamp.encode() + b"." + body,
                                                hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, self.headers.get("X-Civicportal-Signature", "")):
                    receiver.rejected += 1
                    self._answer(401)
                    return
                receiver.received.append({"delivery": self.headers["X-Civicportal-Delivery"], **json.loads(body)})
                self._answer(204)

            def _answer(self, status: int) -> None:
                send_reply(self, status, b"", "text/plain")

        super().__init__(Handler)
        self.url = f"{self.http_origin}/hook"
