"""Checks of files attached to bulletins: PDF, JPEG and PNG only, judged by their content.

A file's name is a claim; the bytes decide. A `.pdf` must start with `%PDF-`, a `.jpg` or
`.png` must open in Pillow as that very format. Every file is checked before any is stored,
so a refused upload leaves nothing behind. Errors name the `attachments` field.
"""

from __future__ import annotations

import io
import os
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_IMAGE_SIDE = 12000
# extension -> (content type, what the content must be)
KINDS = {
    "pdf": ("application/pdf", "PDF"),
    "jpg": ("image/jpeg", "JPEG"),
    "jpeg": ("image/jpeg", "JPEG"),
    "png": ("image/png", "PNG"),
}
FIELD = "attachments"


@dataclass(frozen=True)
class CheckedFile:
    content: ContentFile
    original_name: str
    content_type: str
    size: int


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _content_kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "PDF"
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG", "PNG"]) as probe:
            kind, (width, height) = probe.format, probe.size
            probe.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return None
    if max(width, height) > MAX_IMAGE_SIDE:
        return None
    return kind


def check_attachment(upload) -> CheckedFile:
    name = os.path.basename(getattr(upload, "name", "") or "file")[:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in KINDS:
        raise ValidationError({FIELD: _("“%(name)s”: attach PDF, JPEG or PNG files only.") % {"name": name}})
    size = upload.size or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({FIELD: _("“%(name)s” is %(size).1f MB; each file may be at most %(max)d MB.") % {
            "name": name, "size": size / 1024 / 1024, "max": MAX_ATTACHMENT_BYTES // (1024 * 1024)}})
    if size == 0:
        raise ValidationError({FIELD: _("“%(name)s” is empty.") % {"name": name}})
    data = _read(upload)
    content_type, expected = KINDS[extension]
    if _content_kind(data) != expected:
        raise ValidationError({FIELD: _("“%(name)s” is not really a %(kind)s file.") % {
            "name": name, "kind": expected}})
    stored_extension = "jpg" if expected == "JPEG" else extension
    # A random stored name: nothing of the original name reaches the disk.
    return CheckedFile(ContentFile(data, name=f"{uuid.uuid4().hex}.{stored_extension}"), name, content_type,
                       len(data))


def check_attachments(uploads, *, already: int = 0) -> list[CheckedFile]:
    uploads = list(uploads or [])
    if len(uploads) + already > MAX_ATTACHMENTS:
        raise ValidationError({FIELD: _("Attach at most %(max)d files (now %(n)d).") % {
            "max": MAX_ATTACHMENTS, "n": len(uploads) + already}})
    return [check_attachment(upload) for upload in uploads]
