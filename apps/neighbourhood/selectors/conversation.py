"""Reads of comments, reactions and reports on any post, scoped to the person asking."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, QuerySet
from django.shortcuts import get_object_or_404

from apps.neighbourhood.choices import ReactionKind
from apps.neighbourhood.models import Association, Comment, ModerationReport, Reaction
from apps.neighbourhood.permissions import AnyUser


def _ref(target: Model) -> dict:
    return {"target_type": ContentType.objects.get_for_model(target), "target_id": target.pk}


def comments_on(target: Model) -> QuerySet[Comment]:
    """Every comment, hidden ones included: the page shows those as "hidden by a moderator"."""
    return Comment.objects.filter(**_ref(target)).select_related("author").order_by("created_at", "id")


def reactions_on(target: Model, user: AnyUser) -> list[dict]:
    """Each reaction kind with its count and whether the person asking gave it."""
    counts = dict(Reaction.objects.filter(**_ref(target)).values("kind").annotate(n=Count("id"))
                  .values_list("kind", "n").order_by())
    mine = set()
    if user.is_authenticated:
        mine = set(Reaction.objects.filter(user=user, **_ref(target)).values_list("kind", flat=True))
    return [{"kind": kind, "label": label, "count": counts.get(kind, 0), "mine": kind in mine}
            for kind, label in ReactionKind.choices]


def moderation_queue(association: Association, *, resolved: bool = False) -> list[ModerationReport]:
    """Open (or dealt-with) reports of one association, with their targets loaded."""
    reports = list(ModerationReport.objects.filter(association=association, resolved_at__isnull=not resolved)
                   .select_related("reporter", "resolved_by", "target_type").order_by("-created_at")[:200])
    # Load targets kind by kind: a few queries whatever the number of reports.
    by_type: dict[int, list[ModerationReport]] = {}
    for report in reports:
        by_type.setdefault(report.target_type_id, []).append(report)
    for rows in by_type.values():
        model = rows[0].target_type.model_class()
        objects = model._default_manager.in_bulk([r.target_id for r in rows])
        for report in rows:
            report.loaded_target = objects.get(report.target_id)
    return reports


def report_for(association: Association, report_id: int) -> ModerationReport:
    return get_object_or_404(ModerationReport, association=association, pk=report_id)


def open_report_counts() -> list[dict]:
    """For city staff: how many reports wait in each association; no content, no names."""
    return list(ModerationReport.objects.filter(resolved_at=None, association__isnull=False)
                .values("association__name", "association__slug").annotate(n=Count("id")).order_by("-n"))
