"""Submitting applications (online or at the counter), correcting them, and attachments."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.counter.choices_procedures import (
    ApplicationStatus,
    Channel,
    EventKind,
    PaymentStatus,
    PlanItemStatus,
    StepStatus,
)
from apps.counter.models import (
    Application,
    ApplicationEvent,
    ApplicationStep,
    Attachment,
    LifeEventPlanItem,
    Procedure,
)
from apps.counter.permissions_applications import is_city_staff
from apps.counter.services import receipts
from apps.counter.services.catalogue import clean_answers
from apps.counter.services.notify import in_language_of, tell
from apps.counter.services.routing import queue_step

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Types are told by the file's first bytes, never by its name or the browser's word.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def event(application: Application, kind: str, *, step: ApplicationStep | None = None, actor: User | None = None,
          note: str = "", department=None) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application, at=timezone.now(), kind=kind, step=step, actor=actor, note=note,
        department=department or (step.department if step else application.procedure.department),
    )


@transaction.atomic
def submit_application(
    *,
    procedure: Procedure,
    applicant: User,
    answers: Any,
    entered_by: User | None = None,
    plan_item: LifeEventPlanItem | None = None,
) -> Application:
    """One application with its steps copied from the procedure, and a receipt number.

    Online when the applicant sends it; at the counter when a clerk (`entered_by`) enters it
    for a resident who is present. With a fee the first step waits for the payment.
    """
    channel = Channel.COUNTER if entered_by is not None else Channel.ONLINE
    if entered_by is not None and not is_city_staff(entered_by):
        raise PermissionDenied(_("Only city staff can enter applications at the counter."))
    if not procedure.is_active:
        raise ValidationError({"procedure": _("This procedure is no longer offered.")})
    if channel == Channel.ONLINE and not procedure.online:
        raise ValidationError({"procedure": _("This procedure cannot be done online; please come to the counter.")})
    if not applicant.is_active:
        raise ValidationError({"applicant": _("This account is not active.")})
    if plan_item is not None and (plan_item.plan.user_id != applicant.id or plan_item.procedure_id != procedure.id):
        raise ValidationError({"plan_item": _("This item is not on the applicant's list for this procedure.")})
    cleaned = clean_answers(procedure, answers)
    steps = list(procedure.steps.select_related("department"))
    if not steps:
        raise ValidationError({"procedure": _("This procedure has no department steps yet.")})
    now = timezone.now()
    application = Application.objects.create(
        receipt_number=receipts.next_number("R", now=now), procedure=procedure, applicant=applicant,
        channel=channel, entered_by=entered_by, answers=cleaned, fee_yen=procedure.fee_yen, submitted_at=now,
        status=ApplicationStatus.AWAITING_PAYMENT if procedure.fee_yen else ApplicationStatus.IN_PROGRESS,
    )
    created = ApplicationStep.objects.bulk_create(
        ApplicationStep(application=application, order=step.order, department=step.department, name=step.name)
        for step in steps
    )
    event(application, EventKind.SUBMITTED, actor=entered_by or applicant,
          note=_("Entered at the counter.") if entered_by else "")
    with in_language_of(applicant):
        if procedure.fee_yen:
            event(application, EventKind.PAYMENT_REQUESTED, note=f"{procedure.fee_yen}")
            body = _("We received your application %(number)s for %(procedure)s. Please pay the fee of "
                     "%(fee)s yen so that we can start.") % {"number": application.receipt_number,
                                                             "procedure": procedure.name, "fee": procedure.fee_yen}
        else:
            body = _("We received your application %(number)s for %(procedure)s. You will be told at each "
                     "step.") % {"number": application.receipt_number, "procedure": procedure.name}
        tell(user=applicant, department=procedure.department,
             title=_("Application received: %(number)s") % {"number": application.receipt_number},
             body=body, url_name="counter:application_detail", url_args=(application.pk,))
    if not procedure.fee_yen:
        queue_step(application, created[0], notify=False)
    if plan_item is not None:
        LifeEventPlanItem.objects.filter(pk=plan_item.pk).update(status=PlanItemStatus.APPLIED,
                                                                 application=application)
    return application


@transaction.atomic
def resubmit(*, application: Application, user: User, answers: Any) -> Application:
    """The applicant corrects a returned application; the returned step goes back to its queue."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != user.id:
        raise PermissionDenied(_("Only the applicant can correct this application."))
    if application.status != ApplicationStatus.RETURNED:
        raise ValidationError({"status": _("Only an application returned to you can be corrected.")})
    steps = list(ApplicationStep.objects.select_for_update().filter(application=application).order_by("order"))
    returned = next((s for s in steps if s.status == StepStatus.RETURNED), None)
    if returned is None:
        raise ValidationError({"status": _("No step is waiting for a correction.")})
    cleaned = clean_answers(application.procedure, answers, partial=True)
    application.answers = {**application.answers, **cleaned}
    application.status = ApplicationStatus.IN_PROGRESS
    application.save(update_fields=["answers", "status", "updated_at"])
    event(application, EventKind.RESUBMITTED, step=returned, actor=user)
    queue_step(application, returned)
    return application


@transaction.atomic
def withdraw(*, application: Application, user: User) -> Application:
    """The applicant takes back an application that is not finished; its open steps leave the queues."""
    application = Application.objects.select_for_update().select_related("procedure__department").get(
        pk=application.pk)
    if application.applicant_id != user.id:
        raise PermissionDenied(_("Only the applicant can withdraw this application."))
    if application.status in (ApplicationStatus.COMPLETED, ApplicationStatus.WITHDRAWN):
        raise ValidationError({"status": _("This application is already %(status)s.") % {
            "status": application.get_status_display().lower()}})
    steps = list(ApplicationStep.objects.select_for_update().filter(application=application))
    ApplicationStep.objects.filter(pk__in=[s.pk for s in steps if s.status != StepStatus.DONE]).update(
        status=StepStatus.CANCELLED)
    application.payments.filter(status=PaymentStatus.PENDING).update(status=PaymentStatus.FAILED)
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    event(application, EventKind.WITHDRAWN, actor=user)
    LifeEventPlanItem.objects.filter(application=application).update(status=PlanItemStatus.TODO, application=None)
    with in_language_of(application.applicant):
        tell(user=application.applicant, department=application.procedure.department,
             title=_("%(number)s: withdrawn") % {"number": application.receipt_number},
             body=_("Your application %(number)s (%(procedure)s) was withdrawn at your request.") % {
                 "number": application.receipt_number, "procedure": application.procedure.name},
             url_name="counter:application_detail", url_args=(application.pk,))
    return application


def sniff(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


@transaction.atomic
def attach(*, application: Application, user: User, upload) -> Attachment:
    """A PDF, PNG or JPEG of at most 10 MB, by the applicant or a clerk of a department on the route."""
    from apps.counter.selectors.applications import may_handle

    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != user.id and not may_handle(user, application):
        raise PermissionDenied(_("You may not add documents to this application."))
    if application.status in (ApplicationStatus.COMPLETED, ApplicationStatus.WITHDRAWN):
        raise ValidationError({"file": _("This application is closed; documents can no longer be added.")})
    if application.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": _("At most %(n)d documents per application.") % {"n": MAX_ATTACHMENTS}})
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("The file is larger than %(mb)d MB.") % {
            "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)}})
    upload.seek(0)
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    kind = sniff(data[:16])
    if kind is None:
        raise ValidationError({"file": _("Only PDF, PNG and JPEG files can be attached.")})
    content_type, extension = kind
    attachment = Attachment(
        application=application, token=secrets.token_hex(16), original_name=str(upload.name or "")[-120:],
        content_type=content_type, extension=extension, size=len(data), uploaded_by=user,
    )
    attachment.file.save("upload", ContentFile(data), save=False)
    attachment.save()
    event(application, EventKind.ATTACHED, actor=user, note=attachment.original_name)
    return attachment
