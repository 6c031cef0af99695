"""How a gate reader proves who it is: the project's device signing with the reader's own secret."""

from __future__ import annotations

from apps.childwatch.models import GateReader
from civicportal.device_signing import (  # noqa: F401  (re-exported for the API and bench_gate)
    MAX_CLOCK_SKEW,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    check_signed_request,
    sign,
)


def authenticate_reader(*, code: str, timestamp: str | None, signature: str | None, body: bytes,
                        now: float | None = None) -> GateReader:
    """The active reader that signed this request just now; PermissionDenied (→ 401) otherwise.

    Unknown, inactive and badly signed all answer alike, so nobody can probe for reader codes.
    """
    reader = GateReader.objects.select_related("school").filter(code=code, is_active=True).first()
    check_signed_request(secret=reader.secret if reader else None, timestamp=timestamp, signature=signature,
                         body=body, now=now)
    return reader
