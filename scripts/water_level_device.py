#!/usr/bin/env python3
"""Sign and post river water level readings the way a gauge's device must (standard library only).

For field installers checking a new gauge, and as the reference for device firmware:

    export WATER_DEVICE_SECRET=<the secret shown once in the admin>
    scripts/water_level_device.py --site http://127.0.0.1:8000 --station asahi-bridge --level 2.35
    scripts/water_level_device.py --site ... --station ... --level 2.35 --measured-at 2025-06-01T09:00:00+09:00
    scripts/water_level_device.py --site ... --station ... --readings-file readings.json   # [{"measured_at", "level"}]
    scripts/water_level_device.py --station ... --level 2.35 --dry-run   # print the request, send nothing

The signature is HMAC-SHA256 under the station's secret over  <unix seconds> + "." + <raw body>,
sent as `X-Civicportal-Timestamp: <unix seconds>` and `X-Civicportal-Signature: sha256=<hex>`.
Exit status: 0 when the server accepted the reading (201, or 200 for a repeat), 1 otherwise.
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


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def build_request(*, secret: str, readings: list[dict], timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    """The body and headers for one reading (sent as an object) or a batch (`{"readings": [...]}`)."""
    payload = readings[0] if len(readings) == 1 else {"readings": readings}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": "application/json",
        "X-Civicportal-Timestamp": stamp,
        "X-Civicportal-Signature": sign(secret, stamp, body),
    }
    return body, headers


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
    parser.add_argument("--station", required=True, help="The station code, as in the admin.")
    parser.add_argument("--secret", default=os.environ.get("WATER_DEVICE_SECRET"),
                        help="The device secret (better: set WATER_DEVICE_SECRET, so it is not in shell history).")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--level", type=float, help="The level in metres.")
    what.add_argument("--readings-file", help='A JSON file: [{"measured_at": "...+09:00", "level": 2.35}, ...].')
    parser.add_argument("--measured-at", help="ISO 8601 with offset (default: now).")
    parser.add_argument("--dry-run", action="store_true", help="Print the request instead of sending it.")
    args = parser.parse_args(argv)
    if not args.secret:
        parser.error("give the device secret with --secret or WATER_DEVICE_SECRET")

    if args.readings_file:
        with open(args.readings_file, encoding="utf-8") as handle:
            readings = json.load(handle)
    else:
        measured_at = args.measured_at or dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")
        readings = [{"measured_at": measured_at, "level": args.level}]
    body, headers = build_request(secret=args.secret, readings=readings)
    url = f"{args.site.rstrip('/')}/api/v1/map/stations/{args.station}/readings/"
    if args.dry_run:
        print(f"POST {url}")
        for name, value in headers.items():
            print(f"{name}: {value}")
        print()
        print(body.decode())
        return 0
    status, text = post(url, body, headers)
    print(status, text)
    return 0 if status in (200, 201) else 1


if __name__ == "__main__":
    sys.exit(main())
