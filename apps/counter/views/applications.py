"""Resident pages: apply online, my applications, timeline, documents, correction, paying the fee."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.counter.choices_procedures import ApplicationStatus
from apps.counter.forms_applications import AttachmentForm, ProcedureForm
from apps.counter.models import Attachment, LifeEventPlanItem, Payment
from apps.counter.selectors import applications as selectors
from apps.counter.selectors import catalogue as catalogue_selectors
from apps.counter.services import applications as services
from apps.counter.services import payments
from apps.counter.views import applications_staff


def _plan_item(request: HttpRequest, procedure) -> LifeEventPlanItem | None:
    raw = request.POST.get("plan_item") or request.GET.get("plan_item")
    if not raw or not raw.isdigit():
        return None
    return (LifeEventPlanItem.objects.select_related("plan")
            .filter(pk=int(raw), plan__user=request.user, procedure=procedure).first())


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = catalogue_selectors.procedure_by_slug(slug)
    if not procedure.online:
        messages.info(request, _("This procedure cannot be done online; please come to the counter."))
        return redirect("counter:procedure_detail", slug=slug)
    plan_item = _plan_item(request, procedure)
    form = ProcedureForm(request.POST or None, procedure=procedure,
                         initial_answers=selectors.prefill_for(request.user, procedure))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application = services.submit_application(procedure=procedure, applicant=request.user,
                                                           answers=form.answers(), plan_item=plan_item)
            except ValidationError as error:
                form.take_errors(error.message_dict)
            else:
                messages.success(request, _("Your application was received. Receipt number: %(number)s") % {
                    "number": application.receipt_number})
                return redirect("counter:application_detail", application_id=application.pk)
        status = 400
    return render(request, "counter/applications/apply.html", {
        "procedure": procedure, "form": form, "plan_item": plan_item}, status=status)


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    return render(request, "counter/applications/mine.html", {
        "applications": selectors.my_applications(request.user)[:200]})


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.own_application(request.user, application_id)
    form = ProcedureForm(request.POST or None, procedure=application.procedure, initial_answers=application.answers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.resubmit(application=application, user=request.user, answers=form.answers())
            except ValidationError as error:
                form.take_errors(error.message_dict)
            else:
                messages.success(request, _("Thank you. Your correction was sent to the department."))
                return redirect("counter:application_detail", application_id=application.pk)
        status = 400
    return render(request, "counter/applications/detail.html", {
        "application": application, "steps": selectors.steps_of(application),
        "events": selectors.timeline(application), "attachments": application.attachments.all(),
        "payments": application.payments.filter(status="paid"), "form": form,
        "attachment_form": AttachmentForm(), "returned": application.status == ApplicationStatus.RETURNED,
    }, status=status)


@login_required
@require_POST
def attach(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.own_application(request.user, application_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attach(application=application, user=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("The document was added."))
    else:
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
    return redirect("counter:application_detail", application_id=application.pk)


@login_required
@require_GET
def attachment_file(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A document, for its applicant or a clerk on the route (files are never public media)."""
    attachment = Attachment.objects.select_related("application").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    application = attachment.application
    if application.applicant_id != request.user.id:
        selectors.staff_application(request.user, application.pk)  # 404 unless on the route; audited
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                        as_attachment=True, filename=f"{application.receipt_number}-{attachment.pk}."
                                                     f"{attachment.extension}")


@login_required
@require_POST
def withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.own_application(request.user, application_id)
    try:
        services.withdraw(application=application, user=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect("counter:application_detail", application_id=application.pk)


@login_required
@require_POST
def pay(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.own_application(request.user, application_id)
    try:
        _payment, url = payments.start_payment(application=application, user=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("counter:application_detail", application_id=application.pk)
    return redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def fake_checkout(request: HttpRequest, reference: str) -> HttpResponse:
    """The fake provider's checkout page (tests and the demo): pressing Pay confirms, signed."""
    payment = Payment.objects.select_related("application__procedure").filter(
        reference=reference, provider="fake", application__applicant=request.user).first()
    if payment is None:
        raise Http404
    if request.method == "POST":
        try:
            payments.confirm_payment(provider="fake", reference=reference,
                                     payload={"signature": payments.FakeProvider.sign(reference)})
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Payment received. Thank you."))
        return redirect("counter:application_detail", application_id=payment.application_id)
    return render(request, "counter/applications/fake_checkout.html", {"payment": payment})


urlpatterns = [
    path("procedures/<slug:slug>/apply/", apply, name="apply"),
    path("applications/", my_applications, name="my_applications"),
    path("applications/<int:application_id>/", application_detail, name="application_detail"),
    path("applications/<int:application_id>/documents/", attach, name="application_attach"),
    path("applications/<int:application_id>/pay/", pay, name="application_pay"),
    path("applications/<int:application_id>/withdraw/", withdraw, name="application_withdraw"),
    path("documents/<int:attachment_id>/", attachment_file, name="attachment_file"),
    path("payments/fake/<str:reference>/", fake_checkout, name="fake_checkout"),
    *applications_staff.urlpatterns,
]
