"""How field devices (river gauges, school gate readers) sign their requests.

HMAC-SHA256 with the device's own secret over `timestamp + "." + raw body`, sent as
`X-Civicportal-Timestamp` (Unix seconds) and `X-Civicportal-Signature: sha256=<hex>`. A request
more than five minutes from our clock is refused, so a captured request cannot be replayed
later; within the window, readings and events are idempotent by their own ids.
"""

from __future__ import annotations

import hashlib
import hmac

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

TIMESTAMP_HEADER = "X-Civicportal-Timestamp"
SIGNATURE_HEADER = "X-Civicportal-Signature"
MAX_CLOCK_SKEW = 300  # seconds, either way
# Checked against when the device is unknown, so "no such device" costs as long as a bad signature.
_DUMMY_SECRET = "0" * 64


def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    """The header value a device sends: sha256=<hex> of HMAC(secret, timestamp + "." + body)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def check_signed_request(*, secret: str | None, timestamp: str | None, signature: str | None, body: bytes,
                         now: float | None = None) -> None:
    """Raise PermissionDenied unless the holder of `secret` signed this body just now.

    `secret=None` (an unknown or inactive device) always fails, after the same work as a bad
    signature, so nobody can probe for device codes.
    """
    if not timestamp or not signature:
        raise PermissionDenied(_("Sign the request: send the %(ts)s and %(sig)s headers.") % {
            "ts": TIMESTAMP_HEADER, "sig": SIGNATURE_HEADER})
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise PermissionDenied(_("The timestamp must be Unix seconds.")) from None
    now = timezone.now().timestamp() if now is None else now
    if abs(now - sent_at) > MAX_CLOCK_SKEW:
        raise PermissionDenied(_("The timestamp is more than %(n)d seconds away from our clock.") % {
            "n": MAX_CLOCK_SKEW})
    expected = sign(secret=secret or _DUMMY_SECRET, timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()) or secret is None:
        raise PermissionDenied(_("Unknown device or the signature does not match."))
