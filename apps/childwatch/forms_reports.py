"""The suspicious-person report form: shapes here, rules in services/reports.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.childwatch.choices import SAFETY_CATEGORIES, AlertCategory
from apps.childwatch.services import reports as services
from apps.geo.models import SchoolDistrict
from apps.notifications.sender_forms import TokyoDateTimeField

SAFETY_CHOICES = [(value, label) for value, label in AlertCategory.choices if value in SAFETY_CATEGORIES]


class SuspiciousPersonReportForm(forms.Form):
    school = forms.ModelChoiceField(label=_("Reported through school"), queryset=None, empty_label=None)
    category = forms.ChoiceField(label=_("Category"), choices=SAFETY_CHOICES,
                                 initial=AlertCategory.CHILD_SUSPICIOUS)
    occurred_at = TokyoDateTimeField(label=_("When it happened (Japan time)"))
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, help_text=_("For example 34.6450"))
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180,
                           help_text=_("For example 133.9200. With JavaScript you can also click the map."))
    place_description = forms.CharField(label=_("Place"), max_length=services.PLACE_LIMIT,
                                        help_text=_("E.g. 桜川公園の北側の歩道"))
    description = forms.CharField(
        label=_("What happened"), max_length=services.TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the public safety map too: no names of victims or witnesses."),
    )
    suspect_description = forms.CharField(
        label=_("Description of the person"), required=False, max_length=services.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to guardians only, not shown on the map. E.g. 30代くらいの男性、黒い上着"),
    )
    school_districts = forms.ModelMultipleChoiceField(
        label=_("School districts to tell"), required=False, queryset=SchoolDistrict.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Guardians of the schools in these districts get the message. None chosen: the school's own."),
    )

    def __init__(self, *args, schools, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        first = schools.first()
        if first is not None and first.school_district_id and not self.is_bound:
            self.initial.setdefault("school_districts", [first.school_district_id])
