"""The load generator of `manage.py bench_safety`: plain sockets, standard library only.

It runs in spawned processes, which import this module without setting Django up.
"""

from __future__ import annotations

import re
import socket
import threading
import time

STATUS_LINE = re.compile(rb"HTTP/1\.[01] (\d{3})")
CONTENT_LENGTH = re.compile(rb"(?i)\r\ncontent-length:\s*(\d+)")


def _exchange(port: int, request: bytes) -> int:
    """One request on its own connection; the status. Reads exactly the response, no more
    parsing than that: the client shares the cores with the server it measures."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(request)
        buffer = bytearray()
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            buffer += chunk
            end = buffer.find(b"\r\n\r\n")
            if end >= 0:
                length = CONTENT_LENGTH.search(buffer[:end + 2])
                if length and len(buffer) >= end + 4 + int(length.group(1)):
                    break
    status = STATUS_LINE.match(buffer)
    return int(status.group(1)) if status else 0


def client_process(port: int, requests: list[bytes], threads: int) -> tuple[list[float], list[str]]:
    """Runs in a separate process: `threads` connections in flight; (latencies, errors)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def run(part: list[bytes]) -> None:
        mine, bad = [], []
        for request in part:
            began = time.perf_counter()
            try:
                status = _exchange(port, request)
            except OSError as exc:
                bad.append(repr(exc))
                continue
            mine.append(time.perf_counter() - began)
            if status != 200:
                bad.append(str(status))
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    workers = [threading.Thread(target=run, args=(requests[i::threads],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, errors
