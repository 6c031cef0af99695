"""Reading CAP 1.2 from outside: hostile XML refused, the OASIS schema enforced.

Two parsers on purpose: defusedxml first, which refuses any DTD, entity declaration or
external reference (billion laughs, XXE) before anything is expanded; then lxml, with
entities and network off, for the schema check and the reading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.contrib.gis.geos import GEOSException, MultiPolygon, Point, Polygon
from lxml import etree

from apps.alerts.cap import CAP_NS, EASY_JA, schema_errors

MAX_BYTES = 512 * 1024


class CapRejected(Exception):
    """An outside document the portal will not take; the message says why."""


@dataclass
class CapInfo:
    language: str
    event: str
    urgency: str
    severity: str
    certainty: str
    category: str
    headline: str = ""
    description: str = ""
    instruction: str = ""
    sender_name: str = ""
    effective: dt.datetime | None = None
    expires: dt.datetime | None = None
    area_desc: str = ""
    evacuation_level: int | None = None


@dataclass
class CapDocument:
    identifier: str
    sender: str
    sent: dt.datetime
    status: str
    msg_type: str
    references: str
    infos: list[CapInfo] = field(default_factory=list)
    area: MultiPolygon | None = None

    def info(self, prefix: str) -> CapInfo | None:
        for info in self.infos:
            if info.language.lower() == prefix or (prefix != EASY_JA and info.language.lower().startswith(prefix)
                                                   and "-x-" not in info.language.lower()):
                return info
        return None

    def referenced(self) -> list[tuple[str, str]]:
        """(sender, identifier) of each message this one refers to."""
        pairs = []
        for triple in self.references.split():
            parts = triple.split(",")
            if len(parts) == 3:
                pairs.append((parts[0], parts[1]))
        return pairs


def _q(name: str) -> str:
    return f"{{{CAP_NS}}}{name}"


def _text(element: etree._Element, name: str) -> str:
    found = element.find(_q(name))
    return (found.text or "").strip() if found is not None else ""


def _time(value: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _circle(text: str) -> Polygon:
    centre, radius_km = text.split()
    lat, lon = (float(v) for v in centre.split(","))
    # A circle as a polygon in degrees; good enough for deciding who lives inside.
    shape = Point(lon, lat, srid=4326).buffer(float(radius_km) / 111.32, quadsegs=16)
    return shape


def _polygon(text: str) -> Polygon:
    coords = []
    for pair in text.split():
        lat, lon = (float(v) for v in pair.split(","))
        coords.append((lon, lat))
    return Polygon(coords, srid=4326)


def parse(data: bytes) -> CapDocument:
    """A checked CAP 1.2 document, or CapRejected with the reason."""
    if len(data) > MAX_BYTES:
        raise CapRejected(f"The document is larger than {MAX_BYTES // 1024} KB.")
    try:
        SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise CapRejected(f"Refused: the document declares a DTD or entities ({type(exc).__name__}).") from None
    except SafeET.ParseError as exc:
        raise CapRejected(f"Not well-formed XML: {exc}.") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise CapRejected(f"Not well-formed XML: {exc}.") from None
    if root.tag != _q("alert"):
        raise CapRejected(f"The root element must be <alert> in the namespace {CAP_NS} (found {root.tag}).")
    errors = schema_errors(root)
    if errors:
        raise CapRejected("Not valid CAP 1.2: " + "; ".join(errors))
    try:
        return _read(root)
    except (ValueError, TypeError, IndexError, GEOSException) as exc:
        raise CapRejected(f"Unreadable values: {exc}.") from None


def _read(root: etree._Element) -> CapDocument:
    document = CapDocument(
        identifier=_text(root, "identifier"), sender=_text(root, "sender"), sent=_time(_text(root, "sent")),
        status=_text(root, "status"), msg_type=_text(root, "msgType"), references=_text(root, "references"))
    shapes: list[Polygon] = []
    for element in root.findall(_q("info")):
        info = CapInfo(
            language=_text(element, "language") or "en-US", event=_text(element, "event"),
            urgency=_text(element, "urgency"), severity=_text(element, "severity"),
            certainty=_text(element, "certainty"), category=_text(element, "category"),
            headline=_text(element, "headline"), description=_text(element, "description"),
            instruction=_text(element, "instruction"), sender_name=_text(element, "senderName"),
            effective=_time(_text(element, "effective")), expires=_time(_text(element, "expires")))
        for parameter in element.findall(_q("parameter")):
            value = _text(parameter, "value")
            if _text(parameter, "valueName") == "EvacuationLevel" and value in {"1", "2", "3", "4", "5"}:
                info.evacuation_level = int(value)
        for area in element.findall(_q("area")):
            info.area_desc = info.area_desc or _text(area, "areaDesc")
            shapes += [_polygon(p.text or "") for p in area.findall(_q("polygon"))]
            shapes += [_circle(c.text or "") for c in area.findall(_q("circle"))]
        document.infos.append(info)
    valid = [shape for shape in shapes if shape.valid]
    if valid:
        document.area = MultiPolygon(*valid, srid=4326)
    return document
