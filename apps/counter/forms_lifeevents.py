"""The navigator's questions: one yes/no per condition the chosen life event asks about."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.counter.choices_procedures import LifeEventCondition


class QuestionsForm(forms.Form):
    def __init__(self, *args, conditions: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for condition in conditions:
            self.fields[condition] = forms.ChoiceField(
                label=LifeEventCondition(condition).label, choices=[("yes", _("Yes")), ("no", _("No"))],
                widget=forms.RadioSelect)

    def answers(self) -> dict[str, bool]:
        return {key: value == "yes" for key, value in self.cleaned_data.items()}
