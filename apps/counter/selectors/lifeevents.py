"""A resident's own life-event lists."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.counter.models import LifeEventPlan


def plans_of(user: User) -> QuerySet[LifeEventPlan]:
    return LifeEventPlan.objects.filter(user=user).select_related("event").order_by("-created_at")


def plan_for(user: User, plan_id: int) -> LifeEventPlan:
    plan = plans_of(user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


def items_of(plan: LifeEventPlan):
    return plan.items.select_related("procedure__department", "application").order_by("order")
