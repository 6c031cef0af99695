"""The morning rush at a 1,000-pupil school: signed gate events at a steady rate, timed to the guardian.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/civicportal_benchgate REDIS_URL=redis://127.0.0.1:6379/3 \\
        python manage.py migrate && python manage.py bench_gate --events 2000 --rate 100

Use a scratch database. It creates once (then reuses) a bench school with `--children` pupils,
one guardian each who consented to gate notices and follows school messages (in-app inbox for
all, e-mail for `--email-share` of them into a local counting SMTP sink), and one gate reader.
It starts real Celery workers, serves the site with a real HTTP server in a thread, and a client
posts one signed event per request at `--rate` per second, as a reader does when pupils pass.
It waits until every stored passage's message has all its deliveries finished, then prints JSON:
latency from `GatePassage.received_at` to the first `Delivery.sent_at` of its message.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.childwatch.device_auth import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from apps.childwatch.models import Child, GatePassage, GateReader, Guardianship, ICTag, School, SchoolClass
from apps.childwatch.selectors import gates as selectors
from apps.geo.models import District
from apps.notifications.choices import DEFAULT_CATEGORIES, Category
from apps.notifications.services import set_topics

SCHOOL_CODE = "bench-gate-es"
READER_CODE = "bench-gate-main"
PREFIX = "benchgate"
TARGET_P95_S = 3.0


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation: a reported figure is one that happened)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


class Command(BaseCommand):
    help = "Time gate passages from a signed reader request to the guardian's delivery (see the module docstring)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--events", type=int, default=2000)
        parser.add_argument("--rate", type=float, default=100.0, help="Events (requests) per second.")
        parser.add_argument("--children", type=int, default=1000)
        parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (solo pool each).")
        parser.add_argument("--email-share", type=float, default=0.5,
                            help="Share of guardians who also get e-mail (into a local counting sink).")
        parser.add_argument("--client-threads", type=int, default=16)
        parser.add_argument("--timeout", type=int, default=600)

    def handle(self, *args, events: int, rate: float, children: int, workers: int, email_share: float,
               client_threads: int, timeout: int, **options) -> None:
        if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
            raise CommandError("bench_gate measures the production set-up: set DATABASE_URL to PostgreSQL/PostGIS "
                               "and REDIS_URL to Redis (a scratch database, e.g. civicportal_benchgate).")
        if events < 1 or rate <= 0 or children < 1 or workers < 1:
            raise CommandError("--events, --rate, --children and --workers must be positive.")
        try:  # test tools: not in the production image
            from aiosmtpd.controller import Controller

            from tests.support.http import free_port
            from tests.support.smtp import CountingSink
        except ImportError as exc:
            raise CommandError(f"bench_gate needs the test tools ({exc.name}): "
                               "pip install -r requirements-test.txt") from None

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
        population = self._population(children, email_share)
        reader = GateReader.objects.select_related("school").get(code=READER_CODE)
        tags = list(ICTag.objects.filter(child__school=reader.school).order_by("uid").values_list("uid", flat=True))

        sink = CountingSink()
        smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
        smtp.start()
        env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port)}
        procs = start_workers(workers, env)
        try:
            with _Server(free_port()) as server:
                result = self._run(reader, tags, events, rate, client_threads, server.url, timeout)
        finally:
            stop_workers(procs)
            smtp.stop()
        result.update({
            "benchmark": "gate",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "database": connection.vendor,
            "broker": "redis",
            "workers": workers,
            "children": children,
            "population": population,
            "smtp_sink_messages": sink.count,
            "target": {"p95_s": TARGET_P95_S, "met": result["latency_s"]["p95"] is not None
                       and result["latency_s"]["p95"] <= TARGET_P95_S},
        })
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    # --- population -------------------------------------------------------------------------

    def _population(self, children: int, email_share: float) -> str | dict:
        school = School.objects.filter(code=SCHOOL_CODE).first()
        if school is not None:
            existing = Child.objects.filter(school=school).count()
            if existing != children:
                raise CommandError(f"The bench school has {existing} children, not {children}: use a fresh database.")
            return "reused"
        if not District.objects.exists():
            from apps.geo import demo as geo_demo
            from civicportal.demo import DemoCity

            geo_demo.seed(DemoCity(debug=True, password=None))
        from apps.notifications.population import create_residents

        started = time.monotonic()
        channels = create_residents(count=children, prefix=PREFIX,
                                    mix={"email": email_share, "inbox": 1 - email_share})
        guardians = list(User.objects.filter(email__startswith=f"{PREFIX}-", email__endswith="@bench.invalid")
                         .order_by("id"))
        with transaction.atomic():
            school = School.objects.create(code=SCHOOL_CODE, name="ベンチ市立朝日小学校", name_en="Bench Asahi ES",
                                           pta_approved_on=timezone.localdate() - timedelta(days=30))
            classes = [SchoolClass.objects.create(school=school, year=2026, grade=grade, name=f"{number}組")
                       for grade in range(1, 7) for number in range(1, 6)]
            pupils = Child.objects.bulk_create([
                Child(school=school, school_class=classes[i % len(classes)], full_name=f"朝日 児童{i:04d}",
                      given_name=f"児童{i:04d}") for i in range(children)])
            if pupils[0].pk is None:
                pupils = list(Child.objects.filter(school=school).order_by("id"))
            ICTag.objects.bulk_create([ICTag(uid=f"BENCH-{i:05d}", child=child) for i, child in enumerate(pupils)])
            now = timezone.now()
            Guardianship.objects.bulk_create([
                Guardianship(guardian=guardian, child=child, relationship="母", passage_consent_at=now)
                for guardian, child in zip(guardians, pupils, strict=True)])
            for guardian in guardians:  # gate notices are school messages: guardians follow them
                set_topics(user=guardian, categories=[*DEFAULT_CATEGORIES, Category.CHILDREN])
            GateReader.objects.create(school=school, code=READER_CODE, gate_name="正門")
        return {"guardians": channels, "seconds": round(time.monotonic() - started, 1)}

    # --- the rush ---------------------------------------------------------------------------

    def _run(self, reader: GateReader, tags: list[str], events: int, rate: float, threads: int, base_url: str,
             timeout: int) -> dict:
        run_id = f"r{int(time.time())}"
        url = f"{base_url}/api/v1/childwatch/readers/{reader.code}/events/"
        secret = reader.secret
        statuses: dict[str, int] = {}
        http: dict[int, int] = {}
        request_seconds: list[float] = []
        lock = threading.Lock()

        def post(index: int) -> None:
            tag = tags[index % len(tags)]
            direction = "in" if (index // len(tags)) % 2 == 0 else "out"
            at = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
            body = json.dumps({"events": [{"event_id": f"{run_id}-{index}", "tag": tag, "direction": direction,
                                           "at": at}]}).encode()
            stamp = str(int(time.time()))
            request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310 (loopback)
                "Content-Type": "application/json", TIMESTAMP_HEADER: stamp,
                SIGNATURE_HEADER: sign(secret=secret, timestamp=stamp, body=body)})
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    code, answer = response.status, json.loads(response.read())
            except urllib.error.HTTPError as exc:
                code, answer = exc.code, {}
            elapsed = time.monotonic() - started
            with lock:
                http[code] = http.get(code, 0) + 1
                request_seconds.append(elapsed)
                for item in answer.get("results", []):
                    statuses[item["status"]] = statuses.get(item["status"], 0) + 1

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            futures = []
            for index in range(events):
                delay = started + index / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                futures.append(pool.submit(post, index))
            for future in futures:
                future.result()
        posting_s = time.monotonic() - started

        passages = GatePassage.objects.filter(reader=reader, reader_event_id__startswith=f"{run_id}-")
        deadline = time.monotonic() + timeout
        while True:
            rows = list(passages.values_list("message_id", "received_at"))
            ids = [message_id for message_id, _ in rows if message_id]
            if len(ids) == len(rows) and selectors.bench_all_finished(ids):
                break
            if time.monotonic() > deadline:
                raise CommandError(f"Not every passage was delivered within --timeout ({timeout} s).")
            time.sleep(0.25)
        finished_s = time.monotonic() - started
        first_sent = selectors.first_sent_at(ids)
        latencies = [(first_sent[m] - received).total_seconds() for m, received in rows if m in first_sent]
        # The inbox notice is usually first; e-mail shows what the workers add on top.
        first_mailed = selectors.first_sent_at(ids, channel="email")
        mail_latencies = [(first_mailed[m] - received).total_seconds() for m, received in rows if m in first_mailed]
        span = (max(first_sent.values()) - min(r for _, r in rows)).total_seconds() if first_sent else 0
        return {
            "events_posted": events,
            "rate_asked_per_s": rate,
            "rate_posted_per_s": round(events / posting_s, 1),
            "http_status": {str(k): v for k, v in sorted(http.items())},
            "event_status": statuses,
            "stored": len(rows),
            "notified": len(latencies),
            "latency_s": {
                "p50": round(statistics.median(latencies), 3) if latencies else None,
                "p95": round(percentile(latencies, 0.95), 3) if latencies else None,
                "max": round(max(latencies), 3) if latencies else None,
            },
            "email_latency_s": {
                "count": len(mail_latencies),
                "p50": round(statistics.median(mail_latencies), 3) if mail_latencies else None,
                "p95": round(percentile(mail_latencies, 0.95), 3) if mail_latencies else None,
            },
            "request_s": {"p50": round(statistics.median(request_seconds), 3),
                          "p95": round(percentile(request_seconds, 0.95), 3)},
            "throughput_notified_per_s": round(len(latencies) / span, 1) if span > 0 else None,
            "all_deliveries_finished_s": round(finished_s, 2),
        }


class _Server:
    """The project's WSGI application on 127.0.0.1:<port>, served by a fixed pool of threads.

    Like a production app server's threads, each keeps its database connection between
    requests (CONN_MAX_AGE), instead of Django's development server's new thread and new
    connection per request.
    """

    def __init__(self, port: int, threads: int = 8) -> None:
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, format, *args) -> None:
                pass

        pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bench-http")

        class PooledServer(WSGIServer):
            request_queue_size = 256

            def process_request(self, request, client_address) -> None:
                pool.submit(self._handle, request, client_address)

            def _handle(self, request, client_address) -> None:
                try:
                    self.finish_request(request, client_address)
                except Exception:
                    self.handle_error(request, client_address)
                finally:
                    self.shutdown_request(request)

        self.pool, self.threads = pool, threads
        self.server = PooledServer(("127.0.0.1", port), QuietHandler, allow_reuse_address=True)
        self.server.set_app(WSGIHandler())
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        # Each pool thread must close its own connection: one task per thread, held by a barrier.
        barrier = threading.Barrier(self.threads)

        def close_mine() -> None:
            connections.close_all()
            barrier.wait(timeout=10)

        for _ in range(self.threads):
            self.pool.submit(close_mine)
        self.pool.shutdown(wait=True)


def start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen]:
    """Worker processes on this database and broker (quiet: the JSON is the only output)."""
    from civicportal.celery import app
    from tests.support.worker import ROOT, worker_environment

    with app.connection_for_write() as broker:  # tasks of an earlier, aborted run must not count
        for queue in ("celery", "emergency"):
            with contextlib.suppress(Exception):
                broker.default_channel.queue_purge(queue)
    procs = [subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
        [sys.executable, "-m", "celery", "-A", "civicportal", "worker", "--pool=solo", "--loglevel=warning",
         "-Q", "emergency,celery", "-n", f"benchgate{index}-{os.getpid()}@%h", "--without-gossip",
         "--without-mingle"],
        cwd=ROOT, env={**worker_environment(), **env}, stdout=subprocess.DEVNULL) for index in range(count)]
    deadline = time.monotonic() + 60
    while len(app.control.ping(timeout=1.0) or []) < count:
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            stop_workers(procs)
            raise CommandError("The Celery workers did not start.")
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
