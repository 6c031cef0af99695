"""A local server that speaks the LINE Messaging API's send endpoints, for tests and benchmarks.

`with LineStub(token="test-token") as stub:` then point LINE_API_BASE at stub.base_url.
It answers like api.line.me does (status codes, error JSON, x-line-request-id, retry keys)
for POST /v2/bot/message/{multicast,push,broadcast}, and keeps what it accepted so that
tests can count that each resident got each text exactly once.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.support.http import LoopbackServer

MULTICAST_LIMIT = 500
TEXT_LIMIT = 5000
MAX_MESSAGES = 5


@dataclass
class StubRequest:
    path: str
    headers: dict[str, str]
    body: object
    status: int = 0

    @property
    def retry_key(self) -> str | None:
        return self.headers.get("x-line-retry-key")


@dataclass
class _Failure:
    status: int
    after_accepting: bool


@dataclass
class _State:
    token: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    received: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    broadcasts: list[str] = field(default_factory=list)
    requests: list[StubRequest] = field(default_factory=list)
    accepted_keys: dict[str, str] = field(default_factory=dict)  # retry key -> request id
    failures: list[_Failure] = field(default_factory=list)


def _errors_in(path: str, body: object) -> list[dict]:
    """LINE's validation, as `details` entries: {"message": ..., "property": ...}."""
    if not isinstance(body, dict):
        return [{"message": "Must be an object", "property": ""}]
    errors = []
    if path.endswith("/multicast"):
        to = body.get("to")
        if not isinstance(to, list) or not 1 <= len(to) <= MULTICAST_LIMIT:
            errors.append({"message": f"Size must be between 1 and {MULTICAST_LIMIT}", "property": "to"})
        elif not all(isinstance(user_id, str) and user_id for user_id in to):
            errors.append({"message": "Must be a user ID", "property": "to"})
    elif path.endswith("/push") and (not isinstance(body.get("to"), str) or not body["to"]):
        errors.append({"message": "Must not be empty", "property": "to"})
    items = body.get("messages")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_MESSAGES:
        errors.append({"message": f"Size must be between 1 and {MAX_MESSAGES}", "property": "messages"})
        return errors
    for index, item in enumerate(items):
        if not isinstance(item, dict) or item.get("type") != "text":
            errors.append({"message": "Must be one of the following values: [text]",
                           "property": f"messages[{index}].type"})
        elif not isinstance(item.get("text"), str) or not 1 <= len(item["text"]) <= TEXT_LIMIT:
            errors.append({"message": f"Length must be between 1 and {TEXT_LIMIT}",
                           "property": f"messages[{index}].text"})
    return errors


def _handler(state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # quiet: the test output is for assertions
            pass

        def _answer(self, status: int, data: dict, headers: dict[str, str] | None = None) -> None:
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            headers = {"x-line-request-id": str(uuid.uuid4()), **(headers or {})}
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                body = None
            record = StubRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            with state.lock:
                state.requests.append(record)
                status, data, headers = self._decide(record)
                record.status = status
            self._answer(status, data, headers)

        def _decide(self, record: StubRequest) -> tuple[int, dict, dict]:
            if record.path not in ("/v2/bot/message/multicast", "/v2/bot/message/push",
                                   "/v2/bot/message/broadcast"):
                return 404, {"message": "Not found"}, {}
            if record.headers.get("authorization") != f"Bearer {state.token}":
                return 401, {"message": "Authentication failed. Confirm that the access token in the "
                                        "authorization header is valid."}, {}
            key = record.retry_key
            if key is not None:
                try:
                    uuid.UUID(key)
                except ValueError:
                    return 400, {"message": "The value for the 'X-Line-Retry-Key' header is invalid"}, {}
            if record.body is None:
                return 400, {"message": "The request body could not be parsed as JSON"}, {}
            errors = _errors_in(record.path, record.body)
            if errors:
                return 400, {"message": f"The request body has {len(errors)} error(s)", "details": errors}, {}
            failure = state.failures.pop(0) if state.failures else None
            if failure is not None and not failure.after_accepting:
                return failure.status, {"message": "The API is busy (stub)"}, {}
            if key is not None and key in state.accepted_keys:
                # Accepted before under this key: LINE sends nothing again and says so.
                return 409, {"message": "The retry key is already accepted"}, {
                    "x-line-accepted-request-id": state.accepted_keys[key]}
            request_id = str(uuid.uuid4())
            texts = [item["text"] for item in record.body["messages"]]
            if record.path.endswith("/broadcast"):
                state.broadcasts.extend(texts)
            else:
                recipients = record.body["to"] if isinstance(record.body["to"], list) else [record.body["to"]]
                for user_id in recipients:
                    state.received[user_id].extend(texts)
            if key is not None:
                state.accepted_keys[key] = request_id
            if failure is not None:  # accepted, but the caller hears an error (a lost answer)
                return failure.status, {"message": "Internal server error (stub)"}, {}
            if record.path.endswith("/push"):
                sent = [{"id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex} for _ in texts]
                return 200, {"sentMessages": sent}, {"x-line-request-id": request_id}
            return 200, {}, {"x-line-request-id": request_id}

    return Handler


class LineStub(LoopbackServer):
    """The LINE Messaging API on localhost; see the module docstring."""

    def __init__(self, *, token: str = "test-token", host: str = "127.0.0.1") -> None:  # noqa: S107
        self._state = _State(token=token)
        super().__init__(_handler(self._state), host)
        self.base_url = self.http_origin

    @property
    def received(self) -> dict[str, list[str]]:
        """LINE user id -> every text accepted for them (multicast and push), in order."""
        with self._state.lock:
            return {user_id: list(texts) for user_id, texts in self._state.received.items()}

    @property
    def broadcasts(self) -> list[str]:
        with self._state.lock:
            return list(self._state.broadcasts)

    @property
    def requests(self) -> list[StubRequest]:
        """Every request that reached the stub, with the status it was answered."""
        with self._state.lock:
            return list(self._state.requests)

    def fail_next(self, count: int = 1, *, status: int = 500, after_accepting: bool = False) -> None:
        """Answer the next `count` valid requests with `status`.

        With `after_accepting`, the stub first accepts and records the messages (and the
        retry key), the way LINE may have sent a message whose answer got lost.
        """
        with self._state.lock:
            self._state.failures.extend(_Failure(status, after_accepting) for _ in range(count))
