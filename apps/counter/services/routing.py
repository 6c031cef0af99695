"""Moving an application through its department steps: claim, complete, return with a reason.

Every transition is one transaction that first locks the application row and then its steps
(always in that order, so two clerks never deadlock), checks the state it found under the lock,
and writes the step, the application, the timeline and the applicant's notification together:
nothing is lost or stuck between departments, and a step cannot be completed twice.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.counter.choices_procedures import ApplicationStatus, EventKind, PlanItemStatus, StepStatus
from apps.counter.models import Application, ApplicationStep, LifeEventPlanItem, ProcedureStep
from apps.counter.permissions_applications import is_system_admin, may_work_in
from apps.counter.services.notify import in_language_of, tell

RETURN_REASON_LIMIT = 500


def _event(application, kind, **kwargs):
    from apps.counter.services.applications import event

    return event(application, kind, **kwargs)


def _target_days(application: Application, step: ApplicationStep) -> int:
    target = (ProcedureStep.objects.filter(procedure_id=application.procedure_id, order=step.order)
              .values_list("target_days", flat=True).first())
    return target if target is not None else 3


def queue_step(application: Application, step: ApplicationStep, *, notify: bool = True) -> None:
    """Put a step in its department's queue (the caller holds the locks)."""
    now = timezone.now()
    step.status = StepStatus.QUEUED
    step.queued_at = now
    step.due_at = now + dt.timedelta(days=_target_days(application, step))
    step.claimed_by = None
    step.claimed_at = None
    step.save(update_fields=["status", "queued_at", "due_at", "claimed_by", "claimed_at"])
    _event(application, EventKind.QUEUED, step=step)
    if notify:
        with in_language_of(application.applicant):
            tell(user=application.applicant, department=step.department,
                 title=_("%(number)s: now at %(department)s") % {"number": application.receipt_number,
                                                                "department": step.department.name},
                 body=_("Your application %(number)s (%(procedure)s) was passed to %(department)s: %(step)s.")
                 % {"number": application.receipt_number, "procedure": application.procedure.name,
                    "department": step.department.name, "step": step.name},
                 url_name="counter:application_detail", url_args=(application.pk,))


def _lock(step_id: int) -> tuple[Application, ApplicationStep, list[ApplicationStep]]:
    try:
        application_id = ApplicationStep.objects.values_list("application_id", flat=True).get(pk=step_id)
    except ApplicationStep.DoesNotExist:
        raise ValidationError({"step": _("No such step.")}) from None
    application = (Application.objects.select_for_update().select_related("procedure", "applicant")
                   .get(pk=application_id))
    steps = list(ApplicationStep.objects.select_for_update().select_related("department")
                 .filter(application_id=application_id).order_by("order"))
    step = next(s for s in steps if s.pk == step_id)
    return application, step, steps


def _refuse_unless_open(application: Application, step: ApplicationStep, steps: list[ApplicationStep]) -> None:
    """The reason a step cannot be worked on now, as a ValidationError on `step`."""
    if application.status == ApplicationStatus.WITHDRAWN or step.status == StepStatus.CANCELLED:
        raise ValidationError({"step": _("The applicant withdrew this application.")})
    if step.status == StepStatus.DONE:
        raise ValidationError({"step": _("This step was already completed (%(when)s).") % {
            "when": timezone.localtime(step.completed_at).strftime("%Y-%m-%d %H:%M")}})
    if step.status == StepStatus.RETURNED:
        raise ValidationError({"step": _("This step was returned to the applicant and waits for their correction.")})
    if step.status == StepStatus.PENDING:
        if application.status == ApplicationStatus.AWAITING_PAYMENT:
            raise ValidationError({"step": _("The fee has not been paid yet.")})
        first_open = next((s for s in steps if s.status != StepStatus.DONE), None)
        if first_open is not None and first_open.order < step.order:
            raise ValidationError({"step": _("Step %(n)d (%(department)s: %(name)s) must be completed first.") % {
                "n": first_open.order, "department": first_open.department.name, "name": first_open.name}})
        raise ValidationError({"step": _("This step is not in a queue.")})


@transaction.atomic
def claim(*, step_id: int, staff: User) -> ApplicationStep:
    application, step, steps = _lock(step_id)
    if not may_work_in(staff, step.department_id):
        raise PermissionDenied(_("This step belongs to another department."))
    _refuse_unless_open(application, step, steps)
    if step.status == StepStatus.CLAIMED:
        if step.claimed_by_id == staff.id:
            return step
        raise ValidationError({"step": _("Another clerk is already handling this step.")})
    step.status = StepStatus.CLAIMED
    step.claimed_by = staff
    step.claimed_at = timezone.now()
    step.save(update_fields=["status", "claimed_by", "claimed_at"])
    _event(application, EventKind.CLAIMED, step=step, actor=staff)
    with in_language_of(application.applicant):
        tell(user=application.applicant, department=step.department,
             title=_("%(number)s: being handled") % {"number": application.receipt_number},
             body=_("%(department)s has started on your application %(number)s: %(step)s.") % {
                 "department": step.department.name, "number": application.receipt_number, "step": step.name},
             url_name="counter:application_detail", url_args=(application.pk,))
    return step


@transaction.atomic
def complete(*, step_id: int, staff: User, note: str = "") -> ApplicationStep:
    application, step, steps = _lock(step_id)
    if not may_work_in(staff, step.department_id):
        raise PermissionDenied(_("This step belongs to another department."))
    _refuse_unless_open(application, step, steps)
    if step.status == StepStatus.QUEUED:
        raise ValidationError({"step": _("Claim this step before completing it.")})
    if step.claimed_by_id != staff.id and not is_system_admin(staff):
        raise ValidationError({"step": _("Another clerk is handling this step.")})
    if len(note) > RETURN_REASON_LIMIT:
        raise ValidationError({"note": _("Use at most %(n)d characters.") % {"n": RETURN_REASON_LIMIT}})
    now = timezone.now()
    step.status = StepStatus.DONE
    step.completed_by = staff
    step.completed_at = now
    step.save(update_fields=["status", "completed_by", "completed_at"])
    _event(application, EventKind.STEP_DONE, step=step, actor=staff, note=note.strip())
    following = next((s for s in steps if s.order > step.order and s.status != StepStatus.DONE), None)
    if following is not None:
        queue_step(application, following)
        return step
    application.status = ApplicationStatus.COMPLETED
    application.completed_at = now
    application.save(update_fields=["status", "completed_at", "updated_at"])
    _event(application, EventKind.COMPLETED, step=step)
    LifeEventPlanItem.objects.filter(application=application).update(status=PlanItemStatus.DONE)
    with in_language_of(application.applicant):
        tell(user=application.applicant, department=step.department,
             title=_("%(number)s: completed") % {"number": application.receipt_number},
             body=_("Your application %(number)s (%(procedure)s) is complete.") % {
                 "number": application.receipt_number, "procedure": application.procedure.name},
             url_name="counter:application_detail", url_args=(application.pk,))
    return step


@transaction.atomic
def return_to_applicant(*, step_id: int, staff: User, reason: str) -> ApplicationStep:
    application, step, steps = _lock(step_id)
    if not may_work_in(staff, step.department_id):
        raise PermissionDenied(_("This step belongs to another department."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what the applicant must correct.")})
    if len(reason) > RETURN_REASON_LIMIT:
        raise ValidationError({"reason": _("Use at most %(n)d characters.") % {"n": RETURN_REASON_LIMIT}})
    _refuse_unless_open(application, step, steps)
    step.status = StepStatus.RETURNED
    step.return_count += 1
    step.save(update_fields=["status", "return_count"])
    application.status = ApplicationStatus.RETURNED
    application.save(update_fields=["status", "updated_at"])
    _event(application, EventKind.RETURNED, step=step, actor=staff, note=reason)
    with in_language_of(application.applicant):
        tell(user=application.applicant, department=step.department,
             title=_("%(number)s: please correct your application") % {"number": application.receipt_number},
             body=_("%(department)s returned your application %(number)s: %(reason)s") % {
                 "department": step.department.name, "number": application.receipt_number, "reason": reason},
             url_name="counter:application_detail", url_args=(application.pk,))
    return step
