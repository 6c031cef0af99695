"""Benchmark the safety-check answer path: N members answer through the real API over HTTP.

    python manage.py bench_safety --members 20000 [--clients 8] [--servers 2] [--via api|token]

Creates (once) an association with N active members, each with a DRF token; starts a check
(through `start_check`, so one message is published); then client threads with keep-alive
connections PUT every member's answer to /api/v1/neighbourhood/safety-checks/<id>/answer/ on a
real threaded WSGI server (Django's ThreadedWSGIServer) on a free port. `--servers 2` forks a
second server process sharing the listening socket, as two gunicorn workers would on two
cores. Prints JSON: answers/s and p50/p95/max latency in milliseconds.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import threading
import time

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management.base import BaseCommand, CommandParser
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from apps.accounts.mfa import give_totp
from apps.accounts.models import User
from apps.neighbourhood.choices import MemberRole, MembershipStatus
from apps.neighbourhood.models import Association, Membership, SafetyAnswer, SafetyCheck
from apps.neighbourhood.services import safety as services

SLUG = "bench-safety"
EMAIL = "bench-safety-{n}@bench.invalid"
STATUSES = ["safe", "safe", "safe", "away", "need_help"]


class QuietHandler(WSGIRequestHandler):
    # Headers and body go out in two writes; with Nagle on, the client's delayed ACK adds 40 ms.
    disable_nagle_algorithm = True

    def log_message(self, *args) -> None:  # one line per request would swamp the figures
        pass


def _area() -> MultiPolygon:
    return MultiPolygon(Polygon(((133.90, 34.60), (133.95, 34.60), (133.95, 34.65), (133.90, 34.65),
                                 (133.90, 34.60))), srid=4326)


def ensure_members(count: int) -> tuple[Association, list[tuple[int, str]]]:
    """The bench association with `count` active members and their API tokens (created once)."""
    association, _ = Association.objects.get_or_create(slug=SLUG, defaults={"name": "安否確認ベンチ町内会",
                                                                            "area": _area(), "listed": False})
    location = association.area.point_on_surface
    have = set(User.objects.filter(email__endswith="@bench.invalid").values_list("email", flat=True))
    missing = [EMAIL.format(n=n) for n in range(count) if EMAIL.format(n=n) not in have]
    for start in range(0, len(missing), 2000):
        User.objects.bulk_create([User(email=e, password=UNUSABLE_PASSWORD_PREFIX)
                                  for e in missing[start:start + 2000]])
    users = dict(User.objects.filter(email__endswith="@bench.invalid").values_list("email", "id"))
    ids = [users[EMAIL.format(n=n)] for n in range(count)]
    members = set(Membership.objects.filter(association=association).values_list("user_id", flat=True))
    now = timezone.now()
    Membership.objects.bulk_create([
        Membership(association=association, user_id=uid, role=MemberRole.CHAIR if n == 0 else MemberRole.MEMBER,
                   status=MembershipStatus.ACTIVE, real_name=f"ベンチ 会員{n}", address=f"ベンチ町 {n}",
                   location=location, decided_at=now)
        for n, uid in enumerate(ids) if uid not in members], batch_size=2000)
    # The chair is an officer: officers must have a second factor to use the API (apps/accounts/mfa.py).
    give_totp(User.objects.get(pk=ids[0]))
    tokens = dict(Token.objects.filter(user_id__in=ids).values_list("user_id", "key"))
    Token.objects.bulk_create([Token(user_id=uid, key=Token.generate_key()) for uid in ids if uid not in tokens],
                              batch_size=2000)
    tokens = dict(Token.objects.filter(user_id__in=ids).values_list("user_id", "key"))
    return association, [(uid, tokens[uid]) for uid in ids]


def free_listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    return sock


def serve(sock: socket.socket) -> ThreadedWSGIServer:
    server = ThreadedWSGIServer(sock.getsockname(), QuietHandler, bind_and_activate=False)
    server.socket.close()
    server.socket = sock
    # What server_bind() would have set: we bind ourselves so forked servers share one socket.
    server.server_address = sock.getsockname()
    server.server_name, server.server_port = server.server_address
    server.setup_environ()
    server.daemon_threads = True
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Command(BaseCommand):
    help = "Post safety-check answers for N members through the real API over HTTP; print JSON figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=20000)
        parser.add_argument("--clients", type=int, default=8, help="client threads, one keep-alive connection each")
        parser.add_argument("--servers", type=int, default=1, help="server processes sharing the socket (fork)")
        parser.add_argument("--via", choices=["api", "token"], default="api",
                            help="api: PUT with a DRF token; token: POST a personal answer-link token")

    def handle(self, *args, members: int, clients: int, servers: int, via: str, **options) -> None:
        association, people = ensure_members(members)
        chair = Membership.objects.filter(association=association, role=MemberRole.CHAIR).select_related("user")[0]
        check = services.start_check(user=chair.user, title=f"安否確認ベンチ {timezone.now():%Y-%m-%d %H:%M:%S}",
                                     association=association)
        # Persistent database connections per server thread, as a deployment sets CONN_MAX_AGE.
        connections.settings["default"]["CONN_MAX_AGE"] = None
        connections.close_all()
        sock = free_listening_socket()
        children = []
        for _ in range(max(servers, 1) - 1):
            pid = os.fork()
            if pid == 0:  # a second server process (its own interpreter lock), like a gunicorn worker
                connections.close_all()
                serve(sock)
                while True:
                    time.sleep(3600)
            children.append(pid)
        server = serve(sock)
        host, port = sock.getsockname()
        if via == "api":
            path = reverse("api:neighbourhood-safety-answer", args=[check.pk])
            requests = [("PUT", path, {"status": STATUSES[n % 5], "note": ""}, {"Authorization": f"Token {key}"})
                        for n, (_uid, key) in enumerate(people)]
        else:
            path = reverse("api:neighbourhood-safety-answer-token")
            requests = [("POST", path, {"token": services.make_token(safety_check=check, user=uid),
                                        "status": STATUSES[n % 5], "note": ""}, {})
                        for n, (uid, _key) in enumerate(people)]
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def client(part: list) -> None:
            conn = http.client.HTTPConnection(host, port, timeout=30)
            mine, bad = [], []
            for method, url, body, headers in part:
                payload = json.dumps(body)
                began = time.perf_counter()
                try:
                    conn.request(method, url, payload, {"Content-Type": "application/json", **headers})
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as exc:
                    bad.append(repr(exc))
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=30)
                    continue
                mine.append(time.perf_counter() - began)
                if response.status != 200:
                    bad.append(f"{response.status}")
            conn.close()
            with lock:
                latencies.extend(mine)
                errors.extend(bad)

        # Answer-by-token is rate-limited per address for anonymous callers; the bench comes from one.
        from rest_framework.settings import api_settings
        saved_rates = dict(api_settings.DEFAULT_THROTTLE_RATES)
        if via == "token":
            api_settings.DEFAULT_THROTTLE_RATES["anon"] = None
        threads = [threading.Thread(target=client, args=(requests[i::clients],)) for i in range(clients)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        api_settings.DEFAULT_THROTTLE_RATES.update(saved_rates)
        server.shutdown()
        for pid in children:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        connections.close_all()
        latencies.sort()
        ms = [x * 1000 for x in latencies]
        stored = SafetyAnswer.objects.filter(safety_check=check).count()
        services.close_check(safety_check=SafetyCheck.objects.get(pk=check.pk), user=chair.user)
        self.stdout.write(json.dumps({
            "database": connections["default"].vendor,
            "members": members, "clients": clients, "servers": servers, "via": via,
            "check": check.pk, "answers": stored, "errors": len(errors), "error_samples": errors[:5],
            "seconds": round(elapsed, 2),
            "answers_per_second": round(len(latencies) / elapsed, 1) if elapsed else None,
            "p50_ms": round(statistics.median(ms), 1) if ms else None,
            "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 1) if ms else None,
            "max_ms": round(ms[-1], 1) if ms else None,
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }))
