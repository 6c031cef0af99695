"""Open311 API keys: made in the admin, shown once, stored as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from apps.counter.models import Open311ApiKey


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(*, name: str) -> tuple[Open311ApiKey, str]:
    """A new active key; the plain key is returned once and never stored."""
    plain = secrets.token_urlsafe(32)
    return Open311ApiKey.objects.create(name=name, prefix=plain[:8], digest=digest_of(plain)), plain


def check_key(plain: str) -> Open311ApiKey | None:
    if not plain or len(plain) > 200:
        return None
    key = Open311ApiKey.objects.filter(digest=digest_of(plain), is_active=True).first()
    if key is not None:
        Open311ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key
