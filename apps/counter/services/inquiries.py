"""Inquiries: asked → draft answer → approved by another person of the department → reply sent.
An answered inquiry may then be published to the FAQ with texts staff have anonymised."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.counter.anonymise import mask_contacts
from apps.counter.models import FaqEntry, Inquiry, InquiryStatus
from apps.counter.permissions_floor import may_approve_inquiry, may_handle_inquiry
from apps.counter.services.floor_mail import mail_after_commit
from apps.notifications.choices import Category, OrganisationKind
from apps.notifications.services import Organisation, publish

SUBJECT_LIMIT = 120
BODY_LIMIT = 4000
ANSWER_LIMIT = 3000
REASON_LIMIT = 300

def _text(errors: dict, name: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("Use at most %(limit)d characters (now %(n)d).") % {"limit": limit, "n": len(value)}
    return value


@transaction.atomic
def ask(*, department: Department, subject: str, body: str, asker: User | None = None, asker_email: str = "",
        asker_name: str = "") -> Inquiry:
    """A resident's question; without an account an e-mail address for the answer is needed."""
    errors: dict[str, str] = {}
    subject = _text(errors, "subject", subject, SUBJECT_LIMIT)
    body = _text(errors, "body", body, BODY_LIMIT)
    asker_email = (asker_email or "").strip()
    asker_name = (asker_name or "").strip()[:100]
    if asker is None or not asker.is_authenticated:
        asker = None
        if not asker_email:
            errors["asker_email"] = _("Give an e-mail address so that the answer can reach you.")
        else:
            try:
                validate_email(asker_email)
            except ValidationError:
                errors["asker_email"] = _("Enter a valid e-mail address.")
    else:
        asker_email, asker_name = "", ""  # the account is the address
    if errors:
        raise ValidationError(errors)
    return Inquiry.objects.create(department=department, subject=subject, body=body, asker=asker,
                                  asker_email=asker_email, asker_name=asker_name)


@transaction.atomic
def draft_answer(*, inquiry: Inquiry, user: User, text: str) -> Inquiry:
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if not may_handle_inquiry(user, inquiry):
        raise PermissionDenied(_("Only staff of the inquiry's department can answer it."))
    if inquiry.status == InquiryStatus.ANSWERED:
        raise ValidationError({"status": _("This inquiry has already been answered.")})
    errors: dict[str, str] = {}
    text = _text(errors, "draft_answer", text, ANSWER_LIMIT)
    if errors:
        raise ValidationError(errors)
    inquiry.draft_answer, inquiry.drafted_by = text, user
    inquiry.status, inquiry.returned_reason = InquiryStatus.AWAITING_APPROVAL, ""
    inquiry.save(update_fields=["draft_answer", "drafted_by", "status", "returned_reason", "updated_at"])
    return inquiry


@transaction.atomic
def return_draft(*, inquiry: Inquiry, user: User, reason: str) -> Inquiry:
    """The approver sends the draft back with a reason."""
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if not may_approve_inquiry(user, inquiry):
        raise PermissionDenied(_("Only an approver of the inquiry's department can return a draft."))
    if inquiry.status != InquiryStatus.AWAITING_APPROVAL:
        raise ValidationError({"status": _("There is no draft waiting for approval.")})
    errors: dict[str, str] = {}
    reason = _text(errors, "reason", reason, REASON_LIMIT)
    if errors:
        raise ValidationError(errors)
    inquiry.status, inquiry.returned_reason = InquiryStatus.RECEIVED, reason
    inquiry.save(update_fields=["status", "returned_reason", "updated_at"])
    return inquiry


def _reply(inquiry: Inquiry, link_url: str) -> int | None:
    department = inquiry.department
    title = f"【お問い合わせへの回答】{inquiry.subject}"[:120]
    if inquiry.asker_id:
        message = publish(
            sender=None, organisation=Organisation(OrganisationKind.DEPARTMENT, department.pk, department.name),
            audience={"segments": [{"kind": "explicit", "user_ids": [inquiry.asker_id]}]},
            category=Category.ADMINISTRATION, title=title, body=inquiry.answer[:900],
            variants={"en": {"title": f"Answer to your inquiry: {inquiry.subject}"[:120],
                             "body": inquiry.answer[:900]}},
            link_url=link_url,
        )
        return message.pk
    mail_after_commit(
        to=inquiry.asker_email, subject=title,
        body=(f"{inquiry.asker_name or 'お問い合わせ'}様\n\n{department.name}です。お問い合わせいただいた"
              f"「{inquiry.subject}」について回答いたします。\n\n{inquiry.answer}\n\n"
              f"-- \n{department.name}\n（このメールは送信専用です）"),
    )
    return None


@transaction.atomic
def approve_answer(*, inquiry: Inquiry, user: User, site_url: str = "") -> Inquiry:
    """A second person of the department approves the draft; the reply goes to the asker."""
    inquiry = Inquiry.objects.select_for_update().select_related("department").get(pk=inquiry.pk)
    if not may_approve_inquiry(user, inquiry):
        raise PermissionDenied(_("Only an approver of the inquiry's department can approve answers."))
    if inquiry.status != InquiryStatus.AWAITING_APPROVAL:
        raise ValidationError({"status": _("There is no draft waiting for approval.")})
    if inquiry.drafted_by_id == user.pk:
        raise PermissionDenied(_("Someone other than the author of the draft must approve it."))
    inquiry.answer = inquiry.draft_answer
    inquiry.approved_by = user
    inquiry.status = InquiryStatus.ANSWERED
    inquiry.answered_at = timezone.now()
    link = f"{site_url.rstrip('/')}{reverse('counter:inquiry_mine', args=[inquiry.pk])}" if site_url else ""
    inquiry.reply_message_id = _reply(inquiry, link)
    inquiry.save(update_fields=["answer", "approved_by", "status", "answered_at", "reply_message_id",
                                "updated_at"])
    return inquiry


def _asker_names(inquiry: Inquiry) -> list[str]:
    """The names the asker is known by: the one given with the question, or the account's."""
    names = [inquiry.asker_name]
    if inquiry.asker_id:
        asker = inquiry.asker
        names += [asker.first_name, asker.last_name, f"{asker.last_name} {asker.first_name}".strip(),
                  f"{asker.last_name}{asker.first_name}"]
        profile = getattr(asker, "profile", None)
        if profile is not None:
            names.append(profile.display_name)
    return [n.strip() for n in names if n and n.strip()]


@transaction.atomic
def publish_to_faq(*, inquiry: Inquiry, user: User, question: str, answer: str) -> FaqEntry:
    """Publish an answered inquiry as a FAQ entry with texts staff wrote; the asker is never carried."""
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if not may_handle_inquiry(user, inquiry):
        raise PermissionDenied(_("Only staff of the inquiry's department can publish it."))
    if inquiry.status != InquiryStatus.ANSWERED:
        raise ValidationError({"status": _("Only an answered inquiry can go to the FAQ.")})
    if FaqEntry.objects.filter(inquiry=inquiry).exists():
        raise ValidationError({"status": _("This inquiry is already in the FAQ.")})
    errors: dict[str, str] = {}
    names = [n for n in _asker_names(inquiry) if len(n) >= 2]
    question = _text(errors, "question", question, BODY_LIMIT)
    answer = _text(errors, "answer", answer, ANSWER_LIMIT)
    for name, value in (("question", question), ("answer", answer)):
        if name not in errors and mask_contacts(value) != value:
            errors[name] = _("Remove e-mail addresses and phone numbers before publishing.")
        elif name not in errors and inquiry.asker_email and inquiry.asker_email.lower() in value.lower():
            errors[name] = _("Remove the asker's e-mail address before publishing.")
        elif name not in errors and any(n in value for n in names):
            errors[name] = _("Remove the asker's name before publishing.")
    if errors:
        raise ValidationError(errors)
    return FaqEntry.objects.create(department=inquiry.department, inquiry=inquiry, question=question,
                                   answer=answer, published_by=user)
