"""CAP 1.2 from outside: a POST or a polled feed becomes a draft or goes straight out, per source."""

from __future__ import annotations

from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
import requests
from defusedxml import DefusedXmlException
from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import MultiPolygon
from django.db import IntegrityError, transaction
from django.utils import timezone
from lxml import etree

from apps.alerts import capread
from apps.alerts.choices import AlertState, CapCertainty, CapSeverity, CapUrgency, ImportPolicy
from apps.alerts.models import Alert, ImportSource
from apps.alerts.services.publishing import go_live
from apps.geo.models import District

FETCH_TIMEOUT = 10
MAX_FEED_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 50
CAP_TYPES = ("application/cap+xml", "application/xml", "text/xml")


@dataclass
class ImportResult:
    outcome: str  # "created", "published", "duplicate"
    alert: Alert | None


def _city_area() -> MultiPolygon | None:
    union = District.objects.aggregate(area=Union("area"))["area"]
    if union is None:
        return None
    return union if isinstance(union, MultiPolygon) else MultiPolygon(union, srid=4326)


def _choice(value: str, choices, default: str) -> str:
    return value if value in choices.values else default


def import_document(*, source: ImportSource, data: bytes) -> ImportResult:
    """Check, de-duplicate and store one CAP document. Raises capread.CapRejected (nothing stored)."""
    document = capread.parse(data)
    if Alert.objects.filter(sender=document.sender, identifier=document.identifier).exists():
        return ImportResult("duplicate", None)
    main = document.info("ja") or (document.infos[0] if document.infos else None)
    english = document.info("en")
    easy = document.info(capread.EASY_JA)
    if main is None:
        raise capread.CapRejected("The document has no <info> block to show residents.")
    area = document.area or _city_area()
    if area is None:
        raise capread.CapRejected("The document has no polygon or circle, and the city has no districts to use.")
    replaces = None
    for sender, identifier in document.referenced():
        replaces = Alert.objects.filter(sender=sender, identifier=identifier, state=AlertState.CURRENT).first()
        if replaces:
            break
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    cap_xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                identifier=document.identifier[:200], sender=document.sender[:200],
                sender_name=(main.sender_name or source.name)[:120], sent=document.sent,
                cap_status=document.status, msg_type=document.msg_type, references=document.references,
                replaces=replaces, event_type=source.event_type,
                urgency=_choice(main.urgency, CapUrgency, CapUrgency.UNKNOWN),
                severity=_choice(main.severity, CapSeverity, CapSeverity.UNKNOWN),
                certainty=_choice(main.certainty, CapCertainty, CapCertainty.UNKNOWN),
                evacuation_level=main.evacuation_level, headline=(main.headline or main.event)[:120],
                description=(main.description or main.headline or main.event)[:3000],
                instruction=main.instruction[:1500],
                headline_en=(english.headline if english and english is not main else "")[:120],
                description_en=(english.description if english and english is not main else "")[:3000],
                instruction_en=(english.instruction if english and english is not main else "")[:1500],
                headline_easy=(easy.headline if easy else "")[:120],
                text_easy=(easy.description if easy else "")[:1500],
                effective=main.effective, expires=main.expires, area_desc=(main.area_desc or source.name)[:300],
                area=area, state=AlertState.PENDING, source=source, cap_xml=cap_xml.decode(),
            )
            if source.policy == ImportPolicy.PUBLISH:
                alert.approved_at = timezone.now()
                go_live(alert, cap_xml=cap_xml)
                return ImportResult("published", alert)
    except IntegrityError:  # the same document arrived twice at once
        return ImportResult("duplicate", None)
    return ImportResult("created", alert)


def _fetch(url: str, limit: int) -> bytes:
    with requests.get(url, timeout=FETCH_TIMEOUT, stream=True, allow_redirects=False) as response:
        response.raise_for_status()
        data = response.raw.read(limit + 1, decode_content=True)
    if len(data) > limit:
        raise capread.CapRejected(f"{url}: larger than {limit // 1024} KB.")
    return data


def _cap_links(feed_bytes: bytes) -> list[str]:
    try:
        SafeET.fromstring(feed_bytes, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, SafeET.ParseError) as exc:
        raise capread.CapRejected(f"The feed was refused: {type(exc).__name__}.") from None
    import feedparser  # only the feed poller needs it (about 12 MB); web processes never do

    feed = feedparser.parse(feed_bytes)
    links = []
    for entry in feed.entries[:MAX_ENTRIES]:
        chosen = ""
        for link in entry.get("links", []):
            if link.get("type") in CAP_TYPES or link.get("href", "").endswith(".xml"):
                chosen = link["href"]
                break
        chosen = chosen or entry.get("link", "")
        if chosen:
            links.append(chosen)
    return links


def poll(source: ImportSource) -> dict[str, int]:
    """Read a source's feed and import each CAP document it links to; returns counts per outcome."""
    counts = {"created": 0, "published": 0, "duplicate": 0, "rejected": 0}
    try:
        links = _cap_links(_fetch(source.feed_url, MAX_FEED_BYTES))
    except (requests.RequestException, capread.CapRejected) as exc:
        ImportSource.objects.filter(id=source.id).update(last_polled_at=timezone.now(),
                                                         last_result=f"feed: {exc}"[:300])
        return counts
    reasons = []
    for link in links:
        try:
            result = import_document(source=source, data=_fetch(link, capread.MAX_BYTES))
            counts[result.outcome] += 1
        except (requests.RequestException, capread.CapRejected) as exc:
            counts["rejected"] += 1
            reasons.append(str(exc))
    summary = ", ".join(f"{k} {v}" for k, v in counts.items())
    if reasons:
        summary += f"; first rejection: {reasons[0]}"
    ImportSource.objects.filter(id=source.id).update(last_polled_at=timezone.now(), last_result=summary[:300])
    return counts


def poll_all() -> dict[str, dict[str, int]]:
    return {source.slug: poll(source) for source in ImportSource.objects.filter(active=True).exclude(feed_url="")}
