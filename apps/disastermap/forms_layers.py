"""Forms of the layers pages: the incident form staff fill in and the public list's filters."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.disastermap.choices import IncidentKind
from apps.disastermap.models import Incident
from apps.disastermap.selectors.layers import DEFAULT_DAYS, MAX_DAYS
from apps.notifications.sender_forms import TokyoDateTimeField


class IncidentForm(forms.Form):
    """Checks shapes here; the service checks the rules (place near the city, time not future)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120,
                            help_text=_("Short and factual, e.g. “Bicycle theft at the station”. No names."))
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the public. Do not write names, ages or anything that identifies a person."),
    )
    occurred_at = TokyoDateTimeField(label=_("When it happened (Japan time)"))
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, help_text=_("For example 34.6450"))
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180,
                           help_text=_("For example 133.9200. With JavaScript you can also click the map."))
    is_public = forms.BooleanField(
        label=_("Show to the public"), required=False, initial=True,
        help_text=_("The public sees the place rounded to about 100 m and never who entered it."),
    )

    @classmethod
    def for_incident(cls, incident: Incident) -> IncidentForm:
        return cls(initial={
            "kind": incident.kind, "title": incident.title, "description": incident.description,
            "occurred_at": timezone.localtime(incident.occurred_at), "lat": round(incident.location.y, 6),
            "lon": round(incident.location.x, 6), "is_public": incident.is_public,
        })


class IncidentFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *IncidentKind.choices])
    days = forms.IntegerField(label=_("Days back"), required=False, min_value=1, max_value=MAX_DAYS,
                              initial=DEFAULT_DAYS)

    def filters(self) -> dict:
        """Validated filters, or the defaults when the query string is bad."""
        if self.is_bound and self.is_valid():
            return {"kind": self.cleaned_data["kind"] or None, "days": self.cleaned_data["days"] or DEFAULT_DAYS}
        return {"kind": None, "days": DEFAULT_DAYS}
