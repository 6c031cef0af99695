"""Forms of community disaster maps. They work without JavaScript.

A point is a latitude and a longitude; a line or an area is a list of "latitude, longitude"
lines. With JavaScript, clicking the map fills the same fields. The services check the
shape against the map's district again; their errors come back onto these fields.
"""

from __future__ import annotations

from django import forms
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.disastermap.choices import CommunityFeatureCategory
from apps.disastermap.models import CommunityFeature
from apps.disastermap.services.community import NOTE_LIMIT, REASON_LIMIT, TITLE_LIMIT
from apps.disastermap.services.community_input import MAX_VERTICES, build_shape, parse_lat_lon_lines
from apps.geo.models import District

SHAPES = [("point", _("Point")), ("line", _("Line (e.g. a road)")), ("polygon", _("Area"))]
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


class FeatureForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=CommunityFeatureCategory.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_LIMIT)
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_LIMIT,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What residents should know, e.g. “floods after heavy rain”."))
    shape = forms.ChoiceField(label=_("Kind of shape"), choices=SHAPES, initial="point", widget=forms.RadioSelect)
    lat = forms.FloatField(label=_("Latitude (for a point)"), required=False, min_value=-90, max_value=90,
                           widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                           help_text=_("e.g. 34.6460"))
    lon = forms.FloatField(label=_("Longitude (for a point)"), required=False, min_value=-180, max_value=180,
                           widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                           help_text=_("e.g. 133.9070"))
    vertices = forms.CharField(
        label=_("Points of the line or area"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("One “latitude, longitude” per line, in order along the line or around the area "
                    "(at most %(max)d).") % {"max": MAX_VERTICES},
    )
    photo = forms.FileField(label=_("Photo (optional)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
                            help_text=_("JPEG, PNG or WebP, at most 5 MB. Location data in the photo is removed."))

    def clean(self) -> dict:
        data = super().clean()
        shape = data.get("shape")
        try:
            if shape == "point":
                data["geometry"] = self._point(data)
            elif shape in ("line", "polygon"):
                points = parse_lat_lon_lines(data.get("vertices") or "")
                if not points:
                    raise ValidationError({"vertices": _("Give the points, one “latitude, longitude” per line.")})
                data["geometry"] = self._shape(shape, points)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(self.field_for(field), messages)
        return data

    def _point(self, data: dict) -> GEOSGeometry:
        lat, lon = data.get("lat"), data.get("lon")
        if "lat" in self.errors or "lon" in self.errors:
            raise ValidationError({})
        if lat is None or lon is None:
            missing = "lat" if lat is None else "lon"
            raise ValidationError({missing: _("Give both latitude and longitude of the point.")})
        return build_shape("point", [(lon, lat)])

    def _shape(self, shape: str, points: list[tuple[float, float]]) -> GEOSGeometry:
        try:
            return build_shape(shape, points)
        except ValidationError as exc:
            raise ValidationError({"vertices": exc.messages}) from None

    def field_for(self, key: str) -> str | None:
        """Which input a service error about `key` belongs next to."""
        if key == "geometry":
            return "lat" if self.data.get(self.add_prefix("shape")) == "point" else "vertices"
        return key if key in self.fields else None

    def add_service_errors(self, exc: ValidationError) -> None:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        for key, messages in errors.items():
            self.add_error(self.field_for(key) if key else None, messages)


class EditFeatureForm(FeatureForm):
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    @staticmethod
    def initial_for(feature: CommunityFeature) -> dict:
        geometry = feature.geometry
        initial = {"category": feature.category, "title": feature.title, "note": feature.note}
        if geometry.geom_type == "Point":
            initial.update(shape="point", lat=round(geometry.y, 7), lon=round(geometry.x, 7))
        else:
            coords = geometry.coords if geometry.geom_type == "LineString" else geometry.coords[0][:-1]
            initial.update(shape="line" if geometry.geom_type == "LineString" else "polygon",
                           vertices="\n".join(f"{lat:.7f}, {lon:.7f}" for lon, lat, *_z in coords))
        return initial


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), max_length=REASON_LIMIT,
                             help_text=_("The member who proposed it is told this reason."))


class CommunityMapForm(forms.Form):
    """City staff set up a map for an association."""

    name = forms.CharField(label=_("Name of the map"), max_length=120)
    association_name = forms.CharField(label=_("Association (自治会・町内会)"), max_length=120)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.order_by("city__code", "code"))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_public = forms.BooleanField(label=_("Shown to the public"), required=False, initial=True,
                                   help_text=_("If not, only the association's members and editors see it."))
    editor_emails = forms.CharField(
        label=_("Editors (association officers)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E-mail addresses of their accounts, one per line."),
    )

    def clean_editor_emails(self) -> list[User]:
        emails = [line.strip().lower() for line in self.cleaned_data["editor_emails"].splitlines() if line.strip()]
        match = Q(pk__in=[])
        for email in emails:
            match |= Q(email__iexact=email)
        users = list(User.objects.filter(match, is_active=True))
        unknown = sorted(set(emails) - {u.email.lower() for u in users})
        if unknown:
            raise ValidationError(_("No active account with the address: %(emails)s") % {"emails": ", ".join(unknown)})
        return users
