"""Benchmark the safety-check answer path: N members answer through the real API over HTTP.

    python manage.py bench_safety --members 20000 [--clients 16] [--servers 2] [--via api|token]

Creates (once) an association with N active members, each with a DRF token; starts a check
(through `start_check`, so one message is published); then PUTs every member's answer to
/api/v1/neighbourhood/safety-checks/<id>/answer/ on the production server: gunicorn with
`--servers` sync worker processes and DEBUG off, as docker-compose runs it, behind a proxy
that terminates TLS (the client sends X-Forwarded-Proto: https). The load comes from client
processes that hold prebuilt requests, `--clients` connections in flight in all (one request
per connection: gunicorn's sync workers close after each response, and the proxy in front
keeps the residents' own connections). Prints JSON: answers/s and p50/p95/max latency in
milliseconds, from the first byte sent to the last byte received.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from apps.accounts.mfa import give_totp
from apps.accounts.models import User
from apps.neighbourhood.bench_client import client_process
from apps.neighbourhood.choices import MemberRole, MembershipStatus
from apps.neighbourhood.models import Association, Membership, SafetyAnswer, SafetyCheck
from apps.neighbourhood.services import safety as services

ROOT = Path(settings.BASE_DIR)
SLUG = "bench-safety"
EMAIL = "bench-safety-{n}@bench.invalid"
STATUSES = ["safe", "safe", "safe", "away", "need_help"]


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
    if connection.vendor == "postgresql":
        # Statistics for the tables just filled in bulk, as autovacuum would gather them soon.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return association, [(uid, tokens[uid]) for uid in ids]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(method: str, path: str, body: dict, headers: dict[str, str]) -> bytes:
    payload = json.dumps(body).encode()
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "X-Forwarded-Proto: https",
             "Content-Type: application/json", f"Content-Length: {len(payload)}", "Connection: close",
             *(f"{name}: {value}" for name, value in headers.items())]
    return "\r\n".join(lines).encode() + b"\r\n\r\n" + payload


def server_environment() -> dict[str, str]:
    """The production settings (DEBUG off) pointed at this command's own database."""
    try:  # inside the test suite: the test database
        from tests.support.worker import worker_environment
    except ImportError:
        env = dict(os.environ)
    else:
        env = worker_environment()
    env.update({
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(48), "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://portal.bench.invalid", "TRUST_X_FORWARDED_PROTO": "1",
        "LOG_LEVEL": "WARNING",
    })
    return env


class Command(BaseCommand):
    help = "Post safety-check answers for N members through the real API over HTTP; print JSON figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=20000)
        parser.add_argument("--clients", type=int, default=16, help="requests in flight at once")
        parser.add_argument("--client-processes", type=int, default=2, help="processes the clients run in")
        parser.add_argument("--servers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--via", choices=["api", "token"], default="api",
                            help="api: PUT with a DRF token; token: POST a personal answer-link token")

    def handle(self, *args, members: int, clients: int, client_processes: int, servers: int, via: str,
               **options) -> None:
        if min(members, clients, client_processes, servers) < 1:
            raise CommandError("--members, --clients, --client-processes and --servers must be positive.")
        association, people = ensure_members(members)
        chair = Membership.objects.filter(association=association, role=MemberRole.CHAIR).select_related("user")[0]
        check = services.start_check(user=chair.user, title=f"安否確認ベンチ {timezone.now():%Y-%m-%d %H:%M:%S}",
                                     association=association)
        env = server_environment()
        if via == "api":
            path = reverse("api:neighbourhood-safety-answer", args=[check.pk])
            requests = [_request("PUT", path, {"status": STATUSES[n % 5], "note": ""},
                                 {"Authorization": f"Token {key}"})
                        for n, (_uid, key) in enumerate(people)]
        else:
            path = reverse("api:neighbourhood-safety-answer-token")
            with override_settings(SECRET_KEY=env["SECRET_KEY"]):  # the server's key signs the links
                requests = [_request("POST", path, {"token": services.make_token(safety_check=check, user=uid),
                                                    "status": STATUSES[n % 5], "note": ""}, {})
                            for n, (uid, _key) in enumerate(people)]
        # Answer links are throttled per link and per address (30,000 a minute): one bench fits.
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
            [sys.executable, "-m", "gunicorn", "civicportal.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(servers), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        try:
            self._wait(port, server)
            processes = min(client_processes, clients)
            parts = [requests[i::processes] for i in range(processes)]
            threads = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
            # Spawned, not forked: the caller may have threads (a test run's live server), and a
            # forked child can inherit a lock one of them held.
            with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
                # Start the client processes before the clock does.
                list(pool.map(time.sleep, [0] * processes))
                began = time.perf_counter()
                outcomes = list(pool.map(client_process, [port] * processes, parts, threads))
                elapsed = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)
        latencies = sorted(x for mine, _ in outcomes for x in mine)
        errors = [e for _, bad in outcomes for e in bad]
        ms = [x * 1000 for x in latencies]
        stored = SafetyAnswer.objects.filter(safety_check=check).count()
        services.close_check(safety_check=SafetyCheck.objects.get(pk=check.pk), user=chair.user)
        self.stdout.write(json.dumps({
            "benchmark": "safety_answers",
            "database": connection.vendor,
            "members": members, "clients": clients, "client_processes": processes, "servers": servers,
            "server": "gunicorn (sync workers, DEBUG off)", "via": via,
            "check": check.pk, "answers": stored, "errors": len(errors), "error_samples": errors[:5],
            "seconds": round(elapsed, 2),
            "answers_per_second": round(len(latencies) / elapsed, 1) if elapsed else None,
            "p50_ms": round(statistics.median(ms), 1) if ms else None,
            "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 1) if ms else None,
            "max_ms": round(ms[-1], 1) if ms else None,
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        }))

    def _wait(self, port: int, server: subprocess.Popen) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn exited with status {server.returncode}; run it by hand to see why.")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise CommandError("gunicorn did not start listening within 60 seconds.")
