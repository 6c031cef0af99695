from django import forms
from django.utils.translation import gettext_lazy as _


class LocationForm(forms.Form):
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90,
                           help_text=_("For example 34.6617"))
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180,
                           help_text=_("For example 133.9350"))
