"""Requests per second of /disaster as a share of a trivial view's, same server, same run.

Starts gunicorn (real worker processes) on a free port, makes sure there is something to show
(one alert in force, some open shelters; removed again afterwards), then runs a closed-loop
load from several client processes against a trivial view and /disaster in alternating rounds.
Prints JSON. Target: ratio ≥ 0.8, and /disaster ≤ 50 KB transferred.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import platform
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from apps.alerts.choices import AlertState, CapMsgType
from apps.alerts.defaults import ensure_event_types
from apps.alerts.models import Alert, EventType
from apps.disastermap.choices import ShelterStatus
from apps.disastermap.models import Genre, Shelter

ROOT = Path(__file__).resolve().parents[4]
BENCH_SOURCE = "bench-alerts"
CONTENT_LENGTH = re.compile(rb"(?i)\r\ncontent-length:\s*(\d+)")


def _exchange(port: int, request: bytes) -> tuple[int, int]:
    """One request on its own connection (gunicorn's sync workers close after each response);
    (status, body bytes). Minimal parsing on purpose: a Python client that parsed headers fully
    would spend more on the longer response's headers and measure itself, not the server."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        buffer = bytearray()
        while (end := buffer.find(b"\r\n\r\n")) < 0 or len(buffer) < end + 4 + _length(buffer[:end]):
            chunk = sock.recv(65536)
            if not chunk:
                break
            buffer += chunk
    if end < 0:
        raise ConnectionError("no response")
    return int(buffer[9:12]), _length(buffer[:end])


def _length(head: bytes | bytearray) -> int:
    match = CONTENT_LENGTH.search(head)
    return int(match.group(1)) if match else 0


def _load(port: int, path: str, seconds: float, threads: int) -> tuple[int, int, int]:
    """One client process: `threads` closed-loop clients hammering `path`; (ok, errors, bytes)."""
    counts = [0, 0, 0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: ja\r\n"
               "Accept-Encoding: gzip\r\n\r\n").encode()

    def run() -> None:
        ok = errors = size = 0
        while time.monotonic() < stop:
            try:
                status, length = _exchange(port, request)
            except OSError:
                errors += 1
                continue
            if status == 200:
                ok += 1
                size = length
            else:
                errors += 1
        with lock:
            counts[0] += ok
            counts[1] += errors
            counts[2] = max(counts[2], size)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counts[0], counts[1], counts[2]


class Command(BaseCommand):
    help = "Measure /disaster's requests/s against a trivial view on a real gunicorn server; prints JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seconds", type=float, default=10.0, help="Length of each measuring round.")
        parser.add_argument("--rounds", type=int, default=3, help="Alternating rounds per URL.")
        parser.add_argument("--server-workers", type=int, default=3, help="gunicorn worker processes.")
        parser.add_argument("--clients", type=int, default=2, help="Client processes.")
        parser.add_argument("--threads", type=int, default=8, help="Connections per client process.")

    def handle(self, *args, seconds: float, rounds: int, server_workers: int, clients: int, threads: int,
               **options) -> None:
        if min(rounds, server_workers, clients, threads) < 1 or seconds <= 0:
            raise CommandError("--seconds, --rounds, --server-workers, --clients and --threads must be positive.")
        created = self._data()
        port = _free_port()
        # The same environment as this command (database, cache, DEBUG): both URLs see the same set-up,
        # and the server reads the very database this command wrote to (a test database, too).
        try:
            from tests.support.worker import worker_environment
        except ImportError:
            env = dict(os.environ)
        else:
            env = worker_environment()
        env["DJANGO_SETTINGS_MODULE"] = "apps.alerts.bench_settings"
        server = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
            [sys.executable, "-m", "gunicorn", "apps.alerts.bench_settings_wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", str(server_workers), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        try:
            self._wait(port, server)
            size = self._page_size(port)
            shows = self._shows(port)
            results: dict[str, list[float]] = {"/bench/trivial": [], "/disaster": []}
            errors = dict.fromkeys(results, 0)
            with ProcessPoolExecutor(max_workers=clients) as pool:
                for path in results:  # warm both
                    list(pool.map(_load, [port] * clients, [path] * clients, [1.0] * clients, [threads] * clients))
                for _round in range(rounds):
                    for path in results:
                        outcome = list(pool.map(_load, [port] * clients, [path] * clients, [seconds] * clients,
                                                [threads] * clients))
                        results[path].append(sum(o[0] for o in outcome) / seconds)
                        errors[path] += sum(o[1] for o in outcome)
        finally:
            server.terminate()
            server.wait(timeout=20)
            self._clean(created)
        trivial = sum(results["/bench/trivial"]) / rounds
        disaster = sum(results["/disaster"]) / rounds
        self.stdout.write(json.dumps({
            "benchmark": "disaster_page",
            "date": timezone.now().isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                        "database": connection.vendor, "cache": settings.CACHES["default"]["BACKEND"],
                        "debug": settings.DEBUG},
            "server": {"gunicorn_workers": server_workers},
            "load": {"client_processes": clients, "connections_per_process": threads, "round_seconds": seconds,
                     "rounds": rounds},
            "trivial_rps": round(trivial, 1),
            "disaster_rps": round(disaster, 1),
            "ratio": round(disaster / trivial, 3) if trivial else None,
            "rounds_rps": {k: [round(v, 1) for v in vs] for k, vs in results.items()},
            "errors": errors,
            "disaster_shows": shows,
            "disaster_bytes": size,
            "target": {"ratio": 0.8, "max_bytes": 50 * 1024},
        }, indent=2))

    def _data(self) -> dict:
        """One alert in force and some open shelters, unless they are there already."""
        created: dict = {"alert": None, "shelters": []}
        if not Alert.objects.filter(state=AlertState.CURRENT, msg_type=CapMsgType.ALERT).exists():
            ensure_event_types()
            now = timezone.now()
            created["alert"] = Alert.objects.create(
                identifier=f"urn:x-cap:bench:{now:%Y%m%d%H%M%S}", sender=BENCH_SOURCE, sent=now,
                event_type=EventType.objects.get(code="flood"), urgency="Immediate", severity="Severe",
                certainty="Likely", evacuation_level=4, headline="【ベンチマーク】避難指示",
                description="ベンチマーク用の警報です。" * 5, instruction="直ちに避難してください。",
                area_desc="ベンチマーク", area=MultiPolygon(Polygon.from_bbox((133.9, 34.6, 134.0, 34.7)), srid=4326),
                state=AlertState.CURRENT, expires=now + dt.timedelta(hours=1)).id
        if not Shelter.objects.filter(status=ShelterStatus.OPEN).exists():
            genre, _new = Genre.objects.get_or_create(code="shelter", defaults={"name": "避難所", "name_en": "Shelter"})
            from django.contrib.gis.geos import Point

            for number in range(30):
                created["shelters"].append(Shelter.objects.create(
                    genre=genre, name=f"ベンチ避難所{number}", source=BENCH_SOURCE, status=ShelterStatus.OPEN,
                    headcount=number * 7, capacity=400, address=f"桜川市{number}-1",
                    location=Point(133.93 + number / 1000, 34.66, srid=4326)).id)
        return created

    def _clean(self, created: dict) -> None:
        if created["alert"]:
            Alert.objects.filter(id=created["alert"]).delete()
        Shelter.objects.filter(id__in=created["shelters"]).delete()

    def _wait(self, port: int, server: subprocess.Popen) -> None:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise CommandError("gunicorn exited; is it installed and are the settings valid?")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/bench/trivial")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise CommandError("gunicorn did not answer within a minute.")
            time.sleep(0.3)

    def _shows(self, port: int) -> dict:
        """What the measured page had on it (so a run on an empty page is visible)."""
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/disaster")
        text = conn.getresponse().read().decode()
        return {"alerts": text.count('class="alert"'), "shelter_rows": text.count("<tr><td>")}

    def _page_size(self, port: int) -> dict:
        """Bytes a browser transfers for /disaster (the page and its one script), gzip accepted."""
        sizes = {}
        for path in ("/disaster", "/static/js/offline.js"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            sizes[path] = len(response.read()) if response.status == 200 else None
        sizes["total"] = sum(v or 0 for v in sizes.values())
        return sizes


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
