"""Safety and security networks (安全・安心ネットワーク): set-up by city staff, posts, reactions, moderation.

The information channel carries what the owners announce (others react); the discussion
channel is open to every member of the network (Shunan's information / opinion groups).
"""

from __future__ import annotations

import nh3
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.geo.models import SchoolDistrict
from apps.neighbourhood.choices import NetworkChannel, NetworkRole, PostStatus, ReactionKind
from apps.neighbourhood.models import Association, ModerationReport, Network, NetworkMember, NetworkPost, Reaction
from apps.neighbourhood.permissions import is_city_staff, is_network_owner, network_member
from apps.neighbourhood.services.rules import check_posting
from apps.notifications.choices import Category, OrganisationKind
from apps.notifications.services import Organisation, publish

BODY_LIMIT = 4000
TITLE_LIMIT = 120


def _plain(value: str) -> str:
    return nh3.clean(value or "", tags=set()).strip()


@transaction.atomic
def create_network(*, by, name: str, school_district: SchoolDistrict, associations: list[Association],
                   description: str = "", members: list[dict]) -> Network:
    """City staff set a network up; members are found by e-mail: [{email, role, represents}]."""
    if not is_city_staff(by):
        raise PermissionDenied(_("Only city staff set up networks."))
    errors: dict[str, str] = {}
    name = _plain(name)
    if not name or len(name) > 120:
        errors["name"] = _("Give a name of at most %(n)d characters.") % {"n": 120}
    resolved: list[tuple[User, str, str]] = []
    for index, entry in enumerate(members):
        email = str(entry.get("email", "")).strip()
        user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
        if user is None:
            errors[f"members.{index}.email"] = _("No active account with the e-mail “%(email)s”.") % {"email": email}
            continue
        role = entry.get("role", NetworkRole.PARTICIPANT)
        if role not in NetworkRole.values:
            errors[f"members.{index}.role"] = _("Choose owner or participant.")
        represents = _plain(str(entry.get("represents", "")))
        if not represents or len(represents) > 120:
            errors[f"members.{index}.represents"] = _("Say whom this person represents (at most 120 characters).")
        if any(user == other for other, _r, _p in resolved):
            errors[f"members.{index}.email"] = _("This person is listed twice.")
        resolved.append((user, role, represents))
    if not any(role == NetworkRole.OWNER for _u, role, _p in resolved) and "members" not in errors:
        errors.setdefault("members", _("At least one member must be an owner."))
    if errors:
        raise ValidationError(errors)
    network = Network.objects.create(name=name, school_district=school_district, description=_plain(description))
    network.associations.set(associations)
    NetworkMember.objects.bulk_create(NetworkMember(network=network, user=user, role=role, represents=represents)
                                      for user, role, represents in resolved)
    return network


def _require_member(user, network: Network) -> NetworkMember:
    member = network_member(user, network)
    if member is None:
        raise PermissionDenied(_("Only members of the network may do this."))
    return member


@transaction.atomic
def post_to_network(*, user, network: Network, channel: str, title: str = "", body: str) -> NetworkPost:
    errors: dict[str, str] = {}
    title, body = _plain(title), _plain(body)
    if len(title) > TITLE_LIMIT:
        errors["title"] = _("Use at most %(n)d characters.") % {"n": TITLE_LIMIT}
    if not body:
        errors["body"] = _("Write something.")
    elif len(body) > BODY_LIMIT:
        errors["body"] = _("Use at most %(n)d characters.") % {"n": BODY_LIMIT}
    if channel not in NetworkChannel.values:
        errors["channel"] = _("Choose the information or the discussion channel.")
    if errors:
        raise ValidationError(errors)
    needs_approval = check_posting(user=user, category="", text=f"{title}\n{body}", network=network, channel=channel)
    post = NetworkPost.objects.create(
        network=network, channel=channel, title=title, body=body, author=user,
        status=PostStatus.PENDING_APPROVAL if needs_approval else PostStatus.PUBLISHED)
    if post.status == PostStatus.PUBLISHED:
        _announce(post)
    return post


def _announce(post: NetworkPost) -> None:
    """Information posts reach every network member on their own channels."""
    if post.channel != NetworkChannel.INFORMATION:
        return
    network = post.network
    publish(sender=post.author, organisation=Organisation(OrganisationKind.ASSOCIATION, 0, network.name),
            category=Category.COMMUNITY, title=(post.title or _("New information from %(name)s") % {
                "name": network.name})[:TITLE_LIMIT],
            body=post.body[:3000], audience={"segments": [{"kind": "network_members", "network": network.pk}]},
            link_url=settings.SITE_URL.rstrip("/") + reverse("neighbourhood:network_detail", args=[network.pk]))


@transaction.atomic
def approve_post(*, by, post: NetworkPost) -> NetworkPost:
    if not is_network_owner(by, post.network):
        raise PermissionDenied(_("Only the network's owners approve posts."))
    post = NetworkPost.objects.select_for_update().get(pk=post.pk)
    if post.status != PostStatus.PENDING_APPROVAL:
        raise ValidationError({"status": _("This post is not waiting for approval.")})
    post.status = PostStatus.PUBLISHED
    post.save(update_fields=["status"])
    _announce(post)
    return post


def react(*, user, post: NetworkPost, kind: str) -> tuple[Reaction | None, bool]:
    """Toggle: the same reaction twice takes it back. Returns (reaction, added)."""
    _require_member(user, post.network)
    if kind not in ReactionKind.values:
        raise ValidationError({"kind": _("Choose one of: %(k)s.") % {"k": ", ".join(ReactionKind.values)}})
    if post.status != PostStatus.PUBLISHED:
        raise ValidationError({"non_field_errors": _("This post cannot be reacted to.")})
    target = {"target_type": ContentType.objects.get_for_model(NetworkPost), "target_id": post.pk}
    deleted, _rows = Reaction.objects.filter(user=user, kind=kind, **target).delete()
    if deleted:
        return None, False
    try:
        with transaction.atomic():
            return Reaction.objects.create(user=user, kind=kind, **target), True
    except IntegrityError:  # a double click raced us; it is there now
        return Reaction.objects.get(user=user, kind=kind, **target), True


def report_post(*, user, post: NetworkPost, reason: str) -> ModerationReport:
    """The report button: the post goes to the owners' moderation queue."""
    _require_member(user, post.network)
    reason = _plain(reason)
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong with the post.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("Use at most %(n)d characters.") % {"n": 300}})
    return ModerationReport.objects.create(
        target_type=ContentType.objects.get_for_model(NetworkPost), target_id=post.pk, network=post.network,
        reporter=user, reason=reason)


@transaction.atomic
def hide_post(*, by, post: NetworkPost, reason: str) -> NetworkPost:
    """Owners hide a post with a recorded reason; open reports on it are resolved with it."""
    if not is_network_owner(by, post.network):
        raise PermissionDenied(_("Only the network's owners may hide posts."))
    reason = _plain(reason)
    if not reason or len(reason) > 200:
        raise ValidationError({"reason": _("Give a reason of at most %(n)d characters.") % {"n": 200}})
    post.status = PostStatus.HIDDEN
    post.moderation_note = reason
    post.save(update_fields=["status", "moderation_note"])
    ModerationReport.objects.filter(target_type=ContentType.objects.get_for_model(NetworkPost), target_id=post.pk,
                                    resolved_at__isnull=True).update(
        resolved_by=by, resolved_at=timezone.now(), resolution=reason)
    return post
