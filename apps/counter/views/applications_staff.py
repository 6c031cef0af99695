"""Clerk pages: the department work queue, one application, step actions, entering at the counter."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import Department, User
from apps.accounts.services import audit
from apps.counter.choices_procedures import ApplicationStatus
from apps.counter.forms_applications import ApplicantForm, AttachmentForm, ProcedureForm, ReturnForm
from apps.counter.models import ApplicationStep
from apps.counter.permissions_applications import is_city_staff, is_system_admin
from apps.counter.selectors import applications as selectors
from apps.counter.selectors import catalogue as catalogue_selectors
from apps.counter.services import applications as services
from apps.counter.services import payments, routing


def staff_only(view):
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not is_city_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _departments(user: User) -> list[Department]:
    if is_system_admin(user):
        return list(Department.objects.all())
    return list(Department.objects.filter(pk__in=selectors.queue_departments(user)))


@staff_only
@require_GET
def work_queue(request: HttpRequest) -> HttpResponse:
    departments = _departments(request.user)
    if not departments:
        return render(request, "counter/staff/queue.html", {"departments": [], "steps": []})
    chosen = request.GET.get("department", "")
    department = next((d for d in departments if str(d.pk) == chosen), departments[0])
    mine = request.GET.get("mine") == "1"
    try:
        steps, cursor = selectors.work_queue(user=request.user, department_id=department.pk,
                                             after=request.GET.get("after", ""), mine=mine)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect(f"{reverse('counter:work_queue')}?department={department.pk}")
    return render(request, "counter/staff/queue.html", {
        "departments": departments, "department": department, "steps": steps, "next_cursor": cursor,
        "mine": mine, "first_page": not request.GET.get("after"), "now": timezone.now(),
    })


@staff_only
@require_POST
def step_action(request: HttpRequest, step_id: int, action: str) -> HttpResponse:
    step = ApplicationStep.objects.filter(pk=step_id).only("application_id", "department_id").first()
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                                       require_https=request.is_secure()):
        back = reverse("counter:work_queue")
    if step is None:
        messages.error(request, _("No such step."))
        return redirect(back)
    try:
        if action == "claim":
            routing.claim(step_id=step_id, staff=request.user)
            messages.success(request, _("You are now handling this step."))
        elif action == "complete":
            routing.complete(step_id=step_id, staff=request.user, note=request.POST.get("note", ""))
            messages.success(request, _("The step is complete and the application moved on."))
        elif action == "return":
            routing.return_to_applicant(step_id=step_id, staff=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The application was returned to the applicant."))
        else:
            raise ValidationError({"action": _("Unknown action.")})
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You may not do this."))
    return redirect(back)


@staff_only
@require_http_methods(["GET", "POST"])
def staff_application(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.staff_application(request.user, application_id)
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.attach(application=application, user=request.user, upload=form.cleaned_data["file"])
                messages.success(request, _("The document was added."))
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
        return redirect("counter:staff_application", application_id=application.pk)
    fields = {f.key: f for f in application.procedure.fields.all()}
    answers = [(fields[k].label if k in fields else k, v) for k, v in application.answers.items()]
    return render(request, "counter/staff/application.html", {
        "application": application, "answers": answers, "steps": selectors.steps_of(application),
        "events": selectors.timeline(application), "attachments": application.attachments.all(),
        "attachment_form": AttachmentForm(), "return_form": ReturnForm(),
        "awaiting_payment": application.status == ApplicationStatus.AWAITING_PAYMENT,
    })


@staff_only
@require_POST
def cash_payment(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.staff_application(request.user, application_id)
    try:
        payment = payments.record_cash_payment(application=application, staff=request.user)
        messages.success(request, _("Fee received. Receipt %(number)s.") % {"number": payment.receipt_number})
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    return redirect("counter:staff_application", application_id=application.pk)


@staff_only
@require_http_methods(["GET", "POST"])
def counter_entry(request: HttpRequest, slug: str) -> HttpResponse:
    """A clerk enters an application for a resident standing at the counter (any procedure)."""
    procedure = catalogue_selectors.procedure_by_slug(slug)
    lookup = ApplicantForm(request.GET or None, auto_id="lookup-%s")
    who = ApplicantForm(request.POST or None, initial={"applicant_email": request.GET.get("applicant_email", "")})
    known: dict = {}
    if request.method == "GET" and lookup.is_bound and lookup.is_valid():
        # Once only at the counter too: what the resident told us before fills the form.
        resident = User.objects.filter(email__iexact=lookup.cleaned_data["applicant_email"], is_active=True).first()
        if resident is None:
            lookup.add_error("applicant_email", _("No active portal account has this email address."))
        else:
            known = selectors.prefill_for(resident, procedure)
            audit(user=request.user, action="counter.prefill_at_counter", obj=resident, detail=procedure.slug)
    form = ProcedureForm(request.POST or None, procedure=procedure, initial_answers=known)
    status = 200
    if request.method == "POST":
        status = 400
        if who.is_valid() and form.is_valid():
            applicant = User.objects.filter(email__iexact=who.cleaned_data["applicant_email"], is_active=True).first()
            if applicant is None:
                who.add_error("applicant_email", _("No active portal account has this email address."))
            else:
                try:
                    application = services.submit_application(procedure=procedure, applicant=applicant,
                                                               answers=form.answers(), entered_by=request.user)
                except ValidationError as error:
                    form.take_errors(error.message_dict)
                else:
                    messages.success(request, _("Entered. Receipt number: %(number)s") % {
                        "number": application.receipt_number})
                    return redirect("counter:staff_application", application_id=application.pk)
    return render(request, "counter/staff/entry.html", {"procedure": procedure, "who": who, "form": form,
                                                        "lookup": lookup},
                  status=status)


urlpatterns = [
    path("staff/queue/", work_queue, name="work_queue"),
    path("staff/steps/<int:step_id>/<str:action>/", step_action, name="step_action"),
    path("staff/applications/<int:application_id>/", staff_application, name="staff_application"),
    path("staff/applications/<int:application_id>/cash/", cash_payment, name="cash_payment"),
    path("staff/procedures/<slug:slug>/enter/", counter_entry, name="counter_entry"),
]
