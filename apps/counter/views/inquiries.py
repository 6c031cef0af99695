"""Inquiry pages: the resident's form and their answers, the staff desk (draft, approve, FAQ), the FAQ."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.counter import ratelimit_floor
from apps.counter.anonymise import mask_contacts
from apps.counter.forms_floor import DraftAnswerForm, FaqForm, FaqSearchForm, InquiryForm, ReturnDraftForm
from apps.counter.models import InquiryStatus
from apps.counter.permissions_floor import is_city_staff, may_approve_inquiry, may_handle_inquiry
from apps.counter.selectors import inquiries as selectors
from apps.counter.services import inquiries as services


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@require_http_methods(["GET", "POST"])
def inquiry_new(request: HttpRequest) -> HttpResponse:
    signed_in = request.user.is_authenticated
    form = InquiryForm(request.POST or None, signed_in=signed_in)
    status = 200
    if request.method == "POST" and not ratelimit_floor.allow(request, "inquiry"):
        form.is_valid()
        form.add_error(None, _("Too many questions from here in the last hour. Please try again later."))
        status = 429
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inquiry = services.ask(department=data["department"], subject=data["subject"], body=data["body"],
                                   asker=request.user if signed_in else None,
                                   asker_email=data.get("asker_email", ""), asker_name=data.get("asker_name", ""))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if signed_in:
                messages.success(request, _("Your question was sent. The answer will come to your inbox."))
                return redirect("counter:inquiry_mine", inquiry.pk)
            messages.success(request, _("Your question was sent. The answer will come by e-mail."))
            return redirect("counter:faq")
    return render(request, "counter/inquiries/new.html", {"form": form}, status=status)


@require_GET
@login_required
def inquiry_list_mine(request: HttpRequest) -> HttpResponse:
    return render(request, "counter/inquiries/mine.html", {"inquiries": selectors.my_inquiries(request.user)[:100]})


@require_GET
@login_required
def inquiry_mine(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "counter/inquiries/mine_detail.html", {"inquiry": selectors.my_inquiry(request.user, pk)})


@require_GET
@login_required
def inquiry_staff_list(request: HttpRequest) -> HttpResponse:
    if not is_city_staff(request.user):
        raise PermissionDenied(_("Only city staff can see the inquiry desk."))
    status = request.GET.get("status", "")
    return render(request, "counter/inquiries/staff_list.html", {
        "inquiries": selectors.staff_inquiries(request.user, status=status)[:200],
        "statuses": InquiryStatus.choices, "status": status})


@require_http_methods(["GET", "POST"])
@login_required
def inquiry_staff(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.staff_inquiry(request.user, pk)
    action = request.POST.get("action", "")
    draft_form = DraftAnswerForm(request.POST if action == "draft" else None,
                                 initial={"draft_answer": inquiry.draft_answer})
    return_form = ReturnDraftForm(request.POST if action == "return" else None)
    faq_form = FaqForm(request.POST if action == "faq" else None, initial={
        "question": mask_contacts(inquiry.body), "answer": mask_contacts(inquiry.answer)})
    if request.method == "POST":
        try:
            if action == "draft" and draft_form.is_valid():
                services.draft_answer(inquiry=inquiry, user=request.user, text=draft_form.cleaned_data["draft_answer"])
                messages.success(request, _("The draft is waiting for approval."))
                return redirect("counter:inquiry_staff", inquiry.pk)
            if action == "approve":
                services.approve_answer(inquiry=inquiry, user=request.user, site_url=settings.SITE_URL)
                messages.success(request, _("Approved: the answer was sent to the asker."))
                return redirect("counter:inquiry_staff", inquiry.pk)
            if action == "return" and return_form.is_valid():
                services.return_draft(inquiry=inquiry, user=request.user, reason=return_form.cleaned_data["reason"])
                messages.success(request, _("The draft went back to the department."))
                return redirect("counter:inquiry_staff", inquiry.pk)
            if action == "faq" and faq_form.is_valid():
                services.publish_to_faq(inquiry=inquiry, user=request.user, question=faq_form.cleaned_data["question"],
                                        answer=faq_form.cleaned_data["answer"])
                messages.success(request, _("Published to the FAQ."))
                return redirect("counter:faq")
        except ValidationError as exc:
            form = {"draft": draft_form, "return": return_form, "faq": faq_form}.get(action)
            if form is None:
                for errors in exc.message_dict.values():
                    for error in errors:
                        messages.error(request, error)
            else:
                _add_errors(form, exc)
    return render(request, "counter/inquiries/staff_detail.html", {
        "inquiry": inquiry, "draft_form": draft_form, "return_form": return_form, "faq_form": faq_form,
        "may_handle": may_handle_inquiry(request.user, inquiry),
        "may_approve": may_approve_inquiry(request.user, inquiry) and inquiry.drafted_by_id != request.user.pk,
        "in_faq": hasattr(inquiry, "faq_entry"),
    })


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    form = FaqSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.faq(query), 20).get_page(request.GET.get("page"))
    return render(request, "counter/inquiries/faq.html", {"form": form, "page": page, "query": query})


urlpatterns = [
    path("inquiries/new/", inquiry_new, name="inquiry_new"),
    path("inquiries/mine/", inquiry_list_mine, name="inquiry_list_mine"),
    path("inquiries/mine/<int:pk>/", inquiry_mine, name="inquiry_mine"),
    path("staff/inquiries/", inquiry_staff_list, name="inquiry_staff_list"),
    path("staff/inquiries/<int:pk>/", inquiry_staff, name="inquiry_staff"),
    path("faq/", faq, name="faq"),
]
