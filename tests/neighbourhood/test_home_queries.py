"""The association home page and the read-status page cost the same number of queries however
many bulletins and members there are (issue #5's measure; timings are in bench_association)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.neighbourhood.choices import MemberRole, PostKind, PostStatus, Visibility
from apps.neighbourhood.models import Bulletin, BulletinRead, Event
from apps.neighbourhood.services.posts import create_bulletin

pytestmark = pytest.mark.django_db

HOME_MAX = 16
READS_MAX = 14


def fill(association, officer, make_member, *, bulletins: int, members: int) -> Bulletin:
    people = [make_member(association) for _ in range(members)]
    # Two posts go through the service, so they carry a real notification message.
    circular = create_bulletin(author=officer, association=association, kind=PostKind.CIRCULAR, category="notice",
                               title="Circular", body="Please read", visibility=Visibility.MEMBERS)
    create_bulletin(author=officer, association=association, kind=PostKind.BULLETIN, category="notice",
                    title="Public", body="Hello", visibility=Visibility.PUBLIC, pinned=True)
    now = timezone.now()
    Bulletin.objects.bulk_create([
        Bulletin(association=association, author=officer, title=f"Post {i}", body="Text",
                 kind=PostKind.CIRCULAR if i % 2 else PostKind.BULLETIN, status=PostStatus.PUBLISHED,
                 published_at=now, visibility=Visibility.PUBLIC if i % 3 else Visibility.MEMBERS)
        for i in range(bulletins)])
    BulletinRead.objects.bulk_create([BulletinRead(bulletin=circular, user=p) for p in people[::2]])
    Event.objects.create(association=association, title="Summer festival", author=officer,
                         starts_at=now + timezone.timedelta(days=3), ends_at=now + timezone.timedelta(days=3, hours=2))
    return circular


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("bulletins", "members"), [(10, 5), (200, 100)])
def test_home_page_queries_are_bounded(client, association, officer, make_member, bulletins, members,
                                       django_assert_max_num_queries):
    fill(association, officer, make_member, bulletins=bulletins, members=members)
    client.force_login(officer)
    url = reverse("neighbourhood:association_home", args=[association.slug])
    with django_assert_max_num_queries(HOME_MAX):
        response = client.get(url)
    assert len(response.context["posts"]) == min(20, bulletins + 2)
    assert response.context["posts"][0].title == "Public"  # pinned first
    assert "Summer festival" in response.content.decode()


def test_home_and_read_status_cost_the_same_at_two_sizes(client, association, other_association, officer,
                                                          make_member):
    circular_small = fill(association, officer, make_member, bulletins=10, members=5)
    other_officer = make_member(other_association, role=MemberRole.OFFICER)
    circular_large = fill(other_association, other_officer, make_member, bulletins=200, members=100)

    client.force_login(officer)
    # The first page a process renders also loads the alert banner into the cache.
    client.get(reverse("home"))
    small_home = count(client, reverse("neighbourhood:association_home", args=[association.slug]))
    small_reads = count(client, reverse("neighbourhood:bulletin_reads", args=[association.slug, circular_small.pk]))
    client.force_login(other_officer)
    large_home = count(client, reverse("neighbourhood:association_home", args=[other_association.slug]))
    large_reads = count(client, reverse("neighbourhood:bulletin_reads",
                                        args=[other_association.slug, circular_large.pk]))
    assert small_home == large_home <= HOME_MAX
    assert small_reads == large_reads <= READS_MAX


@pytest.mark.parametrize(("bulletins", "members"), [(10, 5), (200, 100)])
def test_read_status_queries_are_bounded(client, association, officer, make_member, bulletins, members,
                                         django_assert_max_num_queries):
    circular = fill(association, officer, make_member, bulletins=bulletins, members=members)
    client.force_login(officer)
    url = reverse("neighbourhood:bulletin_reads", args=[association.slug, circular.pk])
    with django_assert_max_num_queries(READS_MAX):
        response = client.get(url)
    assert response.context["member_count"] == members + 1
    assert response.context["read_count"] == len(range(0, members, 2))


@pytest.mark.parametrize("bulletins", [10, 200])
def test_public_home_queries_are_bounded(client, association, officer, make_member, bulletins,
                                         django_assert_max_num_queries):
    fill(association, officer, make_member, bulletins=bulletins, members=3)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("neighbourhood:association_home", args=[association.slug]))
    assert all(p.visibility == Visibility.PUBLIC for p in response.context["posts"])
