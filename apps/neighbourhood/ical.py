"""A small RFC 5545 (iCalendar) writer for association events; no runtime dependency.

Times are written in UTC with a trailing `Z`, so no VTIMEZONE is needed. Lines are folded at
75 octets of UTF-8 without splitting a character, text values are escaped (RFC 5545 §3.3.11).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.utils import timezone

from apps.neighbourhood.models import Event

CRLF = "\r\n"
LINE_OCTETS = 75
PRODID = "-//civicportal//Neighbourhood events//JA"


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def escape_text(value: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and newlines."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold one content line at 75 octets; continuation lines start with one space (§3.1)."""
    parts: list[str] = []
    current, size, limit = [], 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            # The leading space of a continuation line counts towards its 75 octets.
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += width
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


def utc_stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


_BREAKS = re.compile(r"<\s*(br|/p|/li)\s*/?\s*>", re.IGNORECASE)


def plain_text(cleaned_html: str) -> str:
    """The stored description is sanitised HTML; calendars want plain text."""
    text = _BREAKS.sub("\n", cleaned_html)
    return html.unescape(nh3.clean(text, tags=set())).strip()


def _line(name: str, value: str) -> str:
    return fold(f"{name}:{value}")


def vevent(event: Event, *, url: str, now: dt.datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        _line("UID", f"{event.uid}@{site_domain()}"),
        _line("DTSTAMP", utc_stamp(now)),
        _line("DTSTART", utc_stamp(event.starts_at)),
        _line("DTEND", utc_stamp(event.ends_at)),
        _line("LAST-MODIFIED", utc_stamp(event.updated_at)),
        _line("SEQUENCE", str(event.sequence)),
        _line("SUMMARY", escape_text(event.title)),
        _line("DESCRIPTION", escape_text(plain_text(event.description))),
        _line("LOCATION", escape_text(event.place)),
        _line("CLASS", "PUBLIC" if event.visibility == "public" else "PRIVATE"),
        _line("STATUS", "CANCELLED" if event.cancelled_at else "CONFIRMED"),
        _line("URL", url),
    ]
    if event.location is not None:
        # GEO is latitude;longitude (§3.8.1.6), the reverse of GeoJSON.
        lines.append(_line("GEO", f"{event.location.y:.6f};{event.location.x:.6f}"))
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[Event], *, name: str, url_for: Callable[[Event], str],
             now: dt.datetime | None = None) -> str:
    """A whole VCALENDAR document with CRLF line endings."""
    now = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        _line("PRODID", PRODID),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        _line("X-WR-CALNAME", escape_text(name)),
        "X-WR-TIMEZONE:Asia/Tokyo",
    ]
    for event in events:
        lines.extend(vevent(event, url=url_for(event), now=now))
    lines.append("END:VCALENDAR")
    return CRLF.join(lines) + CRLF
