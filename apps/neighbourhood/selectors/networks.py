"""Reads about networks: a person who is not a member of a network gets 404 for all of it."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from apps.neighbourhood.choices import PostStatus
from apps.neighbourhood.models import ModerationReport, Network, NetworkMember, NetworkPost, Reaction
from apps.neighbourhood.permissions import is_network_owner, network_member

POSTS_PER_CHANNEL = 100


def networks_for(user) -> QuerySet:
    if not user.is_authenticated:
        return Network.objects.none()
    return (Network.objects.filter(members__user=user).select_related("school_district")
            .annotate(member_count=Count("members", distinct=True)).order_by("name"))


def network_for(user, network_id: int) -> Network:
    network = Network.objects.select_related("school_district").filter(pk=network_id).first()
    if network is None or network_member(user, network) is None:
        raise Http404("No such network.")
    return network


def members_of(user, network: Network) -> QuerySet:
    network_for(user, network.pk)
    return NetworkMember.objects.filter(network=network).select_related("user").order_by("-role", "represents")


def posts(user, network: Network, channel: str | None = None) -> QuerySet:
    """Published posts for members; owners also see posts waiting for approval and hidden ones."""
    network_for(user, network.pk)
    found = NetworkPost.objects.filter(network=network).select_related("author")
    if not is_network_owner(user, network):
        found = found.filter(Q(status=PostStatus.PUBLISHED)
                             | Q(status=PostStatus.PENDING_APPROVAL, author=user))
    else:
        found = found.exclude(status=PostStatus.DELETED)
    if channel:
        found = found.filter(channel=channel)
    return found.order_by("-created_at", "-id")


def post_for(user, network: Network, post_id: int) -> NetworkPost:
    post = posts(user, network).filter(pk=post_id).first()
    if post is None:
        raise Http404("No such post.")
    return post


def reaction_summary(user, post_ids: list[int]) -> dict[int, dict]:
    """{post id: {"counts": {kind: n}, "mine": {kinds}}} in two queries for a page of posts."""
    content_type = ContentType.objects.get_for_model(NetworkPost)
    summary: dict[int, dict] = defaultdict(lambda: {"counts": {}, "mine": set()})
    rows = (Reaction.objects.filter(target_type=content_type, target_id__in=post_ids)
            .values("target_id", "kind").annotate(n=Count("pk")))
    for row in rows:
        summary[row["target_id"]]["counts"][row["kind"]] = row["n"]
    if user.is_authenticated:
        for target_id, kind in Reaction.objects.filter(target_type=content_type, target_id__in=post_ids,
                                                       user=user).values_list("target_id", "kind"):
            summary[target_id]["mine"].add(kind)
    return summary


def open_reports(user, network: Network) -> QuerySet:
    """The moderation queue of a network, for its owners."""
    if not is_network_owner(user, network):
        return ModerationReport.objects.none()
    return ModerationReport.objects.filter(network=network, resolved_at__isnull=True).select_related("reporter")
