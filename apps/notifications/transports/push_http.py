"""A lean keep-alive HTTP client for Web Push: one connection per push service and thread.

Each push is one small POST. Through `requests` each one cost about a millisecond of Python
(sessions, adapters, hooks, header validation, environment lookups), as much as the
encryption itself, and a broadcast sends tens of thousands. This keeps one
`http.client` connection per push service origin in each sending thread and reuses it.

A kept-alive connection that the push service has since closed is noticed before it is
reused (the socket reads as ready), never by sending into it, so a POST is never sent twice.
Proxies from the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) are honoured.
"""

from __future__ import annotations

import http.client
import select
import ssl
import threading
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

_local = threading.local()
_tls: ssl.SSLContext | None = None


@dataclass(frozen=True)
class PushResponse:
    status: int
    location: str
    text: str


def _tls_context() -> ssl.SSLContext:
    global _tls
    if _tls is None:
        _tls = ssl.create_default_context()
    return _tls


def _new_connection(scheme: str, host: str, port: int | None, timeout: float) -> http.client.HTTPConnection:
    proxy = None if urllib.request.proxy_bypass(host) else urllib.request.getproxies().get(scheme)
    if scheme == "https":
        if proxy:
            parts = urlsplit(proxy)
            connection = http.client.HTTPSConnection(parts.hostname, parts.port or 3128, timeout=timeout,
                                                     context=_tls_context())
            connection.set_tunnel(host, port or 443)
            return connection
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=_tls_context())
    if proxy:
        parts = urlsplit(proxy)
        return http.client.HTTPConnection(parts.hostname, parts.port or 3128, timeout=timeout)
    return http.client.HTTPConnection(host, port, timeout=timeout)


def _still_open(connection: http.client.HTTPConnection) -> bool:
    """An idle kept-alive socket has nothing to read; readable means closed (or garbage)."""
    if connection.sock is None:
        return False
    readable, _, _ = select.select([connection.sock], [], [], 0)
    return not readable


def post(endpoint: str, body: bytes, headers: dict[str, str], *, timeout: float) -> PushResponse:
    """POST `body` to `endpoint` on this thread's connection to its origin.

    Raises OSError or http.client.HTTPException when the push service cannot be reached or
    breaks off; the connection is then dropped and the next push opens a new one.
    """
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {endpoint[:80]}")
    pool: dict[tuple[str, str], http.client.HTTPConnection] = _local.__dict__.setdefault("connections", {})
    key = (parts.scheme, parts.netloc)
    connection = pool.get(key)
    if connection is not None and not _still_open(connection):
        connection.close()
        connection = None
    if connection is None:
        connection = _new_connection(parts.scheme, parts.hostname, parts.port, timeout)
        pool[key] = connection
    proxied_http = parts.scheme == "http" and connection.host != parts.hostname
    target = endpoint if proxied_http else (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(2000).decode("utf-8", "replace")
        if not response.isclosed():
            response.read()  # the rest, so the connection can carry the next request
    except (OSError, http.client.HTTPException):
        connection.close()
        pool.pop(key, None)
        raise
    if response.will_close:
        connection.close()
        pool.pop(key, None)
    return PushResponse(response.status, response.getheader("Location", ""), text)


def close_thread_connections() -> None:
    """Close this thread's connections (a sending thread that is about to end)."""
    for connection in _local.__dict__.pop("connections", {}).values():
        connection.close()
