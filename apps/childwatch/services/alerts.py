"""Writes for school alert mail: sending an alert through notifications, and guardians' replies.

Sending goes only through `apps.notifications.services.publish`; the SchoolAlert row records
what the school meant (scope, category, replies) and points at the message, whose ledger holds
delivery and read state.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.childwatch.choices import SAFETY_CATEGORIES, AlertCategory, AlertScope, ReplyChoice
from apps.childwatch.models import AlertReply, Child, School, SchoolAlert, SchoolClass
from apps.childwatch.permissions import may_send_alert
from apps.childwatch.selectors.alerts import count_scope_guardians, was_sent_to
from apps.notifications import services as notifications
from apps.notifications.choices import Category, OrganisationKind, Priority
from apps.notifications.services import LINE_TEXT_LIMIT, TITLE_LIMIT, Organisation

# Schools send normal, high or emergency; emergency ignores quiet hours and topic choices.
ALERT_PRIORITIES = (Priority.NORMAL, Priority.HIGH, Priority.EMERGENCY)
ALERT_PRIORITY_CHOICES = [(p.value, p.label) for p in ALERT_PRIORITIES]
MAX_CHILDREN = 2000  # as the child_guardians audience kind

# publish() names some fields its own way; the form and API use these names.
_PUBLISH_FIELDS = {"variants.en.title": "title_en", "variants.en.body": "body_en", "variants": "title_en",
                   "audience": "scope"}


def notification_category(category: str) -> str:
    """The notifications topic an alert is filed under (residents choose topics in their settings)."""
    if category in SAFETY_CATEGORIES:
        return Category.CRIME_SAFETY
    if category == AlertCategory.DISASTER:
        return Category.DISASTER
    return Category.CHILDREN


def school_organisation(school: School) -> Organisation:
    return Organisation(OrganisationKind.SCHOOL, school.pk, school.name)


def _text(errors: dict, field: str, value: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > limit:
        errors[field] = _("Use at most %(limit)d characters (now %(n)d).") % {"limit": limit, "n": len(value)}
    return value


def audience_for(*, school: School, scope: str, grade: int | None, school_class_id: int | None,
                 child_ids: Sequence[int]) -> dict:
    """The notifications audience (kinds from apps/childwatch/audiences.py) for a scope."""
    if scope == AlertScope.GRADE:
        segment = {"kind": "grade_guardians", "school": school.pk, "grade": grade}
    elif scope == AlertScope.CLASS:
        segment = {"kind": "class_guardians", "class": school_class_id}
    elif scope == AlertScope.CHILDREN:
        segment = {"kind": "child_guardians", "children": sorted(set(child_ids))}
    else:
        segment = {"kind": "school_guardians", "school": school.pk}
    return {"segments": [segment]}


def check_scope(*, school: School, scope: str, grade: int | None = None, school_class_id: int | None = None,
                child_ids: Sequence[int] = ()) -> dict[str, str]:
    """Errors by field for a scope of this school; never lets a scope reach another school."""
    errors: dict[str, str] = {}
    if scope not in AlertScope.values:
        errors["scope"] = _("Choose who receives the alert.")
    elif scope == AlertScope.GRADE:
        if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 12:
            errors["grade"] = _("Choose a grade from 1 to 12.")
        elif not SchoolClass.objects.filter(school=school, grade=grade).exists():
            errors["grade"] = _("This school has no class in grade %(grade)d.") % {"grade": grade}
    elif scope == AlertScope.CLASS:
        if school_class_id is None:
            errors["school_class"] = _("Choose a class.")
        elif not SchoolClass.objects.filter(pk=school_class_id, school=school).exists():
            errors["school_class"] = _("Choose a class of %(school)s.") % {"school": school.name}
    elif scope == AlertScope.CHILDREN:
        ids = set(child_ids)
        if not ids:
            errors["children"] = _("Choose at least one child.")
        elif len(ids) > MAX_CHILDREN:
            errors["children"] = _("Choose at most %(n)d children.") % {"n": MAX_CHILDREN}
        elif Child.objects.filter(pk__in=ids, school=school, is_active=True).count() != len(ids):
            errors["children"] = _("Choose only children enrolled at %(school)s.") % {"school": school.name}
    return errors


def send_alert(
    *,
    sender: User,
    school: School,
    scope: str,
    category: str,
    priority: str,
    title: str,
    body: str,
    grade: int | None = None,
    school_class_id: int | None = None,
    child_ids: Sequence[int] = (),
    title_en: str = "",
    body_en: str = "",
    replies_allowed: bool = True,
) -> SchoolAlert:
    """Send an alert to guardians of the school (all, a grade, a class or chosen children).

    Raises PermissionDenied unless the sender is staff of the school, ValidationError naming
    the field otherwise; nothing is stored unless the message is.
    """
    if not may_send_alert(sender, school):
        raise PermissionDenied(_("Only staff of this school can send its alerts."))
    errors = check_scope(school=school, scope=scope, grade=grade, school_class_id=school_class_id,
                         child_ids=child_ids)
    if category not in AlertCategory.values:
        errors["category"] = _("Choose a category.")
    if priority not in ALERT_PRIORITIES:
        errors["priority"] = _("Choose normal, high or emergency.")
    title = _text(errors, "title", title, TITLE_LIMIT)
    body = _text(errors, "body", body, LINE_TEXT_LIMIT)
    title_en = _text(errors, "title_en", title_en, TITLE_LIMIT, required=False)
    body_en = _text(errors, "body_en", body_en, LINE_TEXT_LIMIT, required=False)
    if bool(title_en) != bool(body_en):
        missing = "body_en" if title_en else "title_en"
        errors.setdefault(missing, _("Give both the English title and the English text, or neither."))
    if not errors and count_scope_guardians(school_id=school.pk, scope=scope, grade=grade,
                                            school_class_id=school_class_id, child_ids=list(child_ids)) == 0:
        errors["scope"] = _("No guardian is linked to the children you chose: nobody would receive it.")
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        alert = SchoolAlert.objects.create(
            school=school, category=category, scope=scope,
            grade=grade if scope == AlertScope.GRADE else None,
            school_class_id=school_class_id if scope == AlertScope.CLASS else None,
            replies_allowed=replies_allowed, sent_by=sender,
        )
        if scope == AlertScope.CHILDREN:
            alert.children.set(sorted(set(child_ids)))
        try:
            message = notifications.publish(
                sender=sender, title=title, body=body, category=notification_category(category),
                priority=priority, organisation=school_organisation(school),
                audience=audience_for(school=school, scope=scope, grade=grade, school_class_id=school_class_id,
                                      child_ids=child_ids),
                variants={"en": {"title": title_en, "body": body_en}} if title_en else None,
                link_url=settings.SITE_URL + reverse("childwatch:alert_reply", args=[alert.pk]),
            )
        except ValidationError as exc:
            raise ValidationError({_PUBLISH_FIELDS.get(field, field): messages
                                   for field, messages in exc.message_dict.items()}) from None
        alert.message = message
        alert.save(update_fields=["message"])
    return alert


def open_alert(*, alert: SchoolAlert, guardian: User) -> None:
    """A guardian opened the alert's page: their inbox copy counts as read (the read receipt)."""
    if was_sent_to(alert, guardian):
        notifications.open_inbox_message(user=guardian, message=alert.message)


@transaction.atomic
def reply_to_alert(*, alert: SchoolAlert, guardian: User, reply: str) -> AlertReply:
    """Record a guardian's fixed reply; a second reply replaces the first (with a new time)."""
    if not was_sent_to(alert, guardian):
        raise PermissionDenied(_("This alert was not sent to you."))
    if not alert.replies_allowed:
        raise ValidationError({"reply": _("The school does not take replies to this alert.")})
    if reply not in ReplyChoice.values:
        raise ValidationError({"reply": _("Choose one of the replies offered.")})
    answer, _created = AlertReply.objects.update_or_create(alert=alert, guardian=guardian,
                                                           defaults={"reply": reply})
    # Answering means they read it, even from an app that never opened the page.
    notifications.open_inbox_message(user=guardian, message=alert.message)
    return answer
