"""LINE Messaging API: multicast of up to 500 followers per call, push for a lone recipient.

Retry keys. Every API call carries `X-Line-Retry-Key`, a UUID derived from the idempotency
keys of exactly the deliveries in the call (stable for a delivery across retries and
take-overs). LINE remembers an accepted key for 24 hours and answers 409 to a repeat without
sending again, so whenever the same rows are sent again (a worker that died after LINE
accepted the call, or a 5xx/timeout after LINE had in fact accepted it) nobody gets the
message twice. The key covers every row of the call, not only the first: a call whose rows
differ (a retry after part of a batch was already marked) gets a new key, because a 409 for
it would otherwise mark rows as sent that LINE never saw. The message's creation time is in
the key too, so that a restored database that reuses ids cannot collide with an old key.

Tracked links. Each delivery has its own tracked link, but a multicast carries one text for
all its recipients, so multicast texts carry the message's own link, untracked: clicks from
LINE are then not counted. A call with a single recipient (push) carries that recipient's
tracked link.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import urllib3
from django.conf import settings
from linebot.v3.messaging import (
    ApiClient,
    BroadcastRequest,
    Configuration,
    MessagingApi,
    MulticastRequest,
    PushMessageRequest,
    TextMessage,
)
from linebot.v3.messaging.exceptions import ApiException

from apps.notifications.choices import Channel
from apps.notifications.models import LineLink
from apps.notifications.services import LINE_TEXT_LIMIT, line_text
from apps.notifications.transports.base import Outgoing, Result, Transport, TransportError

MULTICAST_LIMIT = 500
# (connect, read) seconds: a stuck call must not hold a worker for ever.
TIMEOUT = (5, 30)
RETRY_KEY_NAMESPACE = uuid.UUID("5b0c8a52-1f7e-4d1e-9a55-6c1f0e3b7a11")
ELLIPSIS = "…"


def _length(text: str) -> int:
    # Counted in UTF-16 units: never less than LINE's count, whichever way LINE counts emoji.
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> str:
    """The longest prefix of `text` that is at most `limit` UTF-16 units long."""
    if _length(text) <= limit:
        return text
    cut = text[:limit]
    while _length(cut) > limit:
        cut = cut[:-1]
    return cut


def fitted_text(title: str, body: str, link: str = "") -> str:
    """The LINE text of a message, shortened in the body (title and link kept) if too long.

    `publish` already refuses texts that do not fit; this is the last line of defence,
    because LINE refuses the whole call when one text is too long.
    """
    text = line_text(title, body, link)
    if _length(text) <= LINE_TEXT_LIMIT:
        return text
    room = LINE_TEXT_LIMIT - _length(line_text(title, "", link)) - _length("\n\n" + ELLIPSIS)
    if room > 0:
        return line_text(title, _cut(body, room) + ELLIPSIS, link)
    return _cut(text, LINE_TEXT_LIMIT - 1) + ELLIPSIS


def retry_key(message, items: list[Outgoing]) -> str:
    """The same message to the same deliveries always gets the same key (see the module docstring)."""
    created = message.created_at.isoformat() if message.created_at else ""
    keys = sorted(item.idempotency_key or f"d{item.delivery_id}" for item in items)
    return str(uuid.uuid5(RETRY_KEY_NAMESPACE, f"{message.id}:{created}:{'|'.join(keys)}"))


def _api_message(exc: ApiException) -> str:
    """LINE's own explanation from an error body: {"message": ..., "details": [...]}."""
    try:
        data = json.loads(exc.body or "")
    except (TypeError, ValueError):
        return (exc.reason or "").strip() or "no explanation"
    if not isinstance(data, dict):
        return str(data)
    text = str(data.get("message", "")) or (exc.reason or "")
    details = [
        f"{d.get('property', '')}: {d.get('message', '')}".strip(": ")
        for d in data.get("details") or [] if isinstance(d, dict)
    ]
    return f"{text} ({'; '.join(details)})" if details else text


def _refused(exc: ApiException) -> bool:
    """LINE refused this call's content (400 and the like): sending it again cannot help."""
    return 400 <= exc.status < 500 and exc.status not in (401, 403, 409, 429)


def _close(client: ApiClient) -> None:
    client.close()
    client.rest_client.pool_manager.clear()  # the kept-alive connections to LINE


def _header(headers: Any, name: str) -> str:
    if not headers:
        return ""
    return str(headers.get(name) or "")


class LineTransport(Transport):
    """The city's LINE official account, through the official line-bot-sdk (v3)."""

    channel = Channel.LINE
    batch_size = MULTICAST_LIMIT

    def __init__(self) -> None:
        self.client: ApiClient | None = None

    def is_configured(self) -> bool:
        return bool(settings.LINE_CHANNEL_ACCESS_TOKEN)

    def addresses(self, user_ids: list[int]) -> dict[int, Any]:
        # Residents who blocked the account (unfollow) are not sent to: LINE would drop it.
        return dict(LineLink.objects.filter(user_id__in=user_ids, following=True)
                    .values_list("user_id", "line_user_id"))

    def _configuration(self) -> Configuration:
        return Configuration(host=settings.LINE_API_BASE, access_token=settings.LINE_CHANNEL_ACCESS_TOKEN)

    def open(self) -> None:
        # One connection pool for all the calls of a chunk.
        self.client = ApiClient(self._configuration())

    def close(self) -> None:
        if self.client is not None:
            _close(self.client)
            self.client = None

    def send(self, message, outgoing: list[Outgoing]) -> Iterator[list[Result]]:
        # Recipients reading different languages get different texts: one call per text.
        groups: dict[str, list[Outgoing]] = {}
        for item in outgoing:
            groups.setdefault(fitted_text(item.title, item.body, message.link_url), []).append(item)
        own_client = self.client is None
        client = ApiClient(self._configuration()) if own_client else self.client
        try:
            api = MessagingApi(client)
            for text, items in groups.items():
                for start in range(0, len(items), MULTICAST_LIMIT):
                    yield self._send_part(api, message, text, items[start:start + MULTICAST_LIMIT])
        finally:
            if own_client:
                _close(client)

    def _send_part(self, api: MessagingApi, message, text: str, items: list[Outgoing]) -> list[Result]:
        key = retry_key(message, items)
        try:
            if len(items) == 1:
                item = items[0]
                request = PushMessageRequest(
                    to=item.address, messages=[TextMessage(text=fitted_text(item.title, item.body, item.link))])
                response = api.push_message_with_http_info(request, x_line_retry_key=key,
                                                           _request_timeout=TIMEOUT)
            else:
                request = MulticastRequest(to=[item.address for item in items], messages=[TextMessage(text=text)])
                response = api.multicast_with_http_info(request, x_line_retry_key=key, _request_timeout=TIMEOUT)
        except ApiException as exc:
            if exc.status == 409:
                # LINE accepted this very call before (same retry key): it went out then.
                request_id = _header(exc.headers, "x-line-accepted-request-id")
                return [Result(item.delivery_id, ok=True, provider_id=request_id) for item in items]
            if _refused(exc):
                error = f"LINE refused the message ({exc.status}): {_api_message(exc)}"[:300]
                return [Result(item.delivery_id, ok=False, permanent=True, error=error) for item in items]
            raise self._error(exc) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise TransportError(f"LINE API unreachable: {exc}", permanent=False) from exc
        request_id = _header(response.headers, "x-line-request-id")
        return [Result(item.delivery_id, ok=True, provider_id=request_id) for item in items]

    @staticmethod
    def _error(exc: ApiException) -> TransportError:
        """A failure of the whole channel: bad token (permanent), or busy/down (retry)."""
        if exc.status in (401, 403):
            return TransportError(f"LINE refused the access token ({exc.status}): {_api_message(exc)}",
                                  permanent=True)
        if exc.status == 429:
            return TransportError(f"LINE rate limit or monthly quota reached: {_api_message(exc)}",
                                  permanent=False)
        # 5xx, or status 0 (the SDK's code for a request that never got an answer).
        return TransportError(f"LINE API error ({exc.status}): {_api_message(exc)}", permanent=False)

    def broadcast(self, message) -> str:
        """Send the message to every follower of the account; returns LINE's request id.

        Meant for city-wide emergencies, where resolving the audience first would only
        delay the alert. The fan-out does not use it yet: it writes no delivery rows, so a
        broadcast is not counted on the sender's page. Japanese text only; the same message
        broadcast again within 24 hours is deduplicated by LINE (same retry key).
        """
        text = fitted_text(message.title, message.body, message.link_url)
        key = str(uuid.uuid5(RETRY_KEY_NAMESPACE, f"broadcast:{message.id}:{message.created_at.isoformat()}"))
        client = ApiClient(self._configuration())
        try:
            response = MessagingApi(client).broadcast_with_http_info(
                BroadcastRequest(messages=[TextMessage(text=text)]), x_line_retry_key=key, _request_timeout=TIMEOUT)
        except ApiException as exc:
            if exc.status == 409:
                return _header(exc.headers, "x-line-accepted-request-id")
            if _refused(exc):
                raise TransportError(f"LINE refused the message ({exc.status}): {_api_message(exc)}",
                                     permanent=True) from exc
            raise self._error(exc) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise TransportError(f"LINE API unreachable: {exc}", permanent=False) from exc
        finally:
            _close(client)
        return _header(response.headers, "x-line-request-id")
