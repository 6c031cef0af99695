from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Language
from apps.geo.models import District


class SignupProfileForm(forms.Form):
    """Extra fields on allauth's sign-up form; allauth calls `signup` after saving the user."""

    display_name = forms.CharField(
        label=_("Display name"), max_length=60, required=False,
        help_text=_("Shown to others instead of your email address. You can leave it empty."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for the site and messages"), choices=Language.choices, initial=Language.JAPANESE
    )

    def signup(self, request, user) -> None:
        from apps.accounts.services import register_resident

        register_resident(
            user=user,
            display_name=self.cleaned_data.get("display_name", ""),
            preferred_language=self.cleaned_data["preferred_language"],
        )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=60, required=False)
    preferred_language = forms.ChoiceField(label=_("Language for the site and messages"), choices=Language.choices)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False,
        empty_label=_("Not set"),
        help_text=_("Used to send you news of your own area. Leave it unset if you prefer."),
    )
    latitude = forms.FloatField(
        label=_("Home latitude"), required=False, min_value=-90, max_value=90,
        help_text=_("Optional. For example 34.6617."),
    )
    longitude = forms.FloatField(
        label=_("Home longitude"), required=False, min_value=-180, max_value=180,
        help_text=_("Optional. For example 133.9350."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.select_related("city").order_by("city__code", "code")

    def clean(self) -> dict:
        data = super().clean()
        if "latitude" in self.errors or "longitude" in self.errors:
            return data  # the field's own error says what is wrong
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        return data

    def home_location(self) -> Point | None:
        lat, lon = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        return None if lat is None else Point(lon, lat, srid=4326)
