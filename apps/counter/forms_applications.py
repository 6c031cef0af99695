"""Forms of the procedures half: a procedure's own form built from its field definitions.

The form only collects text; `services.catalogue.clean_answers` is the one place that checks
answers, and its errors are put back on the fields here.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.counter.choices_procedures import FieldKind
from apps.counter.models import Procedure, ProcedureField


def field_label(field: ProcedureField) -> str:
    return field.label_en if get_language() == "en" and field.label_en else field.label


def _form_field(field: ProcedureField) -> forms.Field:
    common = {"label": field_label(field), "required": False, "help_text": field.help_text}
    attrs: dict[str, str] = {"autocomplete": "off"}
    if field.required:
        attrs["required"] = "required"
        attrs["aria-required"] = "true"
    kind = field.kind
    if kind == FieldKind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={**attrs, "rows": 4}), **common)
    if kind == FieldKind.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={**attrs, "inputmode": "numeric"}), **common)
    if kind == FieldKind.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={**attrs, "type": "date"}), **common)
    if kind == FieldKind.CHOICE:
        return forms.ChoiceField(choices=[("", "---")] + [(c, c) for c in field.choices],
                                 widget=forms.Select(attrs=attrs), **common)
    if kind == FieldKind.YES_NO:
        return forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common)
    if kind == FieldKind.POSTAL_CODE:
        return forms.CharField(widget=forms.TextInput(attrs={**attrs, "inputmode": "numeric",
                                                             "autocomplete": "postal-code"}), **common)
    if kind == FieldKind.PHONE:
        return forms.CharField(widget=forms.TextInput(attrs={**attrs, "type": "tel", "autocomplete": "tel"}), **common)
    if kind == FieldKind.EMAIL:
        return forms.CharField(widget=forms.EmailInput(attrs=attrs), **common)
    if field.max_length:
        attrs["maxlength"] = str(field.max_length)
    return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)


class ProcedureForm(forms.Form):
    def __init__(self, *args, procedure: Procedure, initial_answers: dict | None = None, **kwargs) -> None:
        initial = {}
        for key, value in (initial_answers or {}).items():
            initial[key] = ("yes" if value else "no") if isinstance(value, bool) else value
        super().__init__(*args, initial=initial, **kwargs)
        self.procedure = procedure
        self.definitions = list(procedure.fields.all())
        for field in self.definitions:
            self.fields[field.key] = _form_field(field)

    def answers(self) -> dict:
        """What the person typed, by field key; empty fields are left out (checked as missing)."""
        return {key: value for key, value in self.cleaned_data.items() if value not in ("", None)}

    def take_errors(self, message_dict: dict[str, list[str]]) -> None:
        for key, problems in message_dict.items():
            name = key.removeprefix("answers.")
            self.add_error(name if name in self.fields else None, problems)


class ApplicantForm(forms.Form):
    """At the counter: whom the clerk is entering the application for."""

    applicant_email = forms.EmailField(label=_("Resident's email address (their portal account)"))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("What must the applicant correct?"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Add a document (PDF, PNG or JPEG, up to 10 MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}))
