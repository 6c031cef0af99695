"""Checks an uploaded file must pass before it is published: type, size, and for CSV, that it parses."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024

# extension -> (format label, media type, what the content must look like)
FILE_TYPES: dict[str, tuple[str, str, str]] = {
    "csv": ("CSV", "text/csv", "csv"),
    "json": ("JSON", "application/json", "json"),
    "geojson": ("GeoJSON", "application/geo+json", "geojson"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip"),
    "zip": ("ZIP", "application/zip", "zip"),
    "pdf": ("PDF", "application/pdf", "pdf"),
    "xml": ("XML", "application/xml", "xml"),
    "txt": ("TXT", "text/plain", "text"),
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "OPENDATA_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


@dataclass(frozen=True)
class CheckedFile:
    format: str
    media_type: str
    size: int
    checksum: str
    encoding: str = ""
    rows: int | None = None


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _detect_encoding(upload: UploadedFile) -> str:
    """utf-8 (with or without BOM) or Shift_JIS (cp932, what Excel in Japan writes); else an error."""
    for encoding in ("utf-8-sig", "cp932"):
        decoder = codecs.getincrementaldecoder(encoding)()
        upload.seek(0)
        try:
            for chunk in upload.chunks():
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        upload.seek(0)
        return "utf-8" if encoding == "utf-8-sig" else "shift_jis"
    upload.seek(0)
    raise ValidationError({"file": _("The file is neither UTF-8 nor Shift_JIS text. Save it as CSV UTF-8.")})


def text_stream(upload, encoding: str) -> io.TextIOWrapper:
    python_encoding = "utf-8-sig" if encoding == "utf-8" else "cp932"
    upload.seek(0)
    return io.TextIOWrapper(upload, encoding=python_encoding, newline="")


def _check_csv(upload: UploadedFile) -> tuple[str, int]:
    encoding = _detect_encoding(upload)
    stream = text_stream(upload.file, encoding)
    try:
        reader = csv.reader(stream, strict=True)
        width = None
        rows = 0
        try:
            for line_number, row in enumerate(reader, start=1):
                if not row:
                    continue
                if width is None:
                    width = len(row)
                elif len(row) != width:
                    raise ValidationError({"file": _(
                        "Line %(line)d has %(found)d columns; the header has %(expected)d. "
                        "Every row of a CSV file must have the same number of columns."
                    ) % {"line": line_number, "found": len(row), "expected": width}})
                rows += 1
        except csv.Error as error:
            raise ValidationError({"file": _("The CSV file does not parse near line %(line)d: %(error)s") % {
                "line": reader.line_num, "error": error}}) from error
    finally:
        stream.detach()
    if not width:
        raise ValidationError({"file": _("The CSV file is empty.")})
    upload.seek(0)
    return encoding, max(rows - 1, 0)


def _check_json(upload: UploadedFile, *, geojson: bool) -> None:
    upload.seek(0)
    stream = io.TextIOWrapper(upload.file, encoding="utf-8-sig")
    try:
        document = json.load(stream)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError({"file": _("The file is not valid JSON in UTF-8: %(error)s") % {"error": error}}) \
            from error
    finally:
        stream.detach()  # closing the wrapper would close the upload
        upload.seek(0)
    if geojson and (not isinstance(document, dict) or document.get("type") not in {
            "FeatureCollection", "Feature", "Point", "MultiPoint", "LineString", "MultiLineString",
            "Polygon", "MultiPolygon", "GeometryCollection"}):
        raise ValidationError({"file": _("The file is JSON but not GeoJSON (no GeoJSON \"type\").")})


def _head(upload: UploadedFile, size: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Type by extension *and* content, the size limit, and that text formats parse."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in FILE_TYPES:
        raise ValidationError({"file": _("Files of type “.%(ext)s” cannot be published. Allowed: %(allowed)s.") % {
            "ext": extension, "allowed": ", ".join(sorted(FILE_TYPES))}})
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError({"file": _("The file is %(size)d MB; the limit is %(limit)d MB.") % {
            "size": upload.size // (1024 * 1024) + 1, "limit": limit // (1024 * 1024)}})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    label, media_type, content = FILE_TYPES[extension]
    head = _head(upload)
    encoding, rows = "", None
    if content == "zip" and not head.startswith(b"PK\x03\x04"):
        raise ValidationError({"file": _("The file is named .%(ext)s but is not a ZIP-based file.") % {
            "ext": extension}})
    if content == "pdf" and not head.startswith(b"%PDF-"):
        raise ValidationError({"file": _("The file is named .pdf but is not a PDF.")})
    if content in ("csv", "json", "geojson", "xml", "text") and (head.startswith((b"PK\x03\x04", b"%PDF-"))
                                                                  or b"\x00" in head):
        raise ValidationError({"file": _("The file is named .%(ext)s but holds binary data.") % {"ext": extension}})
    if content == "csv":
        encoding, rows = _check_csv(upload)
    elif content in ("json", "geojson"):
        _check_json(upload, geojson=content == "geojson")
        encoding = "utf-8"
    elif content in ("xml", "text"):
        encoding = _detect_encoding(upload)
    return CheckedFile(format=label, media_type=media_type, size=upload.size, checksum=_sha256(upload),
                       encoding=encoding, rows=rows)
