"""Writes of bulletins and circulars (回覧板): posting, approval, editing, reads and reminders.

Posting passes the association's rules (`rules.check_posting`). A published post tells the
members through notifications; a member's post that needed approval is told in the name of
the officer who approved it (only officers may address all members).
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.neighbourhood.choices import PostCategory, PostKind, PostStatus, Visibility
from apps.neighbourhood.models import Association, Attachment, Bulletin, BulletinRead
from apps.neighbourhood.permissions import is_member, is_officer
from apps.neighbourhood.services.attachments import check_attachments
from apps.neighbourhood.services.rules import check_posting
from apps.notifications.choices import Category, OrganisationKind
from apps.notifications.models import Message
from apps.notifications.services import ALLOWED_TAGS, Organisation, open_inbox_message, publish

TITLE_LIMIT = 120
BODY_LIMIT = 20000
REASON_LIMIT = 200
EXCERPT = 300
REMINDER_INTERVAL = timedelta(hours=1)


def clean_body(body: str) -> str:
    return nh3.clean((body or "").strip(), tags=ALLOWED_TAGS).strip()


def plain_text(html: str) -> str:
    return " ".join(nh3.clean(html.replace("</p>", "</p>\n"), tags=set()).split())


def _clean(*, kind: str, category: str, title: str, body: str, visibility: str,
           expires_at: dt.datetime | None) -> dict:
    errors: dict[str, str] = {}
    if kind not in PostKind.values:
        errors["kind"] = _("Choose a bulletin or a circular.")
    if category not in PostCategory.values:
        errors["category"] = _("Unknown category “%(value)s”.") % {"value": category}
    if visibility not in Visibility.values:
        errors["visibility"] = _("Choose members only or public.")
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = _("Give the post a title.")
    elif len(title) > TITLE_LIMIT:
        errors["title"] = _("Use at most %(n)d characters for the title.") % {"n": TITLE_LIMIT}
    body = clean_body(body)
    if not plain_text(body):
        errors["body"] = _("Write the text of the post.")
    elif len(body) > BODY_LIMIT:
        errors["body"] = _("Use at most %(n)d characters.") % {"n": BODY_LIMIT}
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            errors["expires_at"] = _("Give a time with its time zone.")
        elif expires_at <= timezone.now():
            errors["expires_at"] = _("The expiry must be in the future.")
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "category": category, "title": title, "body": body, "visibility": visibility,
            "expires_at": expires_at}


def _organisation(association: Association) -> Organisation:
    return Organisation(OrganisationKind.ASSOCIATION, association.pk, association.name)


def detail_url(bulletin: Bulletin) -> str:
    return settings.SITE_URL + reverse("neighbourhood:bulletin_detail", args=[bulletin.association.slug, bulletin.pk])


def _notify(bulletin: Bulletin, *, sender: User) -> None:
    """Tell the members (also of a public post: only members are notified)."""
    text = plain_text(bulletin.body)
    if len(text) > EXCERPT:
        text = text[:EXCERPT].rstrip() + "…"
    prefix = _("Circular") if bulletin.kind == PostKind.CIRCULAR else _("Bulletin")
    message = publish(
        sender=sender, title=f"{prefix}: {bulletin.title}"[:120], body=text, category=Category.COMMUNITY,
        audience={"segments": [{"kind": "association_members", "association": bulletin.association_id}]},
        organisation=_organisation(bulletin.association), link_url=detail_url(bulletin),
    )
    bulletin.message_id = message.pk
    Bulletin.objects.filter(pk=bulletin.pk).update(message_id=message.pk)


@transaction.atomic
def create_bulletin(*, author: User, association: Association, kind: str, category: str, title: str, body: str,
                    visibility: str = Visibility.MEMBERS, pinned: bool = False,
                    expires_at: dt.datetime | None = None, attachments=()) -> Bulletin:
    """Post; it publishes at once or waits for an officer when the rules ask for approval."""
    cleaned = _clean(kind=kind, category=category, title=title, body=body, visibility=visibility,
                     expires_at=expires_at)
    needs_approval = check_posting(user=author, category=cleaned["category"],
                                   text=f"{cleaned['title']}\n{plain_text(cleaned['body'])}", association=association)
    officer = is_officer(author, association)
    files = check_attachments(attachments)  # all checked before anything is stored
    now = timezone.now()
    bulletin = Bulletin.objects.create(
        association=association, author=author, pinned=bool(pinned) and officer,
        status=PostStatus.PENDING_APPROVAL if needs_approval else PostStatus.PUBLISHED,
        published_at=None if needs_approval else now, **cleaned,
    )
    for checked in files:
        attachment = Attachment(bulletin=bulletin, original_name=checked.original_name,
                                content_type=checked.content_type, size=checked.size)
        attachment.file.save(checked.content.name, checked.content, save=True)
    if not needs_approval and officer:
        # A member's own post (rules allowing) shows on the page but is not pushed to everyone.
        _notify(bulletin, sender=author)
    return bulletin


def _require_officer(user: User, bulletin: Bulletin) -> None:
    if not is_officer(user, bulletin.association_id):
        raise PermissionDenied(_("Only the association's officers may do this."))


@transaction.atomic
def approve_bulletin(*, officer: User, bulletin: Bulletin) -> Bulletin:
    _require_officer(officer, bulletin)
    bulletin = Bulletin.objects.select_for_update().select_related("association").get(pk=bulletin.pk)
    if bulletin.status != PostStatus.PENDING_APPROVAL:
        raise ValidationError({"status": _("Only a post waiting for approval can be approved.")})
    bulletin.status = PostStatus.PUBLISHED
    bulletin.published_at = timezone.now()
    bulletin.save(update_fields=["status", "published_at", "updated_at"])
    _notify(bulletin, sender=officer)
    return bulletin


@transaction.atomic
def update_bulletin(*, officer: User, bulletin: Bulletin, attachments=(), remove_attachments=(),
                    **changes) -> Bulletin:
    """Officers correct a post; what is not given stays. Members are not told again."""
    _require_officer(officer, bulletin)
    unknown = set(changes) - {"kind", "category", "title", "body", "visibility", "expires_at", "pinned",
                              "comments_closed"}
    if unknown:
        raise ValidationError({field: _("Unknown field.") for field in unknown})
    if bulletin.status == PostStatus.DELETED:
        raise ValidationError({"status": _("A deleted post cannot be changed.")})
    current = {f: getattr(bulletin, f) for f in ("kind", "category", "title", "body", "visibility")}
    current.update({k: changes[k] for k in current if k in changes})
    # An unchanged expiry is not re-checked (it may have passed since).
    cleaned = _clean(**current, expires_at=changes.get("expires_at"))
    if "expires_at" not in changes:
        cleaned["expires_at"] = bulletin.expires_at
    removing = list(bulletin.attachments.filter(pk__in=list(remove_attachments or [])))
    files = check_attachments(attachments, already=bulletin.attachments.count() - len(removing))
    for field, value in cleaned.items():
        setattr(bulletin, field, value)
    for flag in ("pinned", "comments_closed"):
        if flag in changes:
            setattr(bulletin, flag, bool(changes[flag]))
    bulletin.save()
    for attachment in removing:
        name = attachment.file.name
        storage = attachment.file.storage
        attachment.delete()
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    for checked in files:
        attachment = Attachment(bulletin=bulletin, original_name=checked.original_name,
                                content_type=checked.content_type, size=checked.size)
        attachment.file.save(checked.content.name, checked.content, save=True)
    return bulletin


def delete_bulletin(*, officer: User, bulletin: Bulletin, reason: str) -> Bulletin:
    """Soft delete: the row and the reason stay for the record."""
    _require_officer(officer, bulletin)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason; it is kept for the record.")})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": _("Use at most %(n)d characters.") % {"n": REASON_LIMIT}})
    bulletin.status = PostStatus.DELETED
    bulletin.moderation_note = reason
    bulletin.pinned = False
    bulletin.save(update_fields=["status", "moderation_note", "pinned", "updated_at"])
    return bulletin


def set_pinned(*, officer: User, bulletin: Bulletin, pinned: bool) -> Bulletin:
    _require_officer(officer, bulletin)
    bulletin.pinned = bool(pinned)
    bulletin.save(update_fields=["pinned", "updated_at"])
    return bulletin


def set_comments_closed(*, officer: User, bulletin: Bulletin, closed: bool) -> Bulletin:
    _require_officer(officer, bulletin)
    bulletin.comments_closed = bool(closed)
    bulletin.save(update_fields=["comments_closed", "updated_at"])
    return bulletin


def mark_read(*, user: User, bulletin: Bulletin) -> BulletinRead:
    """The member's stamp on the circular; pressing twice keeps the first time."""
    if not is_member(user, bulletin.association_id):
        raise PermissionDenied(_("Only members of the association confirm reading."))
    if bulletin.status != PostStatus.PUBLISHED:
        raise ValidationError({"status": _("This post is not published.")})
    existing = BulletinRead.objects.filter(bulletin=bulletin, user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return BulletinRead.objects.create(bulletin=bulletin, user=user)
    except IntegrityError:  # two taps at once
        return BulletinRead.objects.get(bulletin=bulletin, user=user)


def opened(*, user: User, bulletin: Bulletin) -> None:
    """A member opened the post: its notification in their inbox counts as read."""
    if bulletin.message_id and user.is_authenticated:
        message = Message.objects.filter(pk=bulletin.message_id).first()
        if message is not None:
            open_inbox_message(user=user, message=message)


def next_reminder_at(bulletin: Bulletin) -> dt.datetime | None:
    if bulletin.reminded_at is None:
        return None
    due = bulletin.reminded_at + REMINDER_INTERVAL
    return due if due > timezone.now() else None


@transaction.atomic
def remind_unread(*, officer: User, bulletin: Bulletin) -> Message:
    """One reminder to the members who have not confirmed reading; at most once an hour."""
    _require_officer(officer, bulletin)
    bulletin = Bulletin.objects.select_for_update().select_related("association").get(pk=bulletin.pk)
    if bulletin.status != PostStatus.PUBLISHED:
        raise ValidationError({"status": _("Only a published post can be reminded of.")})
    due = next_reminder_at(bulletin)
    if due is not None:
        raise ValidationError({"non_field_errors": _(
            "A reminder was sent less than an hour ago. The next one can be sent after %(time)s."
        ) % {"time": timezone.localtime(due).strftime("%H:%M")}})
    message = publish(
        sender=officer, title=(_("Reminder: %(title)s") % {"title": bulletin.title})[:120],
        body=_("Please read “%(title)s” and confirm with the “I have read it” button.") % {"title": bulletin.title},
        category=Category.COMMUNITY,
        audience={"segments": [{"kind": "bulletin_unread", "bulletin": bulletin.pk}]},
        organisation=_organisation(bulletin.association), link_url=detail_url(bulletin),
    )
    bulletin.reminded_at = timezone.now()
    bulletin.reminder_message_id = message.pk
    bulletin.save(update_fields=["reminded_at", "reminder_message_id"])
    return message
