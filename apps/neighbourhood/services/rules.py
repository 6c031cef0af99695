"""Posting rules (Shunan: who may post, what, how often, what is prohibited, approval first).

`check_posting` is the one gate every bulletin, event and network post passes before it is
stored; it answers whether the post must wait for an officer's approval.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.neighbourhood.choices import NetworkChannel, PostStatus
from apps.neighbourhood.models import Association, Bulletin, Event, Network, NetworkPost, PostingRules
from apps.neighbourhood.permissions import is_network_owner, is_officer, membership_of, network_member

COUNTED_STATUSES = (PostStatus.PUBLISHED, PostStatus.PENDING_APPROVAL)
WEEK = timedelta(days=7)


def rules_for(*, association: Association | None = None, network: Network | None = None) -> PostingRules:
    """The stored rules, or an unsaved row with the defaults (officers post, all allowed, no approval)."""
    if association is not None:
        found = PostingRules.objects.filter(association=association).first()
        return found or PostingRules(association=association)
    found = PostingRules.objects.filter(network=network).first()
    return found or PostingRules(network=network)


def banned_words(rules: PostingRules) -> list[str]:
    return [word.strip() for word in rules.banned_words.splitlines() if word.strip()]


def _fold(text: str) -> str:
    # Full-width and half-width forms, upper and lower case, count as the same word.
    return unicodedata.normalize("NFKC", text).casefold()


def _banned_word_in(rules: PostingRules, text: str) -> str | None:
    folded = _fold(text)
    for word in banned_words(rules):
        if _fold(word) in folded:
            return word
    return None


def _posts_this_week(*, user, association: Association | None, network: Network | None) -> int:
    since = timezone.now() - WEEK
    if association is not None:
        bulletins = Bulletin.objects.filter(association=association, author=user, status__in=COUNTED_STATUSES,
                                            created_at__gte=since).count()
        events = Event.objects.filter(association=association, author=user, status__in=COUNTED_STATUSES,
                                      created_at__gte=since).count()
        return bulletins + events
    return NetworkPost.objects.filter(network=network, author=user, status__in=COUNTED_STATUSES,
                                      created_at__gte=since).count()


def _may_post(*, user, association: Association | None, network: Network | None, channel: str | None,
              rules: PostingRules) -> bool:
    """Raise unless the user may post; True for moderators (officers of the association, network owners)."""
    if association is not None:
        membership = membership_of(user, association)
        if membership is None:
            raise PermissionDenied(_("Only members of the association may post here."))
        if is_officer(user, association):
            return True
        if not rules.members_may_post:
            raise PermissionDenied(_("Only the association's officers may post here."))
        return False
    if network_member(user, network) is None:
        raise PermissionDenied(_("Only members of the network may post here."))
    owner = is_network_owner(user, network)
    if channel == NetworkChannel.INFORMATION and not owner:
        raise PermissionDenied(_("Only the network's owners post in the information channel."))
    if channel not in (NetworkChannel.INFORMATION, NetworkChannel.DISCUSSION):
        raise ValidationError({"channel": _("Choose the information or the discussion channel.")})
    return owner


def check_posting(*, user, category: str, text: str, association: Association | None = None,
                  network: Network | None = None, channel: str | None = None) -> bool:
    """Raise PermissionDenied / ValidationError({field: msg}) if the post breaks the rules.

    Returns True when the post must wait for approval (never for officers' or owners' own posts).
    For a network give `channel` (information: owners only; discussion: every network member).
    """
    if (association is None) == (network is None):
        raise ValueError("check_posting needs an association or a network, not both.")
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to post."))
    rules = rules_for(association=association, network=network)
    moderator = _may_post(user=user, association=association, network=network, channel=channel, rules=rules)

    errors: dict[str, str] = {}
    allowed = [str(value) for value in rules.allowed_categories or []]
    # Network posts carry no category; they are checked only when the caller gives one.
    if allowed and (association is not None or category) and category not in allowed:
        errors["category"] = _("This category may not be posted here. Allowed: %(allowed)s.") % {
            "allowed": ", ".join(allowed)}
    word = _banned_word_in(rules, text or "")
    if word:
        errors["body"] = _("The text contains a word that may not be posted here: “%(word)s”.") % {"word": word}
    limit = rules.max_posts_per_week
    if limit is not None and _posts_this_week(user=user, association=association, network=network) >= limit:
        errors["non_field_errors"] = _(
            "You have reached the limit of %(limit)s posts in 7 days. Please post again later."
        ) % {"limit": limit}
    if errors:
        raise ValidationError(errors)
    return bool(rules.approval_required) and not moderator
