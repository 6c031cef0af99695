"""Forms of the public map pages: where (point or typed place), how far, what."""

from __future__ import annotations

from django import forms
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _

from apps.disastermap.choices import Hazard, ShelterStatus
from apps.disastermap.models import Facility, Genre
from apps.disastermap.selectors.places import find_place

RADIUS_CHOICES = [(500, _("500 m")), (1000, _("1 km")), (2000, _("2 km")), (5000, _("5 km"))]


class WhereForm(forms.Form):
    """A place typed as text, or a latitude and longitude (a map click or the browser's location)."""

    q = forms.CharField(
        label=_("Place, address or postal code"), required=False, max_length=120,
        help_text=_("For example 旭町, 旭町2-3-1 or 700-0001. Or use your current location."),
    )
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)

    def clean(self):
        data = super().clean()
        lat, lon, text = data.get("lat"), data.get("lon"), (data.get("q") or "").strip()
        if self.errors:
            return data
        if lat is not None and lon is not None:
            data["point"] = Point(lon, lat, srid=4326)
            data["place_label"] = _("the chosen point")
        elif (lat is None) != (lon is None):
            self.add_error("lat" if lat is None else "lon", _("Give both latitude and longitude."))
        elif text:
            found = find_place(text)
            if found is None:
                self.add_error("q", _("We could not find “%(text)s”. Try a district name or a postal code.")
                               % {"text": text})
            else:
                data["point"], data["place_label"] = found
        else:
            self.add_error("q", _("Type a place or postal code, or use your current location."))
        return data


class NearbyForm(WhereForm):
    radius = forms.TypedChoiceField(label=_("Within"), choices=RADIUS_CHOICES, coerce=int, initial=1000,
                                    required=False, empty_value=1000)
    genre = forms.ModelMultipleChoiceField(
        label=_("What are you looking for?"), queryset=Genre.objects.all(), to_field_name="code",
        widget=forms.CheckboxSelectMultiple, required=False, help_text=_("Choose none to see everything."),
    )
    access = forms.MultipleChoiceField(
        label=_("Accessibility"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(name, Facility._meta.get_field(name).verbose_name) for name in Facility.ACCESSIBILITY_FIELDS],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Genre names follow the page language.
        self.fields["genre"].label_from_instance = lambda genre: genre.label


class ShelterFilterForm(forms.Form):
    hazard = forms.ChoiceField(label=_("Suitable for"), required=False,
                               choices=[("", _("Any hazard")), *Hazard.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *ShelterStatus.choices])
    q = forms.CharField(label=_("Near (place, address or postal code)"), required=False, max_length=120)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        lat, lon, text = data.get("lat"), data.get("lon"), (data.get("q") or "").strip()
        data["point"] = None
        if lat is not None and lon is not None:
            data["point"] = Point(lon, lat, srid=4326)
        elif (lat is None) != (lon is None):
            self.add_error("lat" if lat is None else "lon", _("Give both latitude and longitude."))
        elif text:
            found = find_place(text)
            if found is None:
                self.add_error("q", _("We could not find “%(text)s”. Try a district name or a postal code.")
                               % {"text": text})
            else:
                data["point"] = found[0]
        return data


class ShelterStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ShelterStatus.choices, widget=forms.RadioSelect)
    headcount = forms.IntegerField(label=_("People sheltering now"), min_value=0, max_value=100_000, required=False,
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)
