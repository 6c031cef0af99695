"""Answers to a procedure's form, checked against the fields staff defined (the one place that checks)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from apps.counter.choices_procedures import FieldKind
from apps.counter.models import Procedure, ProcedureField

DEFAULT_TEXT_LIMIT = 200
DEFAULT_LONG_TEXT_LIMIT = 2000
POSTAL_CODE = re.compile(r"^(\d{3})-?(\d{4})$")
PHONE = re.compile(r"^0\d{1,4}-?\d{1,4}-?\d{3,4}$")
YES = {"yes", "true", "on", "1", "はい"}
NO = {"no", "false", "off", "0", "いいえ"}


def _normalise(value: Any) -> Any:
    # Full-width digits and hyphens (１２３－４５６７) are what many phones type.
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip().replace("ー", "-").replace("−", "-")
    return value


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_value(field: ProcedureField, value: Any) -> Any:
    """One answer in its stored form, or ValidationError with a message a person can act on."""
    kind = field.kind
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        if not isinstance(value, str):
            raise ValidationError(_("Give text."))
        value = value.strip()
        limit = field.max_length or (DEFAULT_TEXT_LIMIT if kind == FieldKind.TEXT else DEFAULT_LONG_TEXT_LIMIT)
        if len(value) > limit:
            raise ValidationError(_("Use at most %(limit)d characters (now %(n)d).") % {
                "limit": limit, "n": len(value)})
        return value
    value = _normalise(value)
    if kind == FieldKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError(_("Give a whole number."))
        try:
            number = int(value)
        except ValueError:
            raise ValidationError(_("Give a whole number.")) from None
        if field.min_value is not None and number < field.min_value:
            raise ValidationError(_("Give %(min)d or more.") % {"min": field.min_value})
        if field.max_value is not None and number > field.max_value:
            raise ValidationError(_("Give %(max)d or less.") % {"max": field.max_value})
        return number
    if kind == FieldKind.DATE:
        if not isinstance(value, str):
            raise ValidationError(_("Give a date as YYYY-MM-DD."))
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError(_("Give a date as YYYY-MM-DD.")) from None
    if kind == FieldKind.CHOICE:
        if value not in field.choices:
            raise ValidationError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(map(str, field.choices))})
        return value
    if kind == FieldKind.YES_NO:
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValidationError(_("Answer yes or no."))
    if kind == FieldKind.POSTAL_CODE:
        match = POSTAL_CODE.match(str(value))
        if not match:
            raise ValidationError(_("Give a postal code of seven digits, like 123-4567."))
        return f"{match.group(1)}-{match.group(2)}"
    if kind == FieldKind.PHONE:
        if not PHONE.match(str(value)) or not 10 <= len(str(value).replace("-", "")) <= 11:
            raise ValidationError(_("Give a phone number of 10 or 11 digits, like 0436-22-1111."))
        return str(value)
    if kind == FieldKind.EMAIL:
        validate_email(str(value))
        return str(value)
    raise ValidationError(_("This field has an unknown kind."))


def clean_answers(procedure: Procedure, raw: Any, *, partial: bool = False) -> dict[str, Any]:
    """All answers of a form; errors are keyed `answers.<field key>` so a person sees which field."""
    if not isinstance(raw, dict):
        raise ValidationError({"answers": _("Answers must be an object keyed by field.")})
    fields = list(procedure.fields.all())
    known = {field.key for field in fields}
    errors: dict[str, str] = {}
    unknown = sorted(str(key) for key in raw if key not in known)
    if unknown:
        errors["answers"] = _("Unknown fields: %(keys)s.") % {"keys": ", ".join(unknown[:10])}
    cleaned: dict[str, Any] = {}
    for field in fields:
        if field.key not in raw and partial:
            continue
        value = raw.get(field.key)
        if _empty(value):
            if field.required:
                errors[f"answers.{field.key}"] = _("This field is required.")
            continue
        try:
            cleaned[field.key] = clean_value(field, value)
        except ValidationError as error:
            errors[f"answers.{field.key}"] = "; ".join(error.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_field_definition(field: ProcedureField) -> None:
    """What staff define must make sense (used by the admin form)."""
    errors = {}
    if field.kind == FieldKind.CHOICE:
        if not isinstance(field.choices, list) or len(field.choices) < 2 or not all(
                isinstance(c, str) and c.strip() for c in field.choices):
            errors["choices"] = _("A choice field needs a list of at least two texts.")
    elif field.choices:
        errors["choices"] = _("Only a choice field has choices.")
    if field.min_value is not None and field.max_value is not None and field.min_value > field.max_value:
        errors["max_value"] = _("The maximum must not be less than the minimum.")
    if field.max_length is not None and field.kind not in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        errors["max_length"] = _("Only text fields have a maximum length.")
    if errors:
        raise ValidationError(errors)
