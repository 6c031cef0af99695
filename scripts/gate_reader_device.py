#!/usr/bin/env python3
"""Sign and post IC-tag gate passage events the way a gate reader must (standard library only).

For installers checking a new reader, and as the reference for reader firmware:

    export GATE_READER_SECRET=<the secret shown once in the admin>
    scripts/gate_reader_device.py --site http://127.0.0.1:8000 --reader chuo-main --tag 04A1B2C3 --direction in
    scripts/gate_reader_device.py --site ... --reader ... --events-file batch.json  # [{event_id, tag, direction, at}]
    scripts/gate_reader_device.py --reader ... --tag ... --direction out --dry-run   # print the request only

The signature is HMAC-SHA256 under the reader's secret over  <unix seconds> + "." + <raw body>,
sent as `X-Civicportal-Timestamp: <unix seconds>` and `X-Civicportal-Signature: sha256=<hex>`.
The body is always `{"events": [...]}`; each event's `event_id` must be unique per reader, so a
resend after a timeout is answered "duplicate" and stored once.
Exit status: 0 when the server answered 200, 1 otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def event(tag: str, direction: str, at: dt.datetime | None = None, event_id: str | None = None) -> dict:
    """One event; the id defaults to a fresh UUID (a reader keeps it for resends)."""
    at = at or dt.datetime.now(dt.UTC).astimezone()
    return {"event_id": event_id or uuid.uuid4().hex, "tag": tag, "direction": direction,
            "at": at.isoformat(timespec="seconds")}


def build_request(*, secret: str, events: list[dict], timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"events": events}, ensure_ascii=False, separators=(",", ":")).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": "application/json",
        "X-Civicportal-Timestamp": stamp,
        "X-Civicportal-Signature": sign(secret, stamp, body),
    }
    return body, headers


def events_url(site: str, reader: str) -> str:
    return f"{site.rstrip('/')}/api/v1/childwatch/readers/{reader}/events/"


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 15) -> tuple[int, str]:
    if not url.startswith(("http://", "https://")):
        raise ValueError("the site must be an http:// or https:// address")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (checked above)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=os.environ.get("SITE_URL", "http://127.0.0.1:8000"),
                        help="The portal's address (default: $SITE_URL or http://127.0.0.1:8000).")
    parser.add_argument("--reader", required=True, help="The reader code, as in the admin.")
    parser.add_argument("--secret", default=os.environ.get("GATE_READER_SECRET"),
                        help="The reader secret (better: set GATE_READER_SECRET, so it is not in shell history).")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--tag", help="The IC tag id of one passage.")
    what.add_argument("--events-file", help="A JSON file with a list of events.")
    parser.add_argument("--direction", choices=["in", "out"], default="in")
    parser.add_argument("--at", help="ISO 8601 with offset (default: now).")
    parser.add_argument("--event-id", help="The event id (default: a new UUID).")
    parser.add_argument("--dry-run", action="store_true", help="Print the request instead of sending it.")
    args = parser.parse_args(argv)
    if not args.secret:
        parser.error("give the reader secret with --secret or GATE_READER_SECRET")
    if args.events_file:
        with open(args.events_file, encoding="utf-8") as handle:
            events = json.load(handle)
    else:
        at = dt.datetime.fromisoformat(args.at) if args.at else None
        events = [event(args.tag, args.direction, at, args.event_id)]
    body, headers = build_request(secret=args.secret, events=events)
    url = events_url(args.site, args.reader)
    if args.dry_run:
        print(f"POST {url}")
        for name, value in headers.items():
            print(f"{name}: {value}")
        print()
        print(body.decode())
        return 0
    status, text = post(url, body, headers)
    print(status, text)
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
