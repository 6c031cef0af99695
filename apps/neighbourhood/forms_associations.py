"""Forms for the directory, joining, member management, posting rules and networks."""

from __future__ import annotations

from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.disastermap.selectors.places import find_place
from apps.neighbourhood.choices import MemberRole, PostCategory, ReactionKind


class ServiceErrorsMixin:
    """Puts a service's ValidationError({field: msg}) on the form's fields (or the top)."""

    field_aliases: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        for field, problems in error.message_dict.items():
            field = self.field_aliases.get(field, field)
            self.add_error(field if field in self.fields else None, problems)


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Association name or district"), max_length=60, required=False)
    place = forms.CharField(label=_("Your address, postal code or place"), max_length=120, required=False,
                            help_text=_("For example 旭町2-3-1 or 〒700-0001."))
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lon" if data.get("lat") is not None else "lat", _("Give both latitude and longitude."))
        data["point"], data["place_label"] = None, ""
        if data.get("lat") is not None and data.get("lon") is not None:
            data["point"] = Point(data["lon"], data["lat"], srid=4326)
        elif data.get("place"):
            found = find_place(data["place"])
            if found is None:
                self.add_error("place", _("We could not find this place. Try a district name or a postal code."))
            else:
                data["point"], data["place_label"] = found
        return data


class JoinForm(ServiceErrorsMixin, forms.Form):
    real_name = forms.CharField(label=_("Full name (real name)"), max_length=80)
    address = forms.CharField(label=_("Address"), max_length=200, help_text=_("Street and number, e.g. 旭町2-3-1."))
    place = forms.CharField(label=_("Find the location by place or postal code"), max_length=120, required=False,
                            help_text=_("Or click your home on the map, or give latitude and longitude."))
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False)

    def clean(self) -> dict:
        data = super().clean()
        data["location"] = None
        if data.get("lat") is not None and data.get("lon") is not None:
            data["location"] = Point(data["lon"], data["lat"], srid=4326)
        elif data.get("lat") is not None or data.get("lon") is not None:
            self.add_error("lon" if data.get("lat") is not None else "lat", _("Give both latitude and longitude."))
        elif data.get("place"):
            found = find_place(data["place"])
            if found is None:
                self.add_error("place", _("We could not find this place. Give latitude and longitude instead."))
            else:
                data["location"] = found[0]
        elif "address" in data:
            # Many addresses start with the district name (“旭町2-3-1”): try the address itself.
            found = find_place(data["address"])
            data["location"] = found[0] if found else None
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        # The service names "location"; on the page it belongs to what the person gave.
        self.field_aliases = {"location": "lat" if self.cleaned_data.get("lat") is not None else "place"}
        super().add_service_errors(error)


class ReasonForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason (the person is told it)"), max_length=200,
                             widget=forms.TextInput())


class RoleForm(ServiceErrorsMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class RulesForm(ServiceErrorsMixin, forms.Form):
    members_may_post = forms.BooleanField(label=_("Members may post (not only officers)"), required=False)
    allowed_categories = forms.MultipleChoiceField(
        label=_("Allowed categories"), choices=PostCategory.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every category is allowed."))
    max_posts_per_week = forms.IntegerField(label=_("Posts per person per 7 days"), min_value=1, max_value=100,
                                            required=False, help_text=_("Empty: no limit."))
    banned_words = forms.CharField(label=_("Banned words, one per line"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000)
    approval_required = forms.BooleanField(label=_("Members' posts need an officer's approval first"),
                                           required=False)


class NetworkPostForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title (optional)"), max_length=120, required=False)
    body = forms.CharField(label=_("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=ReactionKind.choices)


class ReportForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("What is wrong with this post?"), max_length=300)
