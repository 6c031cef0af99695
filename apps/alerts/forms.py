"""The composer form: every CAP field staff set, and the area chosen four ways without JavaScript."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.alerts.choices import CapCertainty, CapSeverity, CapStatus, CapUrgency, EvacuationLevel
from apps.alerts.models import EventType
from apps.alerts.services.areas import AreaChoice
from apps.alerts.services.compose import AlertContent
from apps.disastermap.models import HazardZone, Shelter
from apps.geo.models import District

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AlertForm(forms.Form):
    event_type = forms.ChoiceField(label=_("Event"))
    cap_status = forms.ChoiceField(
        label=_("Kind of message"), choices=CapStatus.choices, initial=CapStatus.ACTUAL, widget=forms.RadioSelect,
        help_text=_("Exercises and tests reach only residents who agreed to receive them."))
    evacuation_level = forms.TypedChoiceField(
        label=_("Evacuation level (警戒レベル)"), required=False, coerce=int, empty_value=None,
        choices=[("", _("None")), *EvacuationLevel.choices])
    urgency = forms.ChoiceField(label=_("Urgency"), choices=CapUrgency.choices, initial=CapUrgency.IMMEDIATE)
    severity = forms.ChoiceField(label=_("Severity"), choices=CapSeverity.choices, initial=CapSeverity.SEVERE)
    certainty = forms.ChoiceField(label=_("Certainty"), choices=CapCertainty.choices, initial=CapCertainty.LIKELY)
    headline = forms.CharField(label=_("Headline (Japanese)"), max_length=120)
    description = forms.CharField(label=_("What is happening (Japanese)"), max_length=3000, widget=forms.Textarea)
    instruction = forms.CharField(label=_("What to do (Japanese)"), max_length=1500, required=False,
                                  widget=forms.Textarea)
    headline_en = forms.CharField(label=_("Headline (English)"), max_length=120, required=False)
    description_en = forms.CharField(label=_("What is happening (English)"), max_length=3000, required=False,
                                     widget=forms.Textarea)
    instruction_en = forms.CharField(label=_("What to do (English)"), max_length=1500, required=False,
                                     widget=forms.Textarea)
    headline_easy = forms.CharField(label=_("Headline (easy Japanese, やさしい日本語)"), max_length=120,
                                    required=False)
    text_easy = forms.CharField(label=_("Text (easy Japanese, やさしい日本語)"), max_length=1500, required=False,
                                widget=forms.Textarea)
    effective = forms.DateTimeField(label=_("Effective from (optional)"), required=False, widget=LOCAL)
    expires = forms.DateTimeField(label=_("Expires (optional)"), required=False, widget=LOCAL)
    districts = forms.MultipleChoiceField(label=_("Districts"), required=False, widget=forms.CheckboxSelectMultiple)
    hazard_zone = forms.TypedChoiceField(label=_("Hazard zone"), required=False, coerce=int, empty_value=None)
    polygon = forms.CharField(
        label=_("Drawn area (GeoJSON)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Filled in by drawing on the map; or paste a GeoJSON Polygon."))
    circle_lat = forms.FloatField(label=_("Circle centre latitude"), required=False)
    circle_lon = forms.FloatField(label=_("Circle centre longitude"), required=False)
    circle_radius = forms.FloatField(label=_("Circle radius (metres)"), required=False)
    area_desc = forms.CharField(label=_("Area description (optional)"), max_length=300, required=False,
                                help_text=_("Left empty, the names of the chosen districts or zone are used."))
    shelters = forms.MultipleChoiceField(label=_("Linked shelters"), required=False,
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_type"].choices = [(e.code, e.label) for e in EventType.objects.all()]
        self.fields["districts"].choices = [(str(d.id), d.name) for d in District.objects.order_by("code")]
        self.fields["hazard_zone"].choices = [("", _("None")), *(
            (z.id, z.name or str(z)) for z in HazardZone.objects.order_by("hazard", "-level", "id")[:200])]
        self.fields["shelters"].choices = [
            (str(s.id), f"{s.name} ({s.get_status_display()})") for s in Shelter.objects.filter(is_public=True)
            .order_by("name")]

    def clean(self) -> dict:
        data = super().clean()
        circle = [data.get("circle_lat"), data.get("circle_lon"), data.get("circle_radius")]
        if any(v is not None for v in circle) and not all(v is not None for v in circle):
            self.add_error("circle_radius", _("Give the latitude, the longitude and the radius of the circle."))
        return data

    def content(self) -> AlertContent:
        data = self.cleaned_data
        circle = None
        if all(data.get(k) is not None for k in ("circle_lat", "circle_lon", "circle_radius")):
            circle = (data["circle_lat"], data["circle_lon"], data["circle_radius"])
        return AlertContent(
            event_type=data["event_type"], cap_status=data["cap_status"], urgency=data["urgency"],
            severity=data["severity"], certainty=data["certainty"], headline=data["headline"],
            description=data["description"], instruction=data["instruction"], headline_en=data["headline_en"],
            description_en=data["description_en"], instruction_en=data["instruction_en"],
            headline_easy=data["headline_easy"], text_easy=data["text_easy"],
            evacuation_level=data["evacuation_level"], effective=data["effective"], expires=data["expires"],
            area_desc=data["area_desc"],
            area=AreaChoice(district_ids=[int(i) for i in data["districts"]], hazard_zone_id=data["hazard_zone"],
                            polygon=data["polygon"] or None, circle=circle),
            shelter_ids=[int(i) for i in data["shelters"]],
        )

    @classmethod
    def initial_from(cls, content: AlertContent) -> dict:
        initial = {k: getattr(content, k) for k in (
            "event_type", "cap_status", "urgency", "severity", "certainty", "headline", "description",
            "instruction", "headline_en", "description_en", "instruction_en", "headline_easy", "text_easy",
            "evacuation_level", "effective", "expires", "area_desc")}
        initial["districts"] = [str(i) for i in content.area.district_ids]
        initial["hazard_zone"] = content.area.hazard_zone_id
        initial["polygon"] = content.area.polygon or ""
        if content.area.circle:
            initial["circle_lat"], initial["circle_lon"], initial["circle_radius"] = content.area.circle
        initial["shelters"] = [str(i) for i in content.shelter_ids]
        return initial


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Message (Japanese, optional)"), max_length=3000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    note_en = forms.CharField(label=_("Message (English, optional)"), max_length=3000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    note_easy = forms.CharField(label=_("Message (easy Japanese, optional)"), max_length=1500, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))


class TesterForm(forms.Form):
    receive_exercises = forms.BooleanField(label=_("Send me alert exercises and tests"), required=False)
