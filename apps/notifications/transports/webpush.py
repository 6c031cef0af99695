"""Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291), via pywebpush.

Keys come from the environment (docs/configuration.md):

- ``VAPID_PRIVATE_KEY``: the P-256 private key as py_vapid reads it, i.e. the raw 32-byte key in
  base64url (``Vapid01().generate_keys()`` then the private value), a base64url DER key, or a PEM
  key (``vapid --gen`` writes one; in an environment variable its newlines may be written ``\\n``).
- ``VAPID_PUBLIC_KEY``: the matching public key as browsers need it for ``applicationServerKey``
  (base64url of the 65-byte uncompressed point), or PEM. It must match the private key.
- ``VAPID_SUBJECT``: ``mailto:`` or ``https://`` contact the push services can reach.
"""

from __future__ import annotations

import base64
import functools
import http.client
import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.urls import reverse
from py_vapid import Vapid

from apps.notifications.choices import Channel
from apps.notifications.models import PushSubscription
from apps.notifications.push_services import forget_push_subscription
from apps.notifications.transports import push_http
from apps.notifications.transports.base import Outgoing, Result, Transport, TransportError

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
TTL_SECONDS = 86400
EMERGENCY_TTL_SECONDS = 3600  # an emergency that arrives hours late only misleads
# Push services must accept 4096 encrypted bytes; aes128gcm adds 103 bytes of header and tag.
# The notification shows a few lines anyway, so a long body is cut rather than refused (413).
MAX_PAYLOAD_BYTES = 3800
EXPIRED = "subscription expired"


class VapidConfigError(Exception):
    """The VAPID settings are present but unusable (malformed, wrong curve, keys do not match)."""


@dataclass(frozen=True)
class VapidKeys:
    signer: Vapid
    application_server_key: str  # base64url, unpadded, as PushManager.subscribe wants it


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    text = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _point(public_key: ec.EllipticCurvePublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


@functools.lru_cache(maxsize=4)
def _load_keys(private: str, public: str) -> VapidKeys:
    private = private.strip().replace("\\n", "\n")
    try:
        if "-----BEGIN" in private:
            key = serialization.load_pem_private_key(private.encode(), password=None)
            signer = Vapid(private_key=key)
        else:
            signer = Vapid.from_string(private)
    except Exception as exc:  # py_vapid and cryptography raise several kinds for bad input
        raise VapidConfigError(f"VAPID_PRIVATE_KEY cannot be read: {exc}") from None
    if not isinstance(signer.private_key, ec.EllipticCurvePrivateKey) or not isinstance(
            signer.private_key.curve, ec.SECP256R1):
        raise VapidConfigError("VAPID_PRIVATE_KEY must be a P-256 (prime256v1) key")

    public = public.strip().replace("\\n", "\n")
    try:
        if "-----BEGIN" in public:
            configured = _point(serialization.load_pem_public_key(public.encode()))
        else:
            configured = _point(ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64url_decode(public)))
    except Exception as exc:
        raise VapidConfigError(f"VAPID_PUBLIC_KEY cannot be read: {exc}") from None
    # Browsers subscribe with the public key; a mismatch would make every push fail with 403.
    if configured != _point(signer.public_key):
        raise VapidConfigError("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY")
    return VapidKeys(signer=signer, application_server_key=_b64url(configured))


def is_configured() -> bool:
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY and settings.VAPID_SUBJECT)


def vapid_keys() -> VapidKeys:
    """The parsed keys; raises VapidConfigError when they are unusable."""
    return _load_keys(settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY)


def application_server_key() -> str | None:
    """What browsers subscribe with, or None when Web Push is off or misconfigured."""
    if not is_configured():
        return None
    try:
        return vapid_keys().application_server_key
    except VapidConfigError:
        logger.exception("Web Push is configured but its keys cannot be used")
        return None


def payload(message, item: Outgoing) -> str:
    """The JSON the service worker shows; the body is cut to fit the push services' limit."""
    url = item.link or f"{settings.SITE_URL}{reverse('notifications:detail', args=[message.id])}"
    data = {"title": item.title, "body": item.body, "url": url, "tag": f"message-{message.id}"}

    def encoded(body: str) -> str:
        return json.dumps({**data, "body": body}, ensure_ascii=False)

    if len(encoded(item.body).encode()) <= MAX_PAYLOAD_BYTES:
        return encoded(item.body)
    low, high = 0, len(item.body)  # the longest prefix that fits, with the ellipsis
    while low < high:
        middle = (low + high + 1) // 2
        if len(encoded(item.body[:middle] + "…").encode()) <= MAX_PAYLOAD_BYTES:
            low = middle
        else:
            high = middle - 1
    return encoded(item.body[:low].rstrip() + "…")


@dataclass
class _Outcome:
    accepted: bool = False
    location: str = ""  # the push service's URL for the first accepted copy (for support)
    temporary: str = ""  # the push service is struggling: retry the row later
    refusals: list[str] | None = None
    expired: list[int] = field(default_factory=list)  # subscriptions to forget

    def refuse(self, reason: str) -> None:
        self.refusals = [*(self.refusals or []), reason]


# Pushes in flight at once per worker process.
CONCURRENCY = 8
# A VAPID token is a signed JWT the push service accepts until its `exp` (at most 24 hours
# ahead): one per push service origin is signed and reused, and renewed well before it expires.
VAPID_LIFETIME_SECONDS = 12 * 3600
VAPID_RENEW_SECONDS = 3600
_vapid_headers: dict[tuple[str, str, str], tuple[dict[str, str], int]] = {}
_pool: list[ThreadPoolExecutor] = []
_pool_lock = threading.Lock()


def vapid_headers(keys: VapidKeys, endpoint: str) -> dict[str, str]:
    """The Authorization header for pushes to `endpoint`'s push service, signed once per origin."""
    parts = urlsplit(endpoint)
    origin = f"{parts.scheme}://{parts.netloc}"
    key = (keys.application_server_key, settings.VAPID_SUBJECT, origin)
    now = int(time.time())
    cached = _vapid_headers.get(key)
    if cached is not None and cached[1] - now > VAPID_RENEW_SECONDS:
        return cached[0]
    expires = now + VAPID_LIFETIME_SECONDS
    headers = keys.signer.sign({"sub": settings.VAPID_SUBJECT, "aud": origin, "exp": expires})
    _vapid_headers[key] = (headers, expires)  # two threads signing at once is harmless
    return headers


def _push_threads() -> ThreadPoolExecutor:
    """The sending threads of this worker process, kept across chunks so that each keeps its
    connections to the push services open (push_http)."""
    with _pool_lock:
        if not _pool:
            _pool.append(ThreadPoolExecutor(CONCURRENCY, thread_name_prefix="webpush"))
        return _pool[0]


class WebPushTransport(Transport):
    """One encrypted POST per browser subscription; a row is sent when any browser accepted it."""

    channel = Channel.WEBPUSH

    def is_configured(self) -> bool:
        return is_configured()

    def addresses(self, user_ids: list[int]) -> dict[int, Any]:
        subscriptions: dict[int, list[dict]] = defaultdict(list)
        rows = (PushSubscription.objects.filter(user_id__in=user_ids).order_by("id")
                .values("id", "user_id", "endpoint", "p256dh", "auth"))
        for row in rows:
            subscriptions[row["user_id"]].append({
                "id": row["id"], "endpoint": row["endpoint"], "keys": {"p256dh": row["p256dh"], "auth": row["auth"]},
            })
        return dict(subscriptions)

    def reachable(self, user_ids: list[int]) -> set[int]:
        return set(PushSubscription.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))

    def send(self, message, outgoing: list[Outgoing]) -> Iterator[list[Result]]:
        try:
            keys = vapid_keys()
        except VapidConfigError as exc:
            raise TransportError(str(exc), permanent=True) from exc
        emergency = message.is_emergency
        options = {
            "ttl": EMERGENCY_TTL_SECONDS if emergency else TTL_SECONDS,
            # The topic lets a push service replace a copy still waiting for an offline browser.
            "headers": {"Urgency": "high" if emergency else "normal", "Topic": f"m{message.id}"},
        }
        pool = _push_threads()
        # Pushes wait mostly on the network: a few at a time, in windows. Only HTTP runs in
        # the threads; everything that touches the database stays on this thread.
        for start in range(0, len(outgoing), CONCURRENCY):
            window = outgoing[start:start + CONCURRENCY]
            outcomes = list(pool.map(lambda item: self._push_item(message, item, keys, options), window))
            results, temporary = [], ""
            for item, outcome in zip(window, outcomes, strict=True):
                for subscription_id in outcome.expired:
                    forget_push_subscription(subscription_id=subscription_id)
                if outcome.accepted:
                    results.append(Result(item.delivery_id, ok=True, delivered=True,
                                          provider_id=outcome.location))
                elif outcome.temporary:
                    temporary = outcome.temporary  # this row goes back to the queue
                else:
                    reasons = sorted(set(outcome.refusals or [EXPIRED]))
                    results.append(Result(item.delivery_id, ok=False, permanent=True,
                                          error="; ".join(reasons)[:300]))
            yield results
            if temporary:
                # The rows not yet yielded go back to the queue and are retried with backoff.
                raise TransportError(temporary, permanent=False)

    def _push_item(self, message, item: Outgoing, keys: VapidKeys, options: dict) -> _Outcome:
        data = payload(message, item)
        outcome = _Outcome()
        for subscription in item.address or []:
            self._push(subscription, data, keys, options, outcome)
        return outcome

    def _push(self, subscription: dict, data: str, keys: VapidKeys, options: dict, outcome: _Outcome) -> None:
        # Imported here: pywebpush brings aiohttp (about 40 MB), which web processes never need.
        from pywebpush import WebPusher, WebPushException

        try:
            pusher = WebPusher({"endpoint": subscription["endpoint"], "keys": dict(subscription["keys"])})
            body = pusher.encode(data.encode(), "aes128gcm")["body"]
        except (WebPushException, ValueError, TypeError) as exc:  # stored keys that cannot be used
            outcome.refuse(f"invalid subscription: {getattr(exc, 'message', exc)}")
            return
        headers = {
            **options["headers"],
            # Signed once per push service, not per push (see vapid_headers).
            **vapid_headers(keys, subscription["endpoint"]),
            "TTL": str(options["ttl"]), "Content-Encoding": "aes128gcm",
        }
        try:
            response = push_http.post(subscription["endpoint"], body, headers, timeout=TIMEOUT_SECONDS)
        except (OSError, http.client.HTTPException) as exc:
            outcome.temporary = f"push service unreachable: {type(exc).__name__}"
            return
        except ValueError as exc:  # an endpoint that is not an http(s) URL
            outcome.refuse(f"invalid subscription: {exc}")
            return
        status = response.status
        if status in (200, 201, 202):
            outcome.location = outcome.location or response.location
            outcome.accepted = True
        elif status in (404, 410):
            # The browser unsubscribed or the subscription expired: it will never work again.
            outcome.expired.append(subscription["id"])
            outcome.refuse(EXPIRED)
        elif status == 429 or status >= 500:
            outcome.temporary = f"push service busy ({status})"
        elif status in (401, 403):
            outcome.refuse(f"push service refused our VAPID key ({status})")
        else:
            outcome.refuse(f"push service refused the message ({status})")
