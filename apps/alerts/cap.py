"""CAP 1.2 documents: writing the city's, checking them against the OASIS schema.

Reading outside documents lives in `capread.py`.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.gis.geos import MultiPolygon
from lxml import etree

from apps.alerts.choices import CapMsgType, CapStatus

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "CAP-v1.2.xsd"
TOKYO = ZoneInfo("Asia/Tokyo")
EASY_JA = "ja-x-easy"  # a private-use subtag: valid xs:language, says "easy Japanese" to those who know
MAX_POLYGON_POINTS = 400


@functools.cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def schema_errors(document: etree._Element) -> list[str]:
    """What the OASIS CAP 1.2 schema finds wrong in a document (empty when it is valid)."""
    checker = schema()
    if checker.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in checker.error_log][:5]


def cap_time(value: dt.datetime) -> str:
    """CAP wants seconds and a numeric offset, never fractions or “Z”."""
    return value.astimezone(TOKYO).replace(microsecond=0).isoformat()


def polygons(area: MultiPolygon) -> list[str]:
    """CAP polygons (“lat,lon lat,lon …”, closed): outer rings only, simplified if very detailed."""
    result = []
    for polygon in area:
        ring = polygon.exterior_ring
        if ring.num_points > MAX_POLYGON_POINTS:
            ring = polygon.simplify(0.0002, preserve_topology=True).exterior_ring
        result.append(" ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in ring.coords))
    return result


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CAP_NS}}}{name}")
    if text is not None:
        element.text = text
    return element


def _info(root: etree._Element, alert, *, language: str, headline: str, description: str, instruction: str,
          event: str, site_url: str) -> None:
    info = _sub(root, "info")
    _sub(info, "language", language)
    _sub(info, "category", alert.event_type.cap_category)
    _sub(info, "event", event)
    if alert.msg_type == CapMsgType.CANCEL:
        _sub(info, "responseType", "AllClear")
    elif (alert.evacuation_level or 0) >= 3:
        _sub(info, "responseType", "Evacuate")
    else:
        _sub(info, "responseType", "Monitor")
    _sub(info, "urgency", alert.urgency)
    _sub(info, "severity", alert.severity)
    _sub(info, "certainty", alert.certainty)
    _sub(info, "audience", "Public" if alert.cap_status == CapStatus.ACTUAL else "Testers")
    if alert.effective:
        _sub(info, "effective", cap_time(alert.effective))
    if alert.expires:
        _sub(info, "expires", cap_time(alert.expires))
    _sub(info, "senderName", alert.sender_name)
    _sub(info, "headline", headline)
    _sub(info, "description", description)
    if instruction:
        _sub(info, "instruction", instruction)
    _sub(info, "web", f"{site_url}/alerts/{alert.pk}/")
    if alert.evacuation_level:
        parameter = _sub(info, "parameter")
        _sub(parameter, "valueName", "EvacuationLevel")
        _sub(parameter, "value", str(alert.evacuation_level))
    area = _sub(info, "area")
    _sub(area, "areaDesc", alert.area_desc)
    for polygon in polygons(alert.area):
        _sub(area, "polygon", polygon)


def build(alert, *, site_url: str, shelter_names: list[str] | None = None) -> bytes:
    """The CAP 1.2 document of an alert that has its `sent` time; one <info> per language."""
    root = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", alert.sender)
    _sub(root, "sent", cap_time(alert.sent))
    _sub(root, "status", alert.cap_status)
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "source", site_url)
    _sub(root, "scope", "Public")
    if alert.references:
        _sub(root, "references", alert.references)
    event_ja, event_en = alert.event_type.name, alert.event_type.name_en or alert.event_type.name
    instruction = alert.instruction
    if shelter_names:
        instruction = "\n".join(filter(None, [instruction, "避難所: " + "、".join(shelter_names)]))
    _info(root, alert, language="ja-JP", headline=alert.headline, description=alert.description,
          instruction=instruction, event=event_ja, site_url=site_url)
    if alert.headline_en and alert.description_en:
        _info(root, alert, language="en-US", headline=alert.headline_en, description=alert.description_en,
              instruction=alert.instruction_en, event=event_en, site_url=site_url)
    if alert.text_easy:
        _info(root, alert, language=EASY_JA, headline=alert.headline_easy or alert.headline,
              description=alert.text_easy, instruction="", event=event_ja, site_url=site_url)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
