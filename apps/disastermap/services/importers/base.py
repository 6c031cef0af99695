"""What every import shares: the report, reading an upload safely, parsing cells.

An import is all or nothing: every row is checked first, every bad row is reported
(the list is capped, the total is not), and only a file without a bad row is written,
in one transaction.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

# Listing ten thousand bad rows helps nobody: the first hundred and the total do.
MAX_REPORTED_ERRORS = 100
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "DISASTERMAP_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass
class RowError:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return _("Column %(column)s: %(message)s") % {"column": self.column, "message": self.message}
        return _("Row %(row)d, column %(column)s: %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message}

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    kind: str
    source: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, column, str(message)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "source": self.source, "ok": self.ok, "rows": self.rows,
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "deleted": self.deleted,
            "errors": [error.as_dict() for error in self.errors], "error_count": self.error_count,
            "errors_truncated": self.error_count > len(self.errors), "warnings": self.warnings,
        }


class ImportRejected(ValidationError):
    """Nothing was written; the report says why (a file-level problem or the bad rows)."""

    def __init__(self, report: ImportReport, field_name: str = "rows") -> None:
        self.report = report
        messages = [str(error) for error in report.errors]
        if report.error_count > len(report.errors):
            messages.append(_("… and %(more)d more errors (%(total)d in all).") % {
                "more": report.error_count - len(report.errors), "total": report.error_count})
        super().__init__({field_name: messages})


_OPTIONS = frozenset({"kind", "source", "encoding", "genre", "hazard", "level_field"})


def reject_file(report: ImportReport, message: str, column: str = "file") -> ImportRejected:
    report.add_error(None, column, message)
    # An option that is wrong is that option's error; anything else is the file's.
    return ImportRejected(report, field_name=column if column in _OPTIONS else "file")


# --- reading the upload ----------------------------------------------------------------

# Magic numbers of files people upload by mistake under a .csv or .json name.
_BINARY_SIGNATURES: dict[bytes, str] = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive (e.g. Excel .xlsx)",
    b"\xd0\xcf\x11\xe0": "Microsoft Office document (e.g. Excel .xls)",
    b"\xff\xfe": "UTF-16 text file (save it as UTF-8 or Shift_JIS)",
    b"\xfe\xff": "UTF-16 text file (save it as UTF-8 or Shift_JIS)",
}
# Single bytes that are not Shift_JIS, though Python's cp932 maps them: a file with them
# is in another encoding (EUC-JP, Latin-1 ...) and would import as garbage.
_NOT_SHIFT_JIS = frozenset("\x80\uf8f0\uf8f1\uf8f2\uf8f3")


def read_upload(upload: IO[bytes], report: ImportReport) -> bytes:
    size = getattr(upload, "size", None)
    limit = max_upload_bytes()
    if size is not None and size > limit:
        raise reject_file(report, _("The file is %(size)s bytes; the limit is %(limit)s bytes.") % {
            "size": size, "limit": limit})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise reject_file(report, _("The file is larger than the limit of %(limit)s bytes.") % {"limit": limit})
    if not data.strip():
        raise reject_file(report, _("The file is empty."))
    return data


def binary_kind(data: bytes) -> str | None:
    for signature, name in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            return name
    return "binary data" if b"\x00" in data[:4096] else None


def _looks_like_euc_jp(data: bytes) -> bool:
    """EUC-JP never uses bytes 0x81–0x9F (bar its two shift codes); Shift_JIS text always
    does (every hiragana and most kanji lead with them), so a file without them is not it."""
    if not any(byte >= 0xA1 for byte in data):
        return False
    if any(0x81 <= byte <= 0x9F and byte not in (0x8E, 0x8F) for byte in data):
        return False
    try:
        data.decode("euc-jp")
    except UnicodeDecodeError:
        return False
    return True


def decode_text(data: bytes, report: ImportReport, *, encoding: str = "auto") -> str:
    """UTF-8 (with or without BOM) or Shift_JIS/CP932, as Japanese municipal files come."""
    kind = binary_kind(data)
    if kind:
        raise reject_file(report, _("This is not a text file: it looks like a %(kind)s.") % {"kind": kind})
    candidates = ["utf-8-sig", "cp932"] if encoding == "auto" else [encoding]
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        if candidate == "cp932" and (_NOT_SHIFT_JIS.intersection(text) or _looks_like_euc_jp(data)):
            continue
        return text
    raise reject_file(report, _("The file is neither UTF-8 nor Shift_JIS (CP932) text."))


def read_csv(text: str, report: ImportReport) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and (line number, row) pairs; the header is line 1, as in a spreadsheet."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        all_rows = list(reader)
    except csv.Error as exc:
        raise reject_file(report, _("The file is not valid CSV: %(error)s") % {"error": exc}) from exc
    if not all_rows:
        raise reject_file(report, _("The file is empty."))
    header = [unicodedata.normalize("NFKC", cell).strip() for cell in all_rows[0]]
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in enumerate(all_rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # Blank lines at the end of spreadsheets' CSVs.
        if len(cells) > len(header):
            report.add_error(number, _("(whole row)"), _("The row has %(n)d cells but the header only %(h)d.") % {
                "n": len(cells), "h": len(header)})
        rows.append((number, {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}))
    return header, rows


def normalise_header(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip()


# --- cells ------------------------------------------------------------------------------

class CellError(ValueError):
    """A cell's value cannot be used; the message says why."""


_TRUE = {"1", "○", "〇", "◯", "有", "あり", "true", "yes", "y", "t", "該当"}
_FALSE = {"", "0", "×", "無", "なし", "-", "－", "false", "no", "n", "f", "非該当"}


def parse_bool(value: str) -> bool:
    cleaned = unicodedata.normalize("NFKC", value).strip().lower()
    if cleaned in _TRUE:
        return True
    if cleaned in _FALSE:
        return False
    raise CellError(_("“%(value)s” is not yes or no (use 1 or empty).") % {"value": value})


def parse_coordinate(value: str, *, low: float, high: float) -> float:
    cleaned = unicodedata.normalize("NFKC", value).strip()
    if not cleaned:
        raise CellError(_("This value is required."))
    try:
        number = float(cleaned)
    except ValueError:
        raise CellError(_("“%(value)s” is not a number in decimal degrees.") % {"value": value}) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise CellError(_("%(value)s is out of range (%(low)s to %(high)s).") % {
            "value": cleaned, "low": low, "high": high})
    return number


def parse_count(value: str) -> int | None:
    cleaned = unicodedata.normalize("NFKC", value).strip().replace(",", "")
    if not cleaned:
        return None
    if not re.fullmatch(r"\d{1,9}", cleaned):
        raise CellError(_("“%(value)s” is not a whole number of 0 or more.") % {"value": value})
    return int(cleaned)


def parse_url(value: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(cleaned)
    except ValidationError:
        raise CellError(_("“%(value)s” is not a web address (http:// or https://).") % {"value": value}) from None
    return cleaned


def parse_postal_code(value: str) -> str:
    cleaned = unicodedata.normalize("NFKC", value).strip().lstrip("〒").replace("-", "").replace(" ", "")
    if not cleaned:
        return ""
    if not re.fullmatch(r"\d{7}", cleaned):
        raise CellError(_("“%(value)s” is not a seven-digit postal code.") % {"value": value})
    return cleaned


def check_length(value: str, limit: int) -> str:
    if len(value) > limit:
        raise CellError(_("The text is %(n)d characters long; at most %(limit)d fit.") % {
            "n": len(value), "limit": limit})
    return value
