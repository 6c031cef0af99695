"""How a gate reader proves who it is: HMAC-SHA256 over `timestamp + "." + raw body`.

Same scheme as the river gauges (apps/disastermap/services/water.py), with the reader's own
secret. A request older or newer than five minutes is refused, so a captured request cannot be
replayed later; a replay within the window is harmless because event ids are idempotent.
"""

from __future__ import annotations

import hashlib
import hmac

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.childwatch.models import GateReader

TIMESTAMP_HEADER = "X-Civicportal-Timestamp"
SIGNATURE_HEADER = "X-Civicportal-Signature"
MAX_CLOCK_SKEW = 300  # seconds, either way
# Compared against when the reader is unknown, so "no such reader" costs as long as a bad signature.
_DUMMY_SECRET = "0" * 64


def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    """The header value a reader sends: sha256=<hex> of HMAC(secret, timestamp + "." + body)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def authenticate_reader(*, code: str, timestamp: str | None, signature: str | None, body: bytes,
                        now: float | None = None) -> GateReader:
    """The active reader that signed this request just now; PermissionDenied (→ 401) otherwise.

    Unknown, inactive and badly signed all answer alike, so nobody can probe for reader codes.
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
    reader = GateReader.objects.select_related("school").filter(code=code, is_active=True).first()
    expected = sign(secret=reader.secret if reader else _DUMMY_SECRET, timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()) or reader is None:
        raise PermissionDenied(_("Unknown reader or the signature does not match."))
    return reader
