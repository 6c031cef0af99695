"""Pieces the resident and sender APIs share: strict input, flat field errors, the error shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


# Refuses keys it does not know: a misspelt `scheduled_at` must not send at once. (A comment,
# not a docstring: drf-spectacular would show a docstring on every subclass's schema.)
class StrictSerializer(serializers.Serializer):
    default_error_messages = {"unknown": _("Unknown field. Known fields: %(known)s.")}

    def to_internal_value(self, data: Any) -> dict:
        errors: dict = {}
        if isinstance(data, Mapping):
            known = ", ".join(self.fields)
            errors = {key: [self.error_messages["unknown"] % {"known": known}]
                      for key in sorted(set(data) - set(self.fields))}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not errors or not isinstance(exc.detail, dict):
                raise
            raise serializers.ValidationError({**exc.detail, **errors}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with an offset; a bare local time would be guessed, so it is refused."""

    default_error_messages = {
        "naive": _("Give the time with its offset, for example 2025-04-01T09:00:00+09:00."),
    }

    def to_internal_value(self, value: Any):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value)
            except ValueError:
                parsed = None
            if parsed is not None and timezone.is_naive(parsed):
                self.fail("naive")
        return super().to_internal_value(value)


def _join(prefix: str, key: str) -> str:
    if not prefix:
        return key
    # A nested object's own errors belong to the field that holds it.
    return prefix if key == "non_field_errors" else f"{prefix}.{key}"


def flatten_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"variants": {"en": {"title": [..]}}} -> {"variants.en.title": [..]}, as services name fields."""
    flat: dict[str, list[str]] = {}

    def add(key: str, messages: list[str]) -> None:
        flat.setdefault(key or "non_field_errors", []).extend(messages)

    if isinstance(errors, Mapping):
        for key, value in errors.items():
            for field, messages in flatten_errors(value, _join(prefix, str(key))).items():
                add(field, messages)
    elif isinstance(errors, list | tuple):
        if all(isinstance(item, str) for item in errors):
            add(prefix, [str(item) for item in errors])
        else:
            for index, item in enumerate(errors):
                if item:
                    for field, messages in flatten_errors(item, f"{prefix}.{index}").items():
                        add(field, messages)
    else:
        add(prefix, [str(errors)])
    return flat


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs) -> dict:
    """Validated data, or a 400 whose errors name each field (dotted for nested ones)."""
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        raise serializers.ValidationError(flatten_errors(serializer.errors))
    return serializer.validated_data


@extend_schema_serializer(component_name="NotificationsApiError")
class ApiErrorSerializer(serializers.Serializer):
    """The shape of every error (civicportal/api.py): a sentence and the fields at fault."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


def error_responses(*codes: int) -> dict[int, type[serializers.Serializer]]:
    return dict.fromkeys(codes, ApiErrorSerializer)
