"""Forms for association events and RSVP answers. Times are entered in Japan time (Asia/Tokyo)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.neighbourhood.choices import RSVPAnswer, Visibility
from apps.neighbourhood.models import Event
from apps.neighbourhood.services.events import MAX_CAPACITY, MAX_GUESTS, PLACE_LIMIT, TITLE_LIMIT

TOKYO = ZoneInfo("Asia/Tokyo")
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class TokyoDateTimeField(forms.DateTimeField):
    """A date and time as Japan time, whatever zone the request is in; stored as UTC."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None:
            result = result.replace(tzinfo=TOKYO) if timezone.is_naive(result) else result.astimezone(TOKYO)
        return result

    def prepare_value(self, value):
        if isinstance(value, dt.datetime):
            return value.astimezone(TOKYO).strftime(LOCAL_INPUT)
        return value


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_LIMIT)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("Plain text; simple formatting (bold, lists, links) is kept."))
    starts_at = TokyoDateTimeField(label=_("Starts (Japan time)"))
    ends_at = TokyoDateTimeField(label=_("Ends (Japan time)"))
    place = forms.CharField(label=_("Place"), max_length=PLACE_LIMIT, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                                help_text=_("Optional. Click the map to fill in, or type it."))
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    capacity = forms.IntegerField(label=_("Capacity (people, guests included)"), required=False, min_value=1,
                                  max_value=MAX_CAPACITY, help_text=_("Leave empty for no limit."))
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Visibility.choices,
                                   initial=Visibility.MEMBERS, widget=forms.RadioSelect)

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) and not self.has_error("lat") and not self.has_error("lon"):
            self.add_error("lon" if lon is None else "lat",
                           _("Give both latitude and longitude, or neither."))
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        lat, lon = data.get("lat"), data.get("lon")
        return {
            "title": data["title"], "description": data["description"], "starts_at": data["starts_at"],
            "ends_at": data["ends_at"], "place": data["place"], "capacity": data["capacity"],
            "visibility": data["visibility"],
            "location": Point(lon, lat, srid=4326) if lat is not None and lon is not None else None,
        }

    @classmethod
    def initial_for(cls, event: Event) -> dict:
        return {
            "title": event.title, "description": event.description, "starts_at": event.starts_at,
            "ends_at": event.ends_at, "place": event.place, "capacity": event.capacity,
            "visibility": event.visibility,
            "lat": event.location.y if event.location else None,
            "lon": event.location.x if event.location else None,
        }


class RSVPForm(forms.Form):
    answer = forms.ChoiceField(label=_("Your answer"), choices=RSVPAnswer.choices, widget=forms.RadioSelect)
    guests = forms.IntegerField(label=_("People coming with you"), min_value=0, max_value=MAX_GUESTS, initial=0,
                                required=False)

    def clean_guests(self) -> int:
        return self.cleaned_data.get("guests") or 0
