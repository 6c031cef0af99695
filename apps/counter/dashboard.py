"""The counter's panel on the staff dashboard: counts only, never an applicant's name."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.counter.choices_procedures import OPEN_STEP_STATUSES, ApplicationStatus
from apps.counter.models import Application, ApplicationStep, Procedure
from civicportal.dashboard import Panel, register


def _figures(request) -> list[tuple[str, object]]:
    now = timezone.now()
    open_steps = ApplicationStep.objects.filter(status__in=OPEN_STEP_STATUSES)
    return [
        (_("Procedures offered"), Procedure.objects.filter(is_active=True).count()),
        (_("Applications in the last 30 days"),
         Application.objects.filter(submitted_at__gte=now - dt.timedelta(days=30)).count()),
        (_("Steps waiting in department queues"), open_steps.count()),
        (_("Steps past their target"), open_steps.filter(due_at__lt=now).count()),
        (_("Returned, waiting for the applicant"),
         Application.objects.filter(status=ApplicationStatus.RETURNED).count()),
        (_("Waiting for a fee"), Application.objects.filter(status=ApplicationStatus.AWAITING_PAYMENT).count()),
    ]


register(Panel(key="counter", title=_("One-stop counter"), figures=_figures, order=40, link_name="counter:work_queue"))
