"""Forms for surveys: setting one up (with a fixed set of question rows) and answering it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.neighbourhood.choices import QuestionKind
from apps.neighbourhood.forms_events import TokyoDateTimeField
from apps.neighbourhood.models import Survey
from apps.neighbourhood.services.surveys import (
    CHOICE_LIMIT,
    DESCRIPTION_LIMIT,
    QUESTION_LIMIT,
    TEXT_ANSWER_LIMIT,
    TITLE_LIMIT,
)

QUESTION_ROWS = 8


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_LIMIT)
    description = forms.CharField(label=_("Description"), required=False, max_length=DESCRIPTION_LIMIT,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    anonymous = forms.BooleanField(label=_("Anonymous (officers see answers, never who gave them)"),
                                   required=False)
    opens_at = TokyoDateTimeField(label=_("Opens (Japan time)"))
    closes_at = TokyoDateTimeField(label=_("Closes (Japan time)"))


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=QUESTION_LIMIT, required=False)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=QuestionKind.choices, initial=QuestionKind.SINGLE)
    choices = forms.CharField(label=_("Choices, one per line (2 to 20)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Leave empty for free text."))
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)

    def as_question(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("text"):
            return None  # an unused row
        lines = [line.strip()[:CHOICE_LIMIT + 1] for line in data.get("choices", "").splitlines()]
        return {"text": data["text"], "kind": data["kind"], "choices": [line for line in lines if line],
                "required": data.get("required", False)}


QuestionFormSet = forms.formset_factory(QuestionForm, extra=QUESTION_ROWS, max_num=QUESTION_ROWS)


def question_errors_to_formset(formset, error_dict: dict[str, list[str]], used_rows: list[int]) -> dict:
    """Put service errors named `questions.<n>.<field>` on the formset row they belong to."""
    rest = {}
    for key, messages in error_dict.items():
        parts = key.split(".")
        if parts[0] == "questions" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(used_rows):
            formset.forms[used_rows[int(parts[1])]].add_error(parts[2], messages)
        else:
            rest[key] = messages
    return rest


def field_name(question_id: int) -> str:
    return f"q_{question_id}"


class AnswerForm(forms.Form):
    """One field per question; the service validates again and names errors `answers.<id>`."""

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        for question in survey.questions.all():
            choices = [(str(i), label) for i, label in enumerate(question.choices)]
            if question.kind == QuestionKind.SINGLE:
                field = forms.TypedChoiceField(choices=choices, coerce=int, widget=forms.RadioSelect)
            elif question.kind == QuestionKind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(choices=choices, coerce=int,
                                                       widget=forms.CheckboxSelectMultiple)
            else:
                field = forms.CharField(max_length=TEXT_ANSWER_LIMIT, widget=forms.Textarea(attrs={"rows": 3}))
            field.label = question.text
            field.required = question.required
            self.fields[field_name(question.pk)] = field

    def answers(self) -> dict[str, object]:
        result: dict[str, object] = {}
        for question in self.survey.questions.all():
            value = self.cleaned_data.get(field_name(question.pk))
            if value not in (None, "", []):
                result[str(question.pk)] = value
        return result
