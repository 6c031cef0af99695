"""Audiences: composable segments resolved to recipient ids.

Feature apps register their own segment kinds (association members, guardians of a class)
from their `audiences.py` with `apps.notifications.audiences.register`; notifications never
imports them (DESIGN.md).
"""

from apps.notifications.audiences.registry import (
    Audience,
    Segment,
    SegmentKind,
    kinds,
    parse_audience,
    register,
)

__all__ = ["Audience", "Segment", "SegmentKind", "kinds", "parse_audience", "register"]
