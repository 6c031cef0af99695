"""Joining, approving, declining, removing and leaving; roles; posting rules.

A resident asks in real name and address (Okayama's 電子町内会 runs in real names); an
officer of that association decides. The person concerned is told through notifications.
"""

from __future__ import annotations

import nh3
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.neighbourhood.choices import OFFICER_ROLES, MemberRole, MembershipStatus, PostCategory
from apps.neighbourhood.models import Association, Membership, PostingRules
from apps.neighbourhood.permissions import is_officer, membership_of
from apps.notifications.choices import Category, OrganisationKind
from apps.notifications.services import Organisation, publish, subscribe_topic

OPEN_STATUSES = (MembershipStatus.PENDING, MembershipStatus.ACTIVE)
REASON_LIMIT = 200


def organisation(association: Association) -> Organisation:
    return Organisation(OrganisationKind.ASSOCIATION, association.pk, association.name)


def _plain(value: str) -> str:
    # Names and addresses are plain text: any markup is dropped, not kept escaped.
    return nh3.clean(value or "", tags=set()).strip()


def _link(name: str, *args) -> str:
    try:
        return settings.SITE_URL.rstrip("/") + reverse(name, args=args)
    except NoReverseMatch:  # a page another part of the app has not built yet
        return ""


def _reason(reason: str, *, required: bool) -> str:
    reason = _plain(reason)
    if required and not reason:
        raise ValidationError({"reason": _("Give a reason; the person is told it.")})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": _("Use at most %(n)d characters.") % {"n": REASON_LIMIT}})
    return reason


def _tell_person(*, by, membership: Membership, title: str, body: str) -> None:
    publish(sender=by, organisation=organisation(membership.association), category=Category.COMMUNITY,
            title=title, body=body, audience={"segments": [
                {"kind": "membership_applicant", "membership": membership.pk}]},
            link_url=_link("neighbourhood:my_associations"))


def _require_officer(user, association: Association) -> None:
    if not is_officer(user, association):
        raise PermissionDenied(_("Only the association's officers may do this."))


@transaction.atomic
def request_membership(*, user, association: Association, real_name: str, address: str, location: Point | None,
                       phone: str = "") -> Membership:
    """A resident asks to join; the address's location must lie inside the association's area."""
    errors: dict[str, str] = {}
    real_name, address, phone = _plain(real_name), _plain(address), _plain(phone)
    if not real_name:
        errors["real_name"] = _("Give your full name.")
    elif len(real_name) > 80:
        errors["real_name"] = _("Use at most %(n)d characters.") % {"n": 80}
    if not address:
        errors["address"] = _("Give your address.")
    elif len(address) > 200:
        errors["address"] = _("Use at most %(n)d characters.") % {"n": 200}
    if len(phone) > 30:
        errors["phone"] = _("Use at most %(n)d characters.") % {"n": 30}
    if location is None:
        errors["location"] = _("Give the location of your address (on the map, or latitude and longitude).")
    else:
        location = Point(location.x, location.y, srid=4326)
        if not association.area.contains(location):
            errors["location"] = _("This address lies outside the area of %(name)s. "
                                   "Find the association for your address in the directory.") % {
                "name": association.name}
    if errors:
        raise ValidationError(errors)
    existing = Membership.objects.select_for_update().filter(association=association, user=user).first()
    if existing is not None and existing.status in OPEN_STATUSES:
        raise ValidationError({"non_field_errors": _(
            "You are already a member of this association or your request is waiting for approval.")})
    # One row per person and association: asking again after leaving reopens it as a request.
    membership = existing or Membership(association=association, user=user)
    membership.role = MemberRole.MEMBER
    membership.status = MembershipStatus.PENDING
    membership.real_name, membership.address, membership.phone, membership.location = (
        real_name, address, phone, location)
    membership.decided_by, membership.decided_at, membership.decision_note = None, None, ""
    membership.save()
    if existing is not None:
        # auto_now_add keeps the first date; a renewed request is a new request.
        Membership.objects.filter(pk=membership.pk).update(requested_at=timezone.now())
    # Machine-originated: the resident did not write this message and is no member yet, so
    # the system tells the officers in the association's name.
    publish(sender=None, organisation=organisation(association), category=Category.COMMUNITY,
            title=_("New request to join %(name)s") % {"name": association.name},
            body=_("%(person)s asked to join. Please approve or decline the request.") % {"person": real_name},
            audience={"segments": [{"kind": "association_officers", "association": association.pk}]},
            link_url=_link("neighbourhood:membership_requests", association.slug))
    return membership


def _pending(membership: Membership) -> None:
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError({"status": _("This request has already been decided.")})


@transaction.atomic
def approve_membership(*, by, membership: Membership) -> Membership:
    _require_officer(by, membership.association)
    membership = Membership.objects.select_for_update().select_related("association").get(pk=membership.pk)
    _pending(membership)
    membership.status = MembershipStatus.ACTIVE
    membership.decided_by, membership.decided_at, membership.decision_note = by, timezone.now(), ""
    membership.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    # Joining is the member's opt-in to association news (bulletins, circulars, events);
    # without the topic the engine would hold them back. They may drop it in their settings.
    subscribe_topic(user=membership.user, category=Category.COMMUNITY)
    _tell_person(by=by, membership=membership,
                 title=_("Welcome to %(name)s") % {"name": membership.association.name},
                 body=_("Your request to join %(name)s was approved. You now see the association's "
                        "bulletins and circulars.") % {"name": membership.association.name})
    return membership


@transaction.atomic
def decline_membership(*, by, membership: Membership, reason: str) -> Membership:
    _require_officer(by, membership.association)
    reason = _reason(reason, required=True)
    membership = Membership.objects.select_for_update().select_related("association").get(pk=membership.pk)
    _pending(membership)
    membership.status = MembershipStatus.DECLINED
    membership.decided_by, membership.decided_at, membership.decision_note = by, timezone.now(), reason
    membership.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _tell_person(by=by, membership=membership,
                 title=_("Your request to join %(name)s") % {"name": membership.association.name},
                 body=_("Your request was declined. Reason: %(reason)s") % {"reason": reason})
    return membership


def _other_chairs(membership: Membership) -> bool:
    return Membership.objects.filter(association_id=membership.association_id, status=MembershipStatus.ACTIVE,
                                     role=MemberRole.CHAIR).exclude(pk=membership.pk).exists()


@transaction.atomic
def remove_member(*, by, membership: Membership, reason: str) -> Membership:
    """Officers remove members; only the chair removes officers; the last chair stays."""
    association = membership.association
    _require_officer(by, association)
    reason = _reason(reason, required=True)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.ACTIVE:
        raise ValidationError({"status": _("Only an active member can be removed.")})
    if membership.user_id == by.pk:
        raise ValidationError({"non_field_errors": _("To leave the association yourself, use “Leave”.")})
    actor = membership_of(by, association)
    if membership.role in OFFICER_ROLES and actor.role != MemberRole.CHAIR:
        raise PermissionDenied(_("Only the chair may remove an officer."))
    if membership.role == MemberRole.CHAIR and not _other_chairs(membership):
        raise ValidationError({"non_field_errors": _("The association must keep at least one chair.")})
    membership.status = MembershipStatus.REMOVED
    membership.decided_by, membership.decided_at, membership.decision_note = by, timezone.now(), reason
    membership.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _tell_person(by=by, membership=membership,
                 title=_("Your membership of %(name)s") % {"name": association.name},
                 body=_("An officer ended your membership. Reason: %(reason)s") % {"reason": reason})
    return membership


@transaction.atomic
def leave_association(*, user, association: Association) -> Membership:
    membership = (Membership.objects.select_for_update()
                  .filter(association=association, user=user, status__in=OPEN_STATUSES).first())
    if membership is None:
        raise ValidationError({"non_field_errors": _("You are not a member of this association.")})
    if membership.role == MemberRole.CHAIR and membership.status == MembershipStatus.ACTIVE \
            and not _other_chairs(membership):
        raise ValidationError({"non_field_errors": _(
            "You are the only chair. Make another member chair before you leave.")})
    membership.status = MembershipStatus.LEFT
    membership.decided_by, membership.decided_at = user, timezone.now()
    membership.save(update_fields=["status", "decided_by", "decided_at"])
    return membership


@transaction.atomic
def change_role(*, by, membership: Membership, role: str) -> Membership:
    """Only the chair appoints; at least one chair remains."""
    association = membership.association
    actor = membership_of(by, association)
    if actor is None or actor.role != MemberRole.CHAIR:
        raise PermissionDenied(_("Only the chair may change roles."))
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose chair, officer or member.")})
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.ACTIVE:
        raise ValidationError({"role": _("Only an active member can be given a role.")})
    if membership.role == MemberRole.CHAIR and role != MemberRole.CHAIR and not _other_chairs(membership):
        raise ValidationError({"role": _("The association must keep at least one chair.")})
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def update_rules(*, by, association: Association, members_may_post: bool, allowed_categories: list[str],
                 max_posts_per_week: int | None, banned_words: str, approval_required: bool) -> PostingRules:
    _require_officer(by, association)
    unknown = sorted(set(allowed_categories) - set(PostCategory.values))
    if unknown:
        raise ValidationError({"allowed_categories": _("Unknown categories: %(c)s.") % {"c": ", ".join(unknown)}})
    if max_posts_per_week is not None and not 1 <= max_posts_per_week <= 100:
        raise ValidationError({"max_posts_per_week": _("Give a number from 1 to 100, or leave it empty.")})
    words = [_plain(word) for word in (banned_words or "").splitlines() if _plain(word)]
    if len(words) > 200 or any(len(word) > 50 for word in words):
        raise ValidationError({"banned_words": _("At most 200 words of at most 50 characters each.")})
    rules, _created = PostingRules.objects.update_or_create(association=association, defaults={
        "members_may_post": members_may_post, "allowed_categories": sorted(set(allowed_categories)),
        "max_posts_per_week": max_posts_per_week, "banned_words": "\n".join(words),
        "approval_required": approval_required,
    })
    return rules
