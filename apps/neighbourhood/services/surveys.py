"""Writes for surveys and polls: creating a survey with its questions, and answering once.

Anonymous surveys store no respondent: a keyed hash (HMAC with SECRET_KEY) of survey and member
stops a second answer without telling anyone who answered what, and the answer time is kept
only to the day so it cannot be matched against other records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.neighbourhood.choices import QuestionKind
from apps.neighbourhood.models import Association, Question, Response, Survey
from apps.neighbourhood.permissions import is_officer, membership_of
from apps.neighbourhood.services.events import organisation_for
from apps.notifications.choices import Category
from apps.notifications.services import ALLOWED_TAGS, publish

TITLE_LIMIT = 120
DESCRIPTION_LIMIT = 3000
QUESTION_LIMIT = 300
CHOICE_LIMIT = 200
TEXT_ANSWER_LIMIT = 2000
MIN_CHOICES, MAX_CHOICES = 2, 20
MAX_QUESTIONS = 50


def respondent_key(survey: Survey | int, user: User) -> str:
    survey_id = survey if isinstance(survey, int) else survey.pk
    message = f"neighbourhood.survey:{survey_id}:{user.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def is_open(survey: Survey, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return survey.opens_at <= now < survey.closes_at


def _clean_questions(questions: object, errors: dict) -> list[dict]:
    if not isinstance(questions, list) or not questions:
        errors["questions"] = _("Add at least one question.")
        return []
    if len(questions) > MAX_QUESTIONS:
        errors["questions"] = _("Use at most %(n)d questions.") % {"n": MAX_QUESTIONS}
        return []
    cleaned = []
    for index, raw in enumerate(questions):
        prefix = f"questions.{index}"
        raw = raw if isinstance(raw, dict) else {}
        text = str(raw.get("text") or "").strip()
        kind = raw.get("kind")
        choices = raw.get("choices") or []
        if not text:
            errors[f"{prefix}.text"] = _("Write the question.")
        elif len(text) > QUESTION_LIMIT:
            errors[f"{prefix}.text"] = _("Use at most %(n)d characters.") % {"n": QUESTION_LIMIT}
        if kind not in QuestionKind.values:
            errors[f"{prefix}.kind"] = _("Choose one choice, several choices or free text.")
        if kind == QuestionKind.TEXT:
            choices = []
        elif kind in QuestionKind.values:
            choices = [str(c).strip() for c in choices if str(c).strip()] if isinstance(choices, list) else []
            if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
                errors[f"{prefix}.choices"] = _("Give between %(min)d and %(max)d choices.") % {
                    "min": MIN_CHOICES, "max": MAX_CHOICES}
            elif len(set(choices)) != len(choices):
                errors[f"{prefix}.choices"] = _("Each choice must be different.")
            elif any(len(c) > CHOICE_LIMIT for c in choices):
                errors[f"{prefix}.choices"] = _("Use at most %(n)d characters per choice.") % {"n": CHOICE_LIMIT}
        cleaned.append({"order": index, "text": text, "kind": kind, "choices": choices,
                        "required": bool(raw.get("required", True))})
    return cleaned


@transaction.atomic
def create_survey(*, author: User, association: Association, title: str, description: str = "",
                  anonymous: bool = False, opens_at: dt.datetime, closes_at: dt.datetime,
                  questions: list[dict]) -> Survey:
    """An officer sets up a survey; members are told when it opens (through notifications)."""
    if not is_officer(author, association):
        raise PermissionDenied(_("Only the association's officers can run surveys."))
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the survey a title.")
    elif len(title) > TITLE_LIMIT:
        errors["title"] = _("Use at most %(n)d characters.") % {"n": TITLE_LIMIT}
    if len(description or "") > DESCRIPTION_LIMIT:
        errors["description"] = _("Use at most %(n)d characters.") % {"n": DESCRIPTION_LIMIT}
    for field, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        if not isinstance(value, dt.datetime) or timezone.is_naive(value):
            errors[field] = _("Give a date and time with its time zone.")
    if "opens_at" not in errors and "closes_at" not in errors:
        if closes_at <= opens_at:
            errors["closes_at"] = _("The survey must close after it opens.")
        elif closes_at <= timezone.now():
            errors["closes_at"] = _("The closing time is in the past.")
    cleaned = _clean_questions(questions, errors)
    if errors:
        raise ValidationError(errors)
    survey = Survey.objects.create(
        association=association, author=author, title=title, anonymous=bool(anonymous),
        description=nh3.clean((description or "").strip(), tags=ALLOWED_TAGS), opens_at=opens_at,
        closes_at=closes_at)
    Question.objects.bulk_create(Question(survey=survey, **q) for q in cleaned)
    link = settings.SITE_URL.rstrip("/") + reverse("neighbourhood:survey_detail", args=[association.slug, survey.pk])
    message = publish(
        sender=author, title=title, body=_("A new survey from %(name)s. Please answer by %(when)s.") % {
            "name": association.name, "when": timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M")},
        category=Category.COMMUNITY,
        audience={"segments": [{"kind": "association_members", "association": association.pk}]},
        organisation=organisation_for(association), link_url=link,
        scheduled_at=opens_at if opens_at > timezone.now() else None, expires_at=closes_at,
    )
    survey.message_id = message.pk
    survey.save(update_fields=["message_id"])
    return survey


def _clean_answers(survey: Survey, answers: object) -> dict[str, object]:
    """Check every answer against its question; errors are named `answers.<question id>`."""
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("Give the answers as question id -> answer.")})
    questions = {str(q.pk): q for q in survey.questions.all()}
    errors: dict[str, str] = {}
    unknown = sorted(set(map(str, answers)) - set(questions))
    if unknown:
        errors["answers"] = _("Unknown questions: %(ids)s.") % {"ids": ", ".join(unknown)}
    given = {str(k): v for k, v in answers.items()}
    cleaned: dict[str, object] = {}
    for qid, question in questions.items():
        field = f"answers.{qid}"
        value = given.get(qid)
        if question.kind == QuestionKind.TEXT:
            text = nh3.clean(str(value or "").strip(), tags=set())
            if len(text) > TEXT_ANSWER_LIMIT:
                errors[field] = _("Use at most %(n)d characters.") % {"n": TEXT_ANSWER_LIMIT}
            elif text:
                cleaned[qid] = text
        elif question.kind == QuestionKind.SINGLE:
            if value in (None, ""):
                pass
            elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(question.choices):
                errors[field] = _("Choose one of the choices.")
            else:
                cleaned[qid] = value
        else:
            values = value if isinstance(value, list) else ([] if value in (None, "") else None)
            if values is None or any(isinstance(v, bool) or not isinstance(v, int)
                                     or not 0 <= v < len(question.choices) for v in values):
                errors[field] = _("Choose from the choices.")
            elif len(set(values)) != len(values):
                errors[field] = _("Choose each choice at most once.")
            elif values:
                cleaned[qid] = sorted(values)
        if question.required and qid not in cleaned and field not in errors:
            errors[field] = _("This question needs an answer.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def submit_response(*, user: User, survey: Survey, answers: dict) -> Response:
    """A member answers once; a second answer is refused (it does not replace the first).

    Answers are choice indexes (one for a single choice, a list for several) or text.
    """
    if membership_of(user, survey.association_id) is None:
        raise PermissionDenied(_("Only members of the association can answer."))
    now = timezone.now()
    if now < survey.opens_at:
        raise ValidationError(_("This survey has not opened yet."))
    if now >= survey.closes_at:
        raise ValidationError(_("This survey has closed."))
    key = respondent_key(survey, user)
    if Response.objects.filter(survey=survey, respondent_key=key).exists():
        raise ValidationError(_("You have already answered this survey."))
    cleaned = _clean_answers(survey, answers)
    try:
        with transaction.atomic():
            response = Response.objects.create(survey=survey, respondent=None if survey.anonymous else user,
                                               respondent_key=key, answers=cleaned)
    except IntegrityError:  # two tabs submitting at once
        raise ValidationError(_("You have already answered this survey.")) from None
    if survey.anonymous:
        # Keep only the day, so the time of answering cannot be matched with anything else.
        day = timezone.localtime(response.submitted_at).replace(hour=0, minute=0, second=0, microsecond=0)
        Response.objects.filter(pk=response.pk).update(submitted_at=day)
        response.submitted_at = day
    return response


def close_survey(*, user: User, survey: Survey) -> Survey:
    """An officer closes a survey early."""
    if not is_officer(user, survey.association_id):
        raise PermissionDenied(_("Only the association's officers can close surveys."))
    now = timezone.now()
    if survey.closes_at > now:
        survey.closes_at = max(now, survey.opens_at)
        survey.save(update_fields=["closes_at"])
    return survey
