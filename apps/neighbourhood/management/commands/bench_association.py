"""Benchmark the association home page and the read-status page at the issue's size.

    python manage.py bench_association [--bulletins 5000] [--members 2000] [--requests 50]

Creates once (idempotently) an association with 5,000 bulletins and 2,000 members; the newest
circular is posted through the service, so it is really published and fanned out (in this
process) to every member, and 60 % of the members have confirmed reading it. Then an officer
requests each page `--requests` times through Django's test Client (the whole stack: URL
routing, middleware, session, selectors, template). Prints JSON: p50/p95/max in ms and the
query count of one request of each page.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from datetime import timedelta

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core import signals
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse
from django.utils import timezone

from apps.accounts.mfa import give_totp
from apps.accounts.models import User
from apps.neighbourhood.choices import MemberRole, MembershipStatus, PostCategory, PostKind, PostStatus, Visibility
from apps.neighbourhood.models import Association, Bulletin, BulletinRead, Membership
from apps.notifications.models import TopicSubscription

SLUG = "bench-association"
EMAIL = "bench-assoc-{n}@bench.invalid"
CATEGORIES = PostCategory.values


def _area() -> MultiPolygon:
    return MultiPolygon(Polygon(((133.90, 34.60), (133.95, 34.60), (133.95, 34.65), (133.90, 34.65),
                                 (133.90, 34.60))), srid=4326)


def ensure_data(*, bulletins: int, members: int) -> tuple[Association, User, Bulletin]:
    association, _ = Association.objects.get_or_create(slug=SLUG, defaults={"name": "ベンチ町内会", "area": _area()})
    location = association.area.point_on_surface
    emails = [EMAIL.format(n=n) for n in range(members)]
    have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    unusable = "!"  # no password works: bench accounts cannot sign in
    User.objects.bulk_create([User(email=e, password=unusable) for e in emails if e not in have], batch_size=2000)
    ids = list(User.objects.filter(email__in=emails).order_by("id").values_list("id", flat=True))
    joined = set(Membership.objects.filter(association=association).values_list("user_id", flat=True))
    now = timezone.now()
    Membership.objects.bulk_create([
        Membership(association=association, user_id=uid, role=MemberRole.CHAIR if n == 0 else MemberRole.MEMBER,
                   status=MembershipStatus.ACTIVE, real_name=f"ベンチ 会員{n:04d}", address=f"ベンチ町 {n}",
                   location=location, decided_at=now)
        for n, uid in enumerate(ids) if uid not in joined], batch_size=2000)
    # Members chose to hear about their community (notifications' opt-in).
    TopicSubscription.objects.bulk_create([TopicSubscription(user_id=uid, category="community") for uid in ids],
                                          ignore_conflicts=True, batch_size=2000)
    officer = User.objects.get(pk=ids[0])

    existing = Bulletin.objects.filter(association=association).count()
    start = now - timedelta(days=3 * 365)
    step = (now - start) / max(bulletins, 1)
    Bulletin.objects.bulk_create([
        Bulletin(association=association, author=officer, title=f"お知らせ {n}", body=f"<p>本文 {n}</p>" * 5,
                 kind=PostKind.CIRCULAR if n % 4 == 0 else PostKind.BULLETIN, category=CATEGORIES[n % len(CATEGORIES)],
                 visibility=Visibility.PUBLIC if n % 3 == 0 else Visibility.MEMBERS, status=PostStatus.PUBLISHED,
                 pinned=n % 1000 == 999, published_at=start + step * n)
        for n in range(existing, max(bulletins - 1, existing))], batch_size=2000)

    circular = Bulletin.objects.filter(association=association, message_id__isnull=False).first()
    if circular is None:
        from apps.neighbourhood.services.posts import create_bulletin
        from civicportal.celery import app

        # Fan out and deliver here, as a worker would, so the page has real delivery counts.
        app.conf.task_always_eager = True
        circular = create_bulletin(author=officer, association=association, kind=PostKind.CIRCULAR,
                                   category=PostCategory.NOTICE, title="ベンチ回覧板", body="<p>必ずお読みください</p>")
    readers = ids[: int(len(ids) * 0.6)]
    BulletinRead.objects.bulk_create([BulletinRead(bulletin=circular, user_id=uid) for uid in readers],
                                     ignore_conflicts=True, batch_size=2000)
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum would have them after the rows had come in over the years.
        for table in ("neighbourhood_bulletin", "neighbourhood_bulletinread", "neighbourhood_membership",
                      "notifications_delivery", "accounts_user"):
            cursor.execute(f"ANALYZE {table}" if connection.vendor == "postgresql" else f"ANALYZE \"{table}\"")
    return association, officer, circular


def measure(client: Client, url: str, requests: int) -> dict:
    for _ in range(3):  # warm caches, templates, connection
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)  # now: the log is cleared at the next request
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    timings.sort()
    return {
        "requests": requests,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "max_ms": round(timings[-1], 1),
        "queries": query_count,
        "bytes": len(response.content),
    }


class Command(BaseCommand):
    help = "Time the association home page and read-status page with 5,000 bulletins and 2,000 members."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bulletins", type=int, default=5000)
        parser.add_argument("--members", type=int, default=2000)
        parser.add_argument("--requests", type=int, default=50)

    def handle(self, *args, **options) -> None:
        setup_test_environment()  # lets the test Client's "testserver" host in
        # As in Django's own tests: keep one connection across requests, so queries can be counted.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        started = time.perf_counter()
        association, officer, circular = ensure_data(bulletins=options["bulletins"], members=options["members"])
        setup_s = time.perf_counter() - started
        client = Client()
        give_totp(officer)  # staff roles need a second factor to open their pages (apps/accounts/mfa.py)
        client.force_login(officer)
        home_url = reverse("neighbourhood:association_home", args=[association.slug])
        reads_url = reverse("neighbourhood:bulletin_reads", args=[association.slug, circular.pk])
        result = {
            "database": connection.vendor,
            "bulletins": Bulletin.objects.filter(association=association).count(),
            "members": Membership.objects.filter(association=association, status=MembershipStatus.ACTIVE).count(),
            "reads_of_circular": BulletinRead.objects.filter(bulletin=circular).count(),
            "setup_s": round(setup_s, 1),
            "load_average_1m": round(os.getloadavg()[0], 1), "cpus": os.cpu_count(),
            "home": measure(client, home_url, options["requests"]),
            "home_page_250": measure(client, f"{home_url}?page=250", options["requests"]),
            "read_status": measure(client, reads_url, options["requests"]),
            "read_status_unread": measure(client, f"{reads_url}?show=unread", options["requests"]),
        }
        result["load_average_1m_after"] = round(os.getloadavg()[0], 1)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
