"""Reads of the procedure catalogue (public)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from apps.counter.models import LifeEvent, LifeEventProcedure, Procedure


def active_procedures() -> QuerySet[Procedure]:
    return Procedure.objects.filter(is_active=True).select_related("department")


def procedure_by_slug(slug: str) -> Procedure:
    return get_object_or_404(
        active_procedures().prefetch_related("fields", "steps__department"), slug=slug)


def life_events() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.prefetch_related(
        Prefetch("entries", queryset=LifeEventProcedure.objects.select_related("procedure").order_by("order")))
