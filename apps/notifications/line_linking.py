"""Which LINE user is which resident: one-time link codes, the webhook's events, LINE Login.

A resident is linked in one of two ways:
- they open the link page, add the city's LINE account as a friend and send it the code
  shown there (the webhook receives the text and links the sender's LINE user id);
- they sign in with LINE Login (allauth's "line" provider), whose uid is the LINE user id.

LINE user ids are per provider: the LINE Login channel and the Messaging API channel must
belong to the same LINE provider (LINE Developers console), or the ids from LINE Login will
not match those the Messaging API sends to, and those residents receive nothing.

One LINE user id belongs to one resident and one resident has one LINE user id: linking
replaces any earlier link on either side.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.notifications.models import LineLink, LineLinkToken

# No 0/O, 1/I/L: a code is read off a screen and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = dt.timedelta(minutes=10)
LINE_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
# Wrong codes one LINE user may send per hour before code messages are ignored (guessing).
MAX_WRONG_CODES = 10
WRONG_CODE_WINDOW = 3600
LINE_PROVIDER = "line"


# --- link codes -----------------------------------------------------------------------------

def issue_code(*, user: User) -> LineLinkToken:
    """A fresh one-time code for this resident; earlier codes of theirs stop working."""
    with transaction.atomic():
        LineLinkToken.objects.filter(Q(user=user) | Q(created_at__lt=timezone.now() - CODE_LIFETIME)).delete()
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))
            if not LineLinkToken.objects.filter(code=code).exists():
                return LineLinkToken.objects.create(user=user, code=code)


def normalise_code(text: str) -> str | None:
    """The code in a chat message, or None when the message is not shaped like one."""
    # Full-width letters (ＡＢＣ) become ASCII; spaces and dashes people add are dropped.
    candidate = re.sub(r"[\s\-ー]", "", unicodedata.normalize("NFKC", text or "")).upper()
    if len(candidate) == CODE_LENGTH and all(c in CODE_ALPHABET for c in candidate):
        return candidate
    return None


def _wrong_code_key(line_user_id: str) -> str:
    return f"notifications:line-wrong-codes:{line_user_id}"


def redeem_code(*, line_user_id: str, text: str) -> LineLink | None:
    """Link the sender of `text` if it is a live code; the code is used up. None otherwise."""
    code = normalise_code(text)
    if code is None or not LINE_USER_ID.match(line_user_id or ""):
        return None
    if cache.get(_wrong_code_key(line_user_id), 0) >= MAX_WRONG_CODES:
        return None
    with transaction.atomic():
        token = (LineLinkToken.objects.select_for_update()
                 .filter(code=code, created_at__gte=timezone.now() - CODE_LIFETIME).first())
        # Deleting first makes the code single-use even if two events race for it.
        if token is not None and LineLinkToken.objects.filter(id=token.id).delete()[0] == 1:
            return link(user=token.user, line_user_id=line_user_id, following=True)
    key = _wrong_code_key(line_user_id)
    cache.add(key, 0, WRONG_CODE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WRONG_CODE_WINDOW)
    return None


# --- links ----------------------------------------------------------------------------------

@transaction.atomic
def link(*, user: User, line_user_id: str, following: bool | None = None) -> LineLink:
    """Tie a LINE user id to a resident, replacing earlier links of either.

    `following=None` keeps what is known (a resident who blocked the account stays blocked
    when they merely sign in with LINE); a new link starts as following.
    """
    if not LINE_USER_ID.match(line_user_id or ""):
        raise ValidationError({"line_user_id": _("This is not a LINE user id.")})
    current = LineLink.objects.select_for_update().filter(line_user_id=line_user_id).first()
    if current is not None and current.user_id == user.id:
        if following is not None and current.following != following:
            current.following = following
            current.save(update_fields=["following"])
        return current
    LineLink.objects.filter(Q(line_user_id=line_user_id) | Q(user=user)).delete()
    return LineLink.objects.create(user=user, line_user_id=line_user_id,
                                   following=True if following is None else following)


def unlink(*, user: User) -> bool:
    """Forget the resident's LINE user id; True if there was one."""
    return LineLink.objects.filter(user=user).delete()[0] > 0


def set_following(*, line_user_id: str, following: bool) -> bool:
    """A follow or unfollow (block) event; only known LINE users are recorded."""
    return LineLink.objects.filter(line_user_id=line_user_id).exclude(following=following).update(
        following=following) > 0


def line_link_of(user: User) -> LineLink | None:
    return LineLink.objects.filter(user=user).first()


# --- the webhook ----------------------------------------------------------------------------

def valid_signature(*, body: bytes, signature: str) -> bool:
    """X-Line-Signature is base64(HMAC-SHA256(channel secret, raw body))."""
    secret = settings.LINE_CHANNEL_SECRET
    if not secret or not signature:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature.strip().encode("ascii", "replace"))


def handle_events(*, events: list) -> int:
    """Apply the webhook's events in order; returns how many changed something.

    Events LINE redelivers are harmless: follow/unfollow are idempotent and a code is used
    up the first time. Events from groups and rooms, and kinds we do not use, are ignored.
    """
    changed = 0
    for event in events:
        if not isinstance(event, dict):
            continue
        source = event.get("source") or {}
        line_user_id = source.get("userId") if isinstance(source, dict) and source.get("type") == "user" else None
        if not isinstance(line_user_id, str):
            continue
        kind = event.get("type")
        if kind in ("follow", "unfollow"):
            changed += set_following(line_user_id=line_user_id, following=kind == "follow")
        elif kind == "message":
            body = event.get("message") or {}
            if isinstance(body, dict) and body.get("type") == "text" and isinstance(body.get("text"), str):
                changed += redeem_code(line_user_id=line_user_id, text=body["text"]) is not None
    return changed


# --- LINE Login (allauth) -------------------------------------------------------------------

def _link_social_account(user, account) -> None:
    if user is not None and getattr(account, "provider", None) == LINE_PROVIDER and LINE_USER_ID.match(
            account.uid or ""):
        link(user=user, line_user_id=account.uid)


def on_social_account_added(sender, request=None, sociallogin=None, **kwargs) -> None:
    """A signed-in resident connected their LINE account (allauth's social_account_added)."""
    if sociallogin is not None:
        _link_social_account(sociallogin.user, sociallogin.account)


def on_user_logged_in(sender, request=None, user=None, sociallogin=None, **kwargs) -> None:
    """A resident signed in (or signed up) with LINE Login (allauth's user_logged_in)."""
    if sociallogin is not None:
        _link_social_account(user, sociallogin.account)


def connect_signals() -> None:
    """Called from NotificationsConfig.ready(); safe to call more than once."""
    from allauth.account.signals import user_logged_in
    from allauth.socialaccount.signals import social_account_added

    social_account_added.connect(on_social_account_added, dispatch_uid="notifications.line_link_added")
    user_logged_in.connect(on_user_logged_in, dispatch_uid="notifications.line_link_login")
