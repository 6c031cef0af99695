"""Reads of bulletins and circulars, scoped to the person asking.

Members see their association's member-only and public posts; everyone else sees public
posts only. A post someone may not see answers 404, so its existence does not leak. Lists
are built with a fixed number of queries whatever the number of posts or members (the
issue's measure: 5,000 bulletins, 2,000 members).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.neighbourhood.choices import OFFICER_ROLES, MembershipStatus, PostKind, PostStatus, Visibility
from apps.neighbourhood.models import Association, Attachment, Bulletin, BulletinRead, Event, Membership
from apps.neighbourhood.permissions import AnyUser, is_city_staff
from apps.notifications.selectors import status_counts_by_message, summarise

PAGE_SIZE = 20
READS_PAGE_SIZE = 100


@dataclass(frozen=True)
class Viewer:
    """What the person asking is to this association (one query)."""

    membership: Membership | None

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def is_officer(self) -> bool:
        return self.membership is not None and self.membership.role in OFFICER_ROLES


def viewer_of(user: AnyUser, association: Association) -> Viewer:
    if not user.is_authenticated:
        return Viewer(None)
    return Viewer(Membership.objects.filter(association=association, user=user,
                                            status=MembershipStatus.ACTIVE).first())


def association_for(user: AnyUser, slug: str) -> Association:
    """Any listed association; an unlisted one only for its members and city staff."""
    association = get_object_or_404(Association, slug=slug)
    if not association.listed and not is_city_staff(user) and not viewer_of(user, association).is_member:
        raise Http404
    return association


def _members(association: Association) -> QuerySet[Membership]:
    return Membership.objects.filter(association=association, status=MembershipStatus.ACTIVE)


def _visible(association: Association, viewer: Viewer) -> QuerySet[Bulletin]:
    posts = Bulletin.objects.filter(association=association)
    if viewer.is_officer:
        # Officers also open pending and hidden posts (approval, moderation); deleted ones stay gone.
        return posts.exclude(status=PostStatus.DELETED)
    posts = posts.filter(status=PostStatus.PUBLISHED)
    return posts if viewer.is_member else posts.filter(visibility=Visibility.PUBLIC)


def listing(user: AnyUser, association: Association, viewer: Viewer) -> QuerySet[Bulletin]:
    """Published, unexpired posts the viewer may see: pinned first, then newest."""
    now = timezone.now()
    posts = (Bulletin.objects.filter(association=association, status=PostStatus.PUBLISHED)
             .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
             .select_related("author").order_by("-pinned", "-published_at", "-id"))
    if not viewer.is_member:
        posts = posts.filter(visibility=Visibility.PUBLIC)
    if viewer.is_member:
        posts = posts.annotate(read_by_me=Exists(BulletinRead.objects.filter(bulletin=OuterRef("pk"), user=user)))
    return posts


def read_counts(association: Association, bulletin_ids: list[int]) -> dict[int, int]:
    """Reads by people who are still members (someone who left no longer counts), one query for a page."""
    if not bulletin_ids:
        return {}
    return dict(BulletinRead.objects.filter(bulletin_id__in=bulletin_ids,
                                            user_id__in=_members(association).values("user_id"))
                .order_by().values("bulletin_id").annotate(n=Count("id")).values_list("bulletin_id", "n"))


def upcoming_events(association: Association, viewer: Viewer, *, limit: int = 5) -> list[Event]:
    visibility = [Visibility.PUBLIC, Visibility.MEMBERS] if viewer.is_member else [Visibility.PUBLIC]
    return list(Event.objects.filter(association=association, status=PostStatus.PUBLISHED,
                                     visibility__in=visibility, ends_at__gt=timezone.now())
                .order_by("starts_at", "id")[:limit])


def home(user: AnyUser, association: Association, *, page: str | int | None) -> dict:
    """Everything the association home page shows, in a bounded number of queries."""
    viewer = viewer_of(user, association)
    paginator = Paginator(listing(user, association, viewer), PAGE_SIZE)
    posts_page: Page = paginator.get_page(page)
    posts = list(posts_page.object_list)
    context = {"viewer": viewer, "page": posts_page, "posts": posts,
               "events": upcoming_events(association, viewer), "member_count": None, "pending_count": 0}
    if viewer.is_officer:
        member_count = _members(association).count()
        counts = status_counts_by_message([p.message_id for p in posts if p.message_id])
        reads = read_counts(association, [p.pk for p in posts if p.kind == PostKind.CIRCULAR])
        for post in posts:
            post.read_count = reads.get(post.pk, 0)
            post.delivery = summarise(counts.get(post.message_id, {})) if post.message_id else None
            post.read_percent = round(100 * post.read_count / member_count) if member_count else 0
        context["member_count"] = member_count
        context["pending_count"] = Bulletin.objects.filter(association=association,
                                                           status=PostStatus.PENDING_APPROVAL).count()
    return context


def bulletin_for(user: AnyUser, association: Association, bulletin_id: int, viewer: Viewer | None = None) -> Bulletin:
    viewer = viewer or viewer_of(user, association)
    return get_object_or_404(_visible(association, viewer).select_related("association", "author"), pk=bulletin_id)


def attachments_of(bulletin: Bulletin) -> list[Attachment]:
    return list(bulletin.attachments.order_by("id"))


def attachment_for(user: AnyUser, association: Association, bulletin_id: int, attachment_id: int) -> Attachment:
    bulletin = bulletin_for(user, association, bulletin_id)
    return get_object_or_404(Attachment, bulletin=bulletin, pk=attachment_id)


def pending_posts(association: Association) -> QuerySet[Bulletin]:
    return (Bulletin.objects.filter(association=association, status=PostStatus.PENDING_APPROVAL)
            .select_related("author").order_by("created_at"))


def has_read(user: AnyUser, bulletin: Bulletin) -> BulletinRead | None:
    if not user.is_authenticated:
        return None
    return BulletinRead.objects.filter(bulletin=bulletin, user=user).first()


def read_status(bulletin: Bulletin, *, show: str = "all", page: str | int | None = None) -> dict:
    """Who has read a post (with the time) and who has not, for its officers. Fixed query count."""
    members = _members(bulletin.association)
    read_at = BulletinRead.objects.filter(bulletin=bulletin, user_id=OuterRef("user_id")).values("read_at")[:1]
    rows = members.annotate(read_at=Subquery(read_at)).only("id", "real_name", "user_id", "role")
    member_count = members.count()
    read_count = BulletinRead.objects.filter(bulletin=bulletin, user_id__in=members.values("user_id")).count()
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    elif show == "read":
        rows = rows.filter(read_at__isnull=False)
    rows = rows.order_by(F("read_at").desc(nulls_first=True), "real_name", "id")
    # The total is known already: no second COUNT for the paginator.
    total = {"all": member_count, "read": read_count, "unread": member_count - read_count}.get(show, member_count)
    paginator = Paginator(rows, READS_PAGE_SIZE)
    paginator.count = total
    return {
        "member_count": member_count, "read_count": read_count, "unread_count": member_count - read_count,
        "read_percent": round(100 * read_count / member_count) if member_count else 0,
        "page": paginator.get_page(page), "show": show if show in ("read", "unread") else "all",
    }


def is_circular(bulletin: Bulletin) -> bool:
    return bulletin.kind == PostKind.CIRCULAR
