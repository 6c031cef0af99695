"""Reads of surveys: which a user may see, their results and a CSV export (officers).

Surveys are for members: anyone else gets 404. For anonymous surveys nothing here ever shows a
name, and answers are listed in an order that says nothing about who answered when.
"""

from __future__ import annotations

import csv
import io

from django.db.models import QuerySet
from django.http import Http404

from apps.neighbourhood.choices import QuestionKind
from apps.neighbourhood.models import Association, Membership, Response, Survey
from apps.neighbourhood.permissions import AnyUser, membership_of
from apps.neighbourhood.services.surveys import respondent_key


def visible_surveys(user: AnyUser, association: Association) -> QuerySet[Survey]:
    if membership_of(user, association) is None:
        return Survey.objects.none()
    return Survey.objects.filter(association=association).prefetch_related("questions")


def survey_for(user: AnyUser, association: Association, survey_id: int) -> Survey:
    survey = visible_surveys(user, association).filter(pk=survey_id).first()
    if survey is None:
        raise Http404
    return survey


def has_answered(user: AnyUser, survey: Survey) -> bool:
    if not user.is_authenticated:
        return False
    return Response.objects.filter(survey=survey, respondent_key=respondent_key(survey, user)).exists()


def _responses(survey: Survey) -> list[Response]:
    if survey.anonymous:
        # The keyed hash orders rows pseudo-randomly: neither by time nor by member.
        return list(Response.objects.filter(survey=survey).order_by("respondent_key").only("answers",
                                                                                          "respondent_key"))
    return list(Response.objects.filter(survey=survey).order_by("submitted_at", "pk"))


def _names(survey: Survey) -> dict[int, str]:
    if survey.anonymous:
        return {}
    return dict(Membership.objects.filter(association_id=survey.association_id).values_list("user_id", "real_name"))


def results(survey: Survey) -> dict:
    """Counts and percentages per choice, free-text answers listed; no names for anonymous surveys."""
    responses = _responses(survey)
    names = _names(survey)
    questions = []
    for question in survey.questions.all():
        qid = str(question.pk)
        given = [(r, r.answers[qid]) for r in responses if qid in r.answers]
        item = {"id": question.pk, "text": question.text, "kind": question.kind, "required": question.required,
                "answered": len(given), "choices": [], "texts": []}
        if question.kind == QuestionKind.TEXT:
            texts = [{"text": value, "name": names.get(r.respondent_id, "") if not survey.anonymous else ""}
                     for r, value in given]
            if survey.anonymous:
                texts.sort(key=lambda t: t["text"])  # alphabetical: the order says nothing about who
            item["texts"] = texts
        else:
            counts = [0] * len(question.choices)
            for _r, value in given:
                for index in value if isinstance(value, list) else [value]:
                    if 0 <= index < len(counts):
                        counts[index] += 1
            item["choices"] = [
                {"index": i, "label": label, "count": counts[i],
                 "percent": round(100 * counts[i] / len(given), 1) if given else 0.0}
                for i, label in enumerate(question.choices)]
        questions.append(item)
    return {"responses": len(responses), "anonymous": survey.anonymous, "questions": questions}


def csv_export(survey: Survey) -> str:
    """UTF-8 with a BOM so Excel opens Japanese text correctly; anonymous: no respondent column."""
    questions = list(survey.questions.all())
    names = _names(survey)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    header = [] if survey.anonymous else ["respondent", "answered_at"]
    writer.writerow(header + [_safe_cell(q.text) for q in questions])
    for response in _responses(survey):
        row = [] if survey.anonymous else [names.get(response.respondent_id, ""),
                                           response.submitted_at.isoformat()]
        for question in questions:
            value = response.answers.get(str(question.pk))
            if value is None:
                row.append("")
            elif question.kind == QuestionKind.TEXT:
                row.append(_safe_cell(str(value)))
            else:
                indexes = value if isinstance(value, list) else [value]
                row.append(_safe_cell(" / ".join(question.choices[i] for i in indexes
                                                  if 0 <= i < len(question.choices))))
        writer.writerow(row)
    return out.getvalue()


def _safe_cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
