"""Writes for Web Push subscriptions: a browser subscribes, unsubscribes, or its push service says it is gone.

The server POSTs to whatever endpoint a browser reports, so endpoints are checked here: https
only, no credentials in the URL, and no address on the local network (it would let anyone make
the portal send requests inside the city's network). Plain http is accepted only for a loopback
push service while DEBUG is on (local development and the test stub).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.notifications.models import PushSubscription

ENDPOINT_MAX_LENGTH = PushSubscription._meta.get_field("endpoint").max_length
P256DH_BYTES = 65  # an uncompressed P-256 point
AUTH_BYTES = 16
# Each push goes to every browser of a resident; a few devices is normal, hundreds is abuse.
MAX_SUBSCRIPTIONS_PER_USER = 10
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


def _decode_base64url(value: object) -> bytes | None:
    if not isinstance(value, str) or not BASE64URL.match(value.strip()):
        return None
    text = value.strip().rstrip("=")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_endpoint(endpoint: object) -> str | None:
    """The reason the endpoint is refused, or None."""
    if not isinstance(endpoint, str) or not endpoint.strip():
        return _("This field is required.")
    endpoint = endpoint.strip()
    if len(endpoint) > ENDPOINT_MAX_LENGTH:
        return _("The push service address is too long (at most %(n)d characters).") % {"n": ENDPOINT_MAX_LENGTH}
    try:
        URLValidator(schemes=["https", "http"])(endpoint)
    except ValidationError:
        return _("Give the push service address the browser reported; it starts with https://.")
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if parts.username or parts.password:
        return _("The push service address must not contain a user name or password.")
    if _is_loopback(host):
        if settings.DEBUG:
            return None
        return _("The push service address must be on the internet, not on this computer.")
    if parts.scheme != "https":
        return _("The push service address must start with https://.")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if not address.is_global:
        return _("The push service address must be on the internet, not on a local network.")
    return None


def _check_key(value: object, size: int) -> tuple[str, bytes | None]:
    raw = _decode_base64url(value)
    if raw is None:
        return "", None
    return str(value).strip().rstrip("="), raw if len(raw) == size else None


@transaction.atomic
def save_push_subscription(*, user: User, endpoint: str, p256dh: str, auth: str,
                           user_agent: str = "") -> PushSubscription:
    """Store this browser's subscription for `user`; an endpoint another account had moves here.

    The push service gives each browser profile its own endpoint, so whoever subscribes with it
    now is the person using that browser (e.g. after signing in to another account).
    """
    errors: dict[str, str] = {}
    problem = _check_endpoint(endpoint)
    if problem:
        errors["endpoint"] = problem
    if p256dh in (None, ""):
        errors["keys.p256dh"] = _("This field is required.")
    else:
        p256dh, raw = _check_key(p256dh, P256DH_BYTES)
        try:
            if raw is None:
                raise ValueError
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            errors["keys.p256dh"] = _("Give the browser's p256dh key: %(n)d bytes in base64url.") % {
                "n": P256DH_BYTES}
    if auth in (None, ""):
        errors["keys.auth"] = _("This field is required.")
    else:
        auth, raw = _check_key(auth, AUTH_BYTES)
        if raw is None:
            errors["keys.auth"] = _("Give the browser's auth secret: %(n)d bytes in base64url.") % {"n": AUTH_BYTES}
    if errors:
        raise ValidationError(errors)

    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint.strip(),
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": (user_agent or "")[:300]},
    )
    stale = (PushSubscription.objects.filter(user=user).order_by("-created_at", "-id")
             .values_list("id", flat=True)[MAX_SUBSCRIPTIONS_PER_USER:])
    PushSubscription.objects.filter(id__in=list(stale)).delete()
    return subscription


def remove_push_subscription(*, user: User, endpoint: str) -> bool:
    """The resident turned notifications off in this browser; only their own row goes."""
    if not isinstance(endpoint, str) or not endpoint.strip():
        raise ValidationError({"endpoint": _("This field is required.")})
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint.strip()).delete()
    return bool(deleted)


def forget_push_subscription(*, subscription_id: int) -> None:
    """The push service answered 404/410: the browser will never take this subscription again."""
    PushSubscription.objects.filter(id=subscription_id).delete()
