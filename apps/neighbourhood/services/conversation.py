"""Comments, reactions, reports and moderation on any post: bulletins, events, network posts.

The functions take the target object itself; its association (or network) decides who may
take part (members) and who moderates (officers, network owners). Hidden and deleted things
stay in the database with the reason, and read as "hidden by a moderator".
"""

from __future__ import annotations

import nh3
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.neighbourhood.choices import PostStatus, ReactionKind
from apps.neighbourhood.models import Association, Comment, ModerationReport, Network, Reaction
from apps.neighbourhood.permissions import is_member, is_network_owner, is_officer, network_member
from apps.notifications.services import ALLOWED_TAGS

COMMENT_LIMIT = 2000
REASON_LIMIT = 200
REPORT_LIMIT = 300


def scope_of(target: models.Model) -> tuple[Association | None, Network | None]:
    """The association or network a post (or a comment on one) belongs to."""
    if isinstance(target, Comment):
        target = target.target
    association = getattr(target, "association", None)
    if association is not None:
        return association, None
    network = getattr(target, "network", None)
    if network is not None:
        return None, network
    raise ValueError(f"{type(target).__name__} belongs to no association or network")


def may_take_part(user: User, target: models.Model) -> bool:
    association, network = scope_of(target)
    if association is not None:
        return is_member(user, association)
    return network_member(user, network) is not None


def may_moderate(user: User, target: models.Model) -> bool:
    association, network = scope_of(target)
    if association is not None:
        return is_officer(user, association)
    return is_network_owner(user, network)


def _require_part(user: User, target: models.Model) -> None:
    if not may_take_part(user, target):
        raise PermissionDenied(_("Only members can take part here."))
    post = target.target if isinstance(target, Comment) else target
    if getattr(post, "status", PostStatus.PUBLISHED) != PostStatus.PUBLISHED:
        raise ValidationError({"non_field_errors": _("This post is not published.")})


def _text(value: str, *, field: str, limit: int, empty: str) -> str:
    value = nh3.clean((value or "").strip(), tags=ALLOWED_TAGS).strip()
    if not value:
        raise ValidationError({field: empty})
    if len(value) > limit:
        raise ValidationError({field: _("Use at most %(n)d characters.") % {"n": limit}})
    return value


def _ref(target: models.Model) -> dict:
    return {"target_type": ContentType.objects.get_for_model(target), "target_id": target.pk}


def add_comment(*, user: User, target: models.Model, body: str) -> Comment:
    _require_part(user, target)
    if getattr(target, "comments_closed", False):
        raise ValidationError({"body": _("Comments are closed on this post.")})
    body = _text(body, field="body", limit=COMMENT_LIMIT, empty=_("Write a comment."))
    return Comment.objects.create(author=user, body=body, **_ref(target))


def react(*, user: User, target: models.Model, kind: str, remove: bool = False) -> bool:
    """Add (or take back) a reaction; True when the reaction stands afterwards."""
    _require_part(user, target)
    if kind not in ReactionKind.values:
        raise ValidationError({"kind": _("Choose one of: %(known)s.") % {"known": ", ".join(ReactionKind.values)}})
    ref = _ref(target)
    if remove:
        Reaction.objects.filter(user=user, kind=kind, **ref).delete()
        return False
    try:
        with transaction.atomic():
            Reaction.objects.get_or_create(user=user, kind=kind, **ref)
    except IntegrityError:  # the same tap twice at once
        pass
    return True


def report(*, user: User, target: models.Model, reason: str) -> ModerationReport:
    """Put a post or comment in its association's (or network's) moderation queue."""
    if not may_take_part(user, target):
        raise PermissionDenied(_("Only members can report posts here."))
    reason = _text(reason, field="reason", limit=REPORT_LIMIT, empty=_("Say what is wrong with it."))
    association, network = scope_of(target)
    ref = _ref(target)
    existing = ModerationReport.objects.filter(reporter=user, resolved_at=None, **ref).first()
    if existing is not None:  # one open report per person and thing is enough
        return existing
    return ModerationReport.objects.create(reporter=user, reason=reason, association=association, network=network,
                                           **ref)


def _resolve_reports(target: models.Model, *, moderator: User, resolution: str) -> int:
    return ModerationReport.objects.filter(resolved_at=None, **_ref(target)).update(
        resolved_by=moderator, resolved_at=timezone.now(), resolution=resolution[:200])


@transaction.atomic
def hide(*, moderator: User, comment_or_post: models.Model, reason: str, delete: bool = False) -> models.Model:
    """Hide (or delete) with a recorded reason; reports on it are resolved with that reason."""
    target = comment_or_post
    if not may_moderate(moderator, target):
        raise PermissionDenied(_("Only the association's officers may moderate."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason; it is kept for the record.")})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": _("Use at most %(n)d characters.") % {"n": REASON_LIMIT}})
    if isinstance(target, Comment):
        target.hidden, target.hidden_reason, target.hidden_by = True, reason, moderator
        target.save(update_fields=["hidden", "hidden_reason", "hidden_by"])
    else:
        target.status = PostStatus.DELETED if delete else PostStatus.HIDDEN
        fields = ["status"]
        if hasattr(target, "moderation_note"):
            target.moderation_note = reason
            fields.append("moderation_note")
        if getattr(target, "pinned", False):
            target.pinned = False
            fields.append("pinned")
        target.save(update_fields=fields)
    action = _("Deleted") if delete else _("Hidden")
    _resolve_reports(target, moderator=moderator, resolution=f"{action}: {reason}")
    return target


def dismiss(*, moderator: User, report: ModerationReport, reason: str) -> ModerationReport:
    """The report needs no action; the reason is kept."""
    if report.target is None or not may_moderate(moderator, report.target):
        raise PermissionDenied(_("Only the association's officers may moderate."))
    if report.resolved_at is not None:
        raise ValidationError({"non_field_errors": _("This report was already dealt with.")})
    reason = (reason or "").strip() or _("No action needed")
    report.resolved_by, report.resolved_at, report.resolution = moderator, timezone.now(), reason[:200]
    report.save(update_fields=["resolved_by", "resolved_at", "resolution"])
    return report
