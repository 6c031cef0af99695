"""A local Web Push service (RFC 8030) that checks what a real one checks and decrypts what it gets.

    with PushService() as service:
        info = service.create_subscription("alice", application_server_key=public_key)
        # info is what PushManager.subscribe() gives a page: {"endpoint", "keys": {"p256dh", "auth"}}
        ...
        service.payloads["alice"]  # the decrypted JSON payloads, in order

POST /push/<name> must carry `Authorization: vapid t=<JWT>, k=<key>` (ES256 signature valid for
k, `aud` is this server's origin, `exp` in the future and at most 24 hours ahead, `sub` present),
`Content-Encoding: aes128gcm` and a TTL header. Like real push services, a k that differs from
the key the subscription was made with is refused with 403. The body is decrypted (RFC 8291)
with the subscription's private key, which only this stub and the test know.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.http import LoopbackServer, send_reply

MAX_BODY = 4096  # what RFC 8030 push services must accept, and Chrome's and Firefox's limit


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class _Subscription:
    name: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    application_server_key: str | None
    gone: bool = False


@dataclass
class PushRequest:
    """One request as the stub saw it, accepted or not."""

    name: str
    status: int
    headers: dict[str, str]
    claims: dict = field(default_factory=dict)
    reason: str = ""


class PushService(LoopbackServer):
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self._lock = threading.Lock()
        self._subscriptions: dict[str, _Subscription] = {}
        self._failures: list[int] = []
        self.payloads: dict[str, list[dict]] = {}
        self.requests: list[PushRequest] = []
        self._aliases: list[tuple[str, str]] = []  # (name prefix, subscription name)
        self._keep_records = True
        self._accepted = 0
        self._shared = None  # a shared counter when the service runs in a forked process
        # (token, key) -> claims, for tokens whose signature was already checked: senders
        # reuse one token for hours, and the same bytes verify the same way every time.
        self._verified: dict[tuple[str, str], dict] = {}
        super().__init__(self._handler(), host)

    @property
    def origin(self) -> str:
        return self.http_origin

    # --- what a test controls ----------------------------------------------------------

    def create_subscription(self, name: str, *, application_server_key: str | None = None) -> dict:
        """A new browser subscription; returns it the way the Push API hands it to a page."""
        private_key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        with self._lock:
            self._subscriptions[name] = _Subscription(name, private_key, auth, application_server_key)
            self.payloads.setdefault(name, [])
        public = private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": f"{self.origin}/push/{name}", "keys": {"p256dh": b64url(public), "auth": b64url(auth)}}

    def alias_prefix(self, prefix: str, name: str, *, keep_records: bool = False) -> None:
        """Every /push/<prefix>… path is the subscription `name` (for benchmarks that give
        thousands of residents one test key pair). Every request is still checked and
        decrypted; with keep_records False only a count is kept, not the payloads."""
        with self._lock:
            self._aliases.append((prefix, name))
            self._keep_records = keep_records

    def share_counts(self, counter) -> None:
        """Count accepted pushes in `counter` (tests.support.forked.shared_counter()) too, so
        that the service can serve from a forked process (`serve_forever`) and be read here."""
        self._shared = counter

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def close(self) -> None:
        """Close the listening socket of a service that served from a forked process."""
        self._server.server_close()

    def accepted_count(self) -> int:
        if self._shared is not None:
            return self._shared.value
        with self._lock:
            return self._accepted

    def expire(self, name: str) -> None:
        """The browser unsubscribed: from now on this subscription answers 410 Gone."""
        with self._lock:
            self._subscriptions[name].gone = True

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next `times` requests with `status` (429, 500...) before looking at them."""
        with self._lock:
            self._failures.extend([status] * times)

    # --- the server --------------------------------------------------------------------

    def _verify_vapid(self, headers) -> tuple[dict, str, str]:
        """(claims, key, problem); problem is empty when the VAPID header is good."""
        authorization = headers.get("Authorization", "")
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            return {}, "", "Authorization must use the vapid scheme"
        parts = {}
        for piece in params.split(","):
            key, _, value = piece.strip().partition("=")
            parts[key.strip()] = value.strip()
        token, public = parts.get("t", ""), parts.get("k", "")
        claims = self._verified.get((token, public))
        if claims is None or claims["exp"] <= time.time():
            try:
                key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(public))
            except ValueError:
                return {}, public, "k is not a P-256 public key"
            try:
                claims = jwt.decode(token, key=key, algorithms=["ES256"], audience=self.origin,
                                    options={"require": ["aud", "exp", "sub"]})
            except jwt.InvalidTokenError as exc:
                return {}, public, f"bad VAPID token: {exc}"
            with self._lock:
                self._verified[(token, public)] = claims
        if claims["exp"] > time.time() + 24 * 3600:
            return claims, public, "exp is more than 24 hours ahead"
        if not str(claims["sub"]).startswith(("mailto:", "https://")):
            return claims, public, "sub must be a mailto: or https: contact"
        return claims, public, ""

    def _handle(self, path: str, headers, body: bytes) -> tuple[int, str, PushRequest]:
        name = path.removeprefix("/push/")
        seen = {k.lower(): v for k, v in headers.items()}
        record = PushRequest(name=name, status=0, headers=seen)
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
            if name not in self._subscriptions:
                name = next((target for prefix, target in self._aliases if name.startswith(prefix)), name)
            subscription = self._subscriptions.get(name) if path.startswith("/push/") else None
        if failure:
            return failure, "try again later", record
        if subscription is None:
            return 404, "no such subscription", record
        if subscription.gone:
            return 410, "subscription gone", record
        claims, public, problem = self._verify_vapid(headers)
        record.claims = claims
        if problem:
            return 401, problem, record
        if subscription.application_server_key and public.rstrip("=") != subscription.application_server_key.rstrip(
                "="):
            return 403, "k is not the key this subscription was made with", record
        if "ttl" not in seen or not seen["ttl"].isdigit():
            return 400, "TTL header missing", record
        if seen.get("content-encoding") != "aes128gcm":
            return 400, "Content-Encoding must be aes128gcm", record
        if len(body) > MAX_BODY:
            return 413, "payload too large", record
        try:
            plain = http_ece.decrypt(body, private_key=subscription.private_key, auth_secret=subscription.auth,
                                     version="aes128gcm")
            data = json.loads(plain)
        except Exception as exc:  # http_ece raises several kinds for a body it cannot open
            return 400, f"cannot decrypt: {exc}", record
        with self._lock:
            self._accepted += 1
        if self._shared is not None:
            with self._shared.get_lock():
                self._shared.value += 1
        with self._lock:
            if self._keep_records:
                self.payloads[name].append(data)
        return 201, "", record

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, text, record = service._handle(self.path, self.headers, body)
                record.status, record.reason = status, text
                with service._lock:
                    if service._keep_records:
                        service.requests.append(record)
                location = {"Location": f"{service.origin}/message/{len(service.requests)}"} if status == 201 else {}
                send_reply(self, status, text.encode(), "text/plain", location)

            def log_message(self, format, *args):
                pass

        return Handler
