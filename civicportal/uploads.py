"""Uploads every app handles the same way: private files and photos without hidden metadata.

They sit below the feature apps so that an association's attachments, a community map's
photos and a resident's report share one implementation without importing each other.
"""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_SIDE = 8000  # pixels; a small file can still unpack into a huge picture
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def private_storage() -> FileSystemStorage:
    """Files outside MEDIA_ROOT with no URL: only a view that checks who may see them serves them."""
    return FileSystemStorage(location=settings.DATA_DIR / "private", base_url=None)


def clean_photo(upload) -> ContentFile:
    """A JPEG, PNG or WebP photo, re-encoded so no EXIF (and so no GPS position) survives.

    The content decides what the file is, never its name. Re-saving also drops anything
    hidden after the image data.
    """
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": _("The photo is %(size).1f MB; use one of at most %(max)d MB.") % {
            "size": upload.size / 1024 / 1024, "max": MAX_PHOTO_BYTES // (1024 * 1024)}})
    not_an_image = _("This file is not a JPEG, PNG or WebP image.")
    try:
        upload.seek(0)
        with Image.open(upload, formats=list(PHOTO_FORMATS)) as probe:
            kind, (width, height) = probe.format, probe.size
            probe.verify()
        if max(width, height) > MAX_PHOTO_SIDE:
            raise ValidationError({"photo": _("The photo is %(w)d×%(h)d pixels; use at most %(max)d a side.") % {
                "w": width, "h": height, "max": MAX_PHOTO_SIDE}})
        upload.seek(0)
        with Image.open(upload, formats=list(PHOTO_FORMATS)) as picture:
            picture.load()
            # Turn the picture upright by its EXIF orientation before EXIF is dropped.
            picture = ImageOps.exif_transpose(picture)
            clean = _without_metadata(picture, kind)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ValidationError({"photo": not_an_image}) from None
    if kind not in PHOTO_FORMATS:
        raise ValidationError({"photo": not_an_image})
    return ContentFile(clean, name=f"{uuid.uuid4().hex}.{PHOTO_FORMATS[kind]}")


def _without_metadata(picture: Image.Image, kind: str) -> bytes:
    # A fresh image holds only pixels: no EXIF, XMP, ICC text or comments are carried over.
    mode = picture.mode
    if kind == "JPEG" and mode not in ("RGB", "L"):
        mode = "RGB"
    elif mode not in ("RGB", "RGBA", "L", "LA", "P"):
        mode = "RGBA"
    source = picture.convert(mode) if mode != picture.mode else picture
    fresh = Image.new(source.mode, source.size)
    if source.mode == "P":
        fresh.putpalette(source.getpalette())
    fresh.paste(source)
    out = io.BytesIO()
    options = {"quality": 85} if kind in ("JPEG", "WEBP") else {}
    fresh.save(out, format=kind, **options)
    return out.getvalue()
