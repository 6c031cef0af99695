"""The life-event navigator: a few questions make a resident's own ordered list; reminders follow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.counter.choices_procedures import LifeEventCondition, PlanItemStatus
from apps.counter.models import LifeEvent, LifeEventPlan, LifeEventPlanItem
from apps.counter.services.notify import in_language_of, tell

REMINDER_INTERVAL = dt.timedelta(days=7)
MAX_REMINDERS = 3


def questions_of(event: LifeEvent) -> list[str]:
    """The conditions this event asks about, in the order of its procedures."""
    seen: list[str] = []
    for condition in event.entries.values_list("condition", flat=True):
        if condition and condition not in seen:
            seen.append(condition)
    return seen


@transaction.atomic
def create_plan(*, user: User, event: LifeEvent, answers: Any) -> LifeEventPlan:
    if not user.is_authenticated:
        raise PermissionDenied
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("Answers must be an object of yes/no values.")})
    asked = questions_of(event)
    errors: dict[str, str] = {}
    unknown = sorted(str(k) for k in answers if k not in asked)
    if unknown:
        errors["answers"] = _("Questions not asked for this event: %(keys)s.") % {"keys": ", ".join(unknown)}
    cleaned: dict[str, bool] = {}
    for condition in asked:
        value = answers.get(condition)
        if not isinstance(value, bool):
            errors[f"answers.{condition}"] = _("Answer yes or no: %(question)s") % {
                "question": LifeEventCondition(condition).label}
        else:
            cleaned[condition] = value
    if errors:
        raise ValidationError(errors)
    plan = LifeEventPlan.objects.create(user=user, event=event, answers=cleaned)
    entries = event.entries.filter(procedure__is_active=True).order_by("order", "id")
    LifeEventPlanItem.objects.bulk_create(
        LifeEventPlanItem(plan=plan, procedure_id=entry.procedure_id, order=index)
        for index, entry in enumerate(e for e in entries if not e.condition or cleaned.get(e.condition))
    )
    return plan


@transaction.atomic
def mark_item(*, item: LifeEventPlanItem, user: User, status: str) -> LifeEventPlanItem:
    """A resident ticks off what they did in person, or says it is not needed."""
    item = LifeEventPlanItem.objects.select_for_update().select_related("plan").get(pk=item.pk)
    if item.plan.user_id != user.id:
        raise PermissionDenied
    if status not in (PlanItemStatus.TODO, PlanItemStatus.DONE, PlanItemStatus.SKIPPED):
        raise ValidationError({"status": _("Choose to do, done or not needed.")})
    if item.status == PlanItemStatus.APPLIED and status == PlanItemStatus.TODO:
        raise ValidationError({"status": _("This was applied for online; it is ticked off when it is complete.")})
    item.status = status
    item.save(update_fields=["status"])
    return item


def _due_plans(now: dt.datetime):
    open_items = LifeEventPlanItem.objects.filter(plan=OuterRef("pk"), status=PlanItemStatus.TODO)
    return (LifeEventPlan.objects.filter(reminders=True, reminder_count__lt=MAX_REMINDERS,
                                         created_at__lte=now - REMINDER_INTERVAL)
            .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - REMINDER_INTERVAL))
            .filter(Exists(open_items)))


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind residents of what is left on their lists (beat). Running twice sends once."""
    now = now or timezone.now()
    sent = 0
    for plan_id in _due_plans(now).values_list("id", flat=True).iterator():
        with transaction.atomic():
            # Re-checked under the row lock: another worker may have reminded this plan meanwhile.
            plan = (_due_plans(now).select_for_update(skip_locked=True, of=("self",))
                    .select_related("user", "event").filter(pk=plan_id).first())
            if plan is None:
                continue
            left = list(plan.items.filter(status=PlanItemStatus.TODO).select_related("procedure__department"))
            with in_language_of(plan.user):
                tell(user=plan.user, department=left[0].procedure.department,
                     title=_("Still to do for %(event)s") % {"event": plan.event.name},
                     body=_("Procedures left on your list: %(names)s.") % {
                         "names": "、".join(item.procedure.name for item in left)},
                     url_name="counter:lifeevent_plan", url_args=(plan.pk,))
            LifeEventPlan.objects.filter(pk=plan.pk).update(last_reminded_at=now,
                                                            reminder_count=plan.reminder_count + 1)
            sent += 1
    return sent
