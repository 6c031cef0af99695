"""Forms of safety checks and of registering as someone who needs help (要援護者)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.geo.models import District
from apps.neighbourhood.choices import SafetyStatus
from apps.neighbourhood.models import Association, Membership
from apps.neighbourhood.services.safety import NEEDS_LIMIT, NOTE_LIMIT, TITLE_LIMIT


class StartCheckForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_LIMIT,
                            help_text=_("For example: Earthquake of 3 May, safety check"))
    note = forms.CharField(label=_("Message to everyone (optional)"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    association = forms.ModelChoiceField(label=_("Association"), queryset=Association.objects.none(),
                                         required=False, empty_label=_("— none —"))
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts (city staff)"), queryset=District.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Asks the members of the associations covering them and the residents living there."))

    def __init__(self, *args, associations, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = associations
        if staff:
            self.fields["districts"].queryset = District.objects.order_by("code")
        else:
            del self.fields["districts"]


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Your answer"), choices=SafetyStatus.choices)
    note = forms.CharField(label=_("Note (optional): where you are, what you need"), required=False,
                           max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 2}))


class NeedsHelpForm(forms.Form):
    needs = forms.CharField(label=_("What help would you need in a disaster?"), max_length=NEEDS_LIMIT,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("For example: I use a wheelchair; I cannot hear announcements."))
    consent = forms.BooleanField(
        label=_("I agree that my designated supporters and the officers of the association may see this "
                "and my safety-check answers."),
        required=True, error_messages={"required": _("Tick the box to agree, or you cannot be registered.")})


class SupportersForm(forms.Form):
    supporters = forms.ModelMultipleChoiceField(label=_("Designated supporters"), queryset=Membership.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supporters"].queryset = candidates
        self.fields["supporters"].label_from_instance = lambda m: m.real_name
