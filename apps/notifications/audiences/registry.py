"""The registry of segment kinds and the parsed, validated form of an audience."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class SegmentKind:
    """One way of choosing people.

    `clean(params)` checks and normalises the parameters (raising ValidationError naming the
    field); `user_ids(params)` returns a queryset of user ids; `may_use(user, params)` says
    whether a sender may aim at it; `describe(params)` is a short label for the sender's
    page and the segment breakdown; `organisation_wide(params)` marks sends that need a
    second person's approval. `few(params)` says the segment names a handful of known people
    (one applicant, a child's guardians): such messages are fanned out in the sender's own
    transaction instead of waiting for a worker (see `Audience.few`).
    """

    kind: str
    label: str
    clean: Callable[[dict], dict]
    user_ids: Callable[[dict], QuerySet]
    may_use: Callable[[Any, dict], bool]
    describe: Callable[[dict], str]
    organisation_wide: Callable[[dict], bool] = lambda params: False
    few: Callable[[dict], bool] = lambda params: False


_kinds: dict[str, SegmentKind] = {}


# Ids a database column can hold (64-bit); a larger number is no id at all, not a 500.
ID_RANGE = range(-(2**63), 2**63)


def int_param(params: dict, key: str) -> int:
    """A segment parameter that must be a whole number (an id); for the kinds' `clean`."""
    value = params.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("“%(key)s” must be a number.") % {"key": key})
    if value not in ID_RANGE:
        raise ValidationError(_("“%(key)s” is not a valid id.") % {"key": key})
    return value


def register(kind: SegmentKind) -> None:
    _kinds[kind.kind] = kind


def kinds() -> dict[str, SegmentKind]:
    return dict(_kinds)


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    params: dict

    @property
    def label(self) -> str:
        return self.kind.describe(self.params)[:60]

    def user_ids(self) -> QuerySet:
        return self.kind.user_ids(self.params)


@dataclass(frozen=True)
class Audience:
    """Segments joined by `any` (union) or `all` (intersection)."""

    segments: list[Segment] = field(default_factory=list)
    match: str = "any"

    def as_q(self, *, after: int = 0) -> Q:
        """Who is in the audience; `after` leaves out user ids up to it (a keyset cursor).

        The cursor is also put inside each segment's sub-query, where the planner cannot
        carry it by itself: each chunk then reads its own stretch of the segment's index
        instead of the whole segment again.
        """
        parts = [Q(id__in=_after(segment.user_ids(), after)) for segment in self.segments]
        combined = parts[0]
        for part in parts[1:]:
            combined = combined | part if self.match == "any" else combined & part
        return combined

    def describe(self) -> str:
        joiner = _(" or ") if self.match == "any" else _(" and ")
        return joiner.join(segment.label for segment in self.segments)[:300]

    def organisation_wide(self) -> bool:
        return any(segment.kind.organisation_wide(segment.params) for segment in self.segments)

    def few(self) -> bool:
        """Whether the audience is a handful of named people: every segment of a union is,
        or one segment of an intersection."""
        flags = [segment.kind.few(segment.params) for segment in self.segments]
        return all(flags) if self.match == "any" else any(flags)

    def may_be_used_by(self, user) -> bool:
        return all(segment.kind.may_use(user, segment.params) for segment in self.segments)


def _after(ids: QuerySet, after: int) -> QuerySet:
    fields = ids.query.values_select
    if not after or len(fields) != 1:
        return ids  # a resolver's own shape (e.g. an annotation): left as it is
    return ids.filter(**{f"{fields[0]}__gt": after})


MAX_SEGMENTS = 20
# A segment naming at most this many people counts as "few" (see SegmentKind.few).
FEW_PEOPLE = 20


def parse_audience(spec: Any) -> Audience:
    """Turn the stored JSON form into an Audience, or raise ValidationError on `audience`."""
    if not isinstance(spec, dict):
        raise ValidationError({"audience": _("The audience must be an object with a list of segments.")})
    match = spec.get("match", "any")
    if match not in ("any", "all"):
        raise ValidationError({"audience": _("“match” must be “any” or “all”.")})
    raw_segments = spec.get("segments")
    if not isinstance(raw_segments, list) or not raw_segments:
        raise ValidationError({"audience": _("Choose at least one group of people to send to.")})
    if len(raw_segments) > MAX_SEGMENTS:
        raise ValidationError({"audience": _("Use at most %(n)d segments.") % {"n": MAX_SEGMENTS}})
    segments = []
    for index, raw in enumerate(raw_segments):
        if not isinstance(raw, dict) or "kind" not in raw:
            raise ValidationError({"audience": _("Segment %(n)d has no “kind”.") % {"n": index + 1}})
        kind = _kinds.get(raw["kind"]) if isinstance(raw["kind"], str) else None
        if kind is None:
            raise ValidationError(
                {"audience": _("Unknown segment kind “%(kind)s”. Known kinds: %(known)s.")
                 % {"kind": raw["kind"], "known": ", ".join(sorted(_kinds))}}
            )
        params = {k: v for k, v in raw.items() if k != "kind"}
        try:
            cleaned = kind.clean(params)
        except ValidationError as exc:
            raise ValidationError(
                {"audience": [_("Segment %(n)d (%(kind)s): %(error)s")
                              % {"n": index + 1, "kind": kind.kind, "error": "; ".join(exc.messages)}]}
            ) from None
        segments.append(Segment(kind=kind, params=cleaned))
    return Audience(segments=segments, match=match)


def serialise(audience: Audience) -> dict:
    return {
        "match": audience.match,
        "segments": [{"kind": s.kind.kind, **s.params} for s in audience.segments],
    }
