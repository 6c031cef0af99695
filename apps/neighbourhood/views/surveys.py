"""Survey pages: list, set-up (officers), answer form, results and CSV (officers).

Surveys are for members: outsiders get 404; plain members get 403 on results.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.neighbourhood.forms_surveys import (
    AnswerForm,
    QuestionFormSet,
    SurveyForm,
    field_name,
    question_errors_to_formset,
)
from apps.neighbourhood.permissions import is_officer, membership_of
from apps.neighbourhood.selectors import surveys as selectors
from apps.neighbourhood.selectors.events import association_by_slug
from apps.neighbourhood.services import surveys as services


def _member_association(request: HttpRequest, slug: str):
    association = association_by_slug(slug)
    if membership_of(request.user, association) is None:
        raise Http404
    return association


@login_required
@require_GET
def survey_list(request: HttpRequest, slug: str) -> HttpResponse:
    association = _member_association(request, slug)
    now = timezone.now()
    return render(request, "neighbourhood/surveys/list.html", {
        "association": association, "surveys": selectors.visible_surveys(request.user, association),
        "is_officer": is_officer(request.user, association), "now": now,
    })


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest, slug: str) -> HttpResponse:
    association = _member_association(request, slug)
    if not is_officer(request.user, association):
        raise PermissionDenied
    form = SurveyForm(request.POST or None)
    formset = QuestionFormSet(request.POST or None, prefix="questions")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        used = [(i, q) for i, f in enumerate(formset.forms) if (q := f.as_question())]
        try:
            survey = services.create_survey(author=request.user, association=association,
                                            questions=[q for _i, q in used], **form.cleaned_data)
        except ValidationError as error:
            rest = question_errors_to_formset(formset, error.message_dict, [i for i, _q in used])
            for field, problems in rest.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The survey was created and members will be notified when it opens."))
            return redirect("neighbourhood:survey_detail", slug=slug, survey_id=survey.pk)
    return render(request, "neighbourhood/surveys/form.html", {"association": association, "form": form,
                                                               "formset": formset})


@login_required
@require_http_methods(["GET", "POST"])
def survey_detail(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    association = _member_association(request, slug)
    survey = selectors.survey_for(request.user, association, survey_id)
    answered = selectors.has_answered(request.user, survey)
    form = AnswerForm(request.POST or None, survey=survey)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.submit_response(user=request.user, survey=survey, answers=form.answers())
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for key, problems in error.message_dict.items():
                        name = field_name(int(key.split(".")[1])) if key.startswith("answers.") else None
                        form.add_error(name if name in form.fields else None, problems)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(request, _("Thank you. Your answers were recorded."))
                return redirect("neighbourhood:survey_detail", slug=slug, survey_id=survey.pk)
    return render(request, "neighbourhood/surveys/detail.html", {
        "association": association, "survey": survey, "form": form, "answered": answered,
        "open": services.is_open(survey), "is_officer": is_officer(request.user, association),
    }, status=status)


def _officer_survey(request: HttpRequest, slug: str, survey_id: int):
    association = _member_association(request, slug)
    survey = selectors.survey_for(request.user, association, survey_id)
    if not is_officer(request.user, association):
        raise PermissionDenied
    return association, survey


@login_required
@require_GET
def survey_results(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    association, survey = _officer_survey(request, slug, survey_id)
    return render(request, "neighbourhood/surveys/results.html", {
        "association": association, "survey": survey, "results": selectors.results(survey),
        "open": services.is_open(survey),
    })


@login_required
@require_GET
def survey_csv(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    _association, survey = _officer_survey(request, slug, survey_id)
    response = HttpResponse(selectors.csv_export(survey).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def survey_close(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    _association, survey = _officer_survey(request, slug, survey_id)
    services.close_survey(user=request.user, survey=survey)
    messages.success(request, _("The survey was closed."))
    return redirect("neighbourhood:survey_results", slug=slug, survey_id=survey.pk)


urlpatterns = [
    path("<slug:slug>/surveys/", survey_list, name="survey_list"),
    path("<slug:slug>/surveys/new/", survey_create, name="survey_create"),
    path("<slug:slug>/surveys/<int:survey_id>/", survey_detail, name="survey_detail"),
    path("<slug:slug>/surveys/<int:survey_id>/results/", survey_results, name="survey_results"),
    path("<slug:slug>/surveys/<int:survey_id>/results.csv", survey_csv, name="survey_csv"),
    path("<slug:slug>/surveys/<int:survey_id>/close/", survey_close, name="survey_close"),
]
