"""Answers in the two GeoReport v2 formats. JSON follows the spec's mapping of the XML (the
"Spark convention"): a list of objects for a list of elements, null for an empty value."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from lxml import etree

TOKYO = ZoneInfo("Asia/Tokyo")
FORMATS = ("json", "xml")


def w3(value: dt.datetime | None) -> str | None:
    """A time in the w3 ISO 8601 subset with its offset, e.g. 2026-11-23T09:00:00+09:00."""
    return value.astimezone(TOKYO).isoformat(timespec="seconds") if value else None


# Older rows or staff edits could still hold characters XML 1.0 forbids: dropped, never a 500.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _append(parent: etree._Element, name: str, value: Any, item_names: dict[str, str]) -> None:
    element = etree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _append(element, key, inner, item_names)
    elif isinstance(value, list):
        child_name = item_names.get(name, name.rstrip("s"))
        for inner in value:
            _append(element, child_name, inner, item_names)
    else:
        element.text = _xml_value(value)


def xml_bytes(root: str, value: Any, item_names: dict[str, str] | None = None) -> bytes:
    """`root` holds a list (one child element per item) or an object's fields."""
    names = {"service_requests": "request", "services": "service", "errors": "error", "attributes": "attribute",
             "values": "value", "endpoints": "endpoint", "formats": "format", **(item_names or {})}
    element = etree.Element(root)
    if isinstance(value, list):
        for item in value:
            _append(element, names[root], item, names)
    else:
        for key, inner in value.items():
            _append(element, key, inner, names)
    # The spec's declaration, with double quotes as its examples have it.
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(element, encoding="utf-8", pretty_print=True)


def respond(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(json.dumps(value, ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
    return HttpResponse(xml_bytes(root, value), status=status, content_type="text/xml; charset=utf-8")


def errors(fmt: str, status: int, descriptions: list[str], *, code: int | None = None) -> HttpResponse:
    """The spec's error shape: [{"code": 400, "description": "..."}] / <errors><error>…"""
    body = [{"code": code or status, "description": text} for text in descriptions]
    return respond(fmt if fmt in FORMATS else "xml", "errors", body, status=status)
