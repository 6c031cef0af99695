"""The CAP Atom feed (for L-Alert-style aggregators, broadcasters, CATV): one entry per CAP message.

Each entry links to its CAP document and carries it inline (content of type application/cap+xml),
so an aggregator needs one request to get everything.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from lxml import etree

from apps.alerts.cap import cap_time
from apps.alerts.models import Alert

ATOM_NS = "http://www.w3.org/2005/Atom"


def _sub(parent, name: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{name}", **attrs)
    if text is not None:
        element.text = text
    return element


def atom(alerts: list[Alert], *, title: str) -> bytes:
    site = settings.SITE_URL
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _sub(root, "id", f"{site}/alerts/feed.atom")
    _sub(root, "title", title)
    _sub(root, "updated", cap_time(alerts[0].sent if alerts else timezone.now()))
    author = _sub(root, "author")
    _sub(author, "name", settings.CAP_SENDER_ID)
    _sub(root, "link", rel="self", href=f"{site}/alerts/feed.atom", type="application/atom+xml")
    for alert in alerts:
        entry = _sub(root, "entry")
        _sub(entry, "id", alert.identifier)
        _sub(entry, "title", alert.headline)
        _sub(entry, "updated", cap_time(alert.sent))
        _sub(entry, "published", cap_time(alert.sent))
        entry_author = _sub(entry, "author")
        _sub(entry_author, "name", alert.sender_name or alert.sender)
        _sub(entry, "summary", alert.description[:500])
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{site}/alerts/{alert.pk}/")
        _sub(entry, "link", rel="alternate", type="application/cap+xml", href=f"{site}/alerts/{alert.pk}/cap.xml")
        content = _sub(entry, "content", type="application/cap+xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        content.append(etree.fromstring(alert.cap_xml.encode(), parser))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
