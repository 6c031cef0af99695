"""Life events (moving in, birth …) and each resident's own list of procedures for one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.counter.choices_procedures import LifeEventCondition, PlanItemStatus

__all__ = ["LifeEvent", "LifeEventPlan", "LifeEventPlanItem", "LifeEventProcedure"]


class LifeEvent(models.Model):
    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name


class LifeEventProcedure(models.Model):
    """A procedure a life event needs, in order, perhaps only when a question is answered yes."""

    event = models.ForeignKey(LifeEvent, on_delete=models.CASCADE, related_name="entries")
    procedure = models.ForeignKey("counter.Procedure", on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    condition = models.CharField(_("only when"), max_length=20, choices=LifeEventCondition.choices, blank=True,
                                 default=LifeEventCondition.ALWAYS)

    class Meta:
        verbose_name = _("procedure of a life event")
        verbose_name_plural = _("procedures of life events")
        ordering = ["event", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "procedure"], name="counter_event_procedure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.procedure_id}"


class LifeEventPlan(models.Model):
    """A resident's own ordered list for one life event; reminders go out for what is left."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counter_plans")
    event = models.ForeignKey(LifeEvent, on_delete=models.PROTECT, related_name="plans")
    answers = models.JSONField(_("answers"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    reminders = models.BooleanField(_("send reminders"), default=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("life-event list")
        verbose_name_plural = _("life-event lists")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["reminders", "last_reminded_at"], name="counter_plan_remind_idx")]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"


class LifeEventPlanItem(models.Model):
    plan = models.ForeignKey(LifeEventPlan, on_delete=models.CASCADE, related_name="items")
    procedure = models.ForeignKey("counter.Procedure", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=PlanItemStatus.choices, default=PlanItemStatus.TODO)
    application = models.ForeignKey("counter.Application", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="plan_items")

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "procedure"], name="counter_plan_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.procedure_id}"
