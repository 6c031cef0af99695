"""The staff import form: what to import, the file, and the options that kind needs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from apps.disastermap.choices import Hazard
from apps.disastermap.models import Genre
from apps.disastermap.services.importers import ImportKind, max_upload_bytes

ENCODING_CHOICES = [
    ("auto", _("Detect (UTF-8 with or without BOM, else Shift_JIS)")),
    ("utf-8", _("UTF-8")),
    ("cp932", _("Shift_JIS (CP932)")),
]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=ImportKind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV for lists (UTF-8 or Shift_JIS); GeoJSON, or a .zip holding a Shapefile "
                    "(.shp, .shx, .dbf, .prj), for hazard zones."),
    )
    source = forms.CharField(
        label=_("Source name"), max_length=40, required=False,
        help_text=_("Rows are matched to an earlier import of the same source by their ID column, so importing "
                    "a list again updates it. Leave empty for the usual name of that list."),
    )
    encoding = forms.ChoiceField(label=_("Text encoding"), choices=ENCODING_CHOICES, initial="auto")
    genre = forms.ModelChoiceField(
        label=_("Genre for every row (public facilities)"), queryset=Genre.objects.all(), to_field_name="code",
        required=False, empty_label=_("Take it from the POIコード column"),
        help_text=_("For a list of one kind of facility, or a file whose POIコード column does not hold our genres."),
    )
    hazard = forms.ChoiceField(label=_("Hazard (hazard zones)"), choices=[("", "—"), *Hazard.choices],
                               required=False)
    level_field = forms.CharField(
        label=_("Attribute holding the level (hazard zones)"), max_length=60, required=False,
        help_text=_("A whole number, higher is more severe, e.g. the flood depth rank column “RANK”."),
    )
    label_field = forms.CharField(label=_("Attribute holding the level's label (optional)"), max_length=60,
                                  required=False)
    name_field = forms.CharField(label=_("Attribute holding the zone's name (optional)"), max_length=60,
                                 required=False)
    repair = forms.BooleanField(
        label=_("Repair invalid polygons instead of rejecting them"), required=False,
        help_text=_("A self-intersecting polygon is split into valid parts. Without this, it is reported as an error."),
    )
    keep_existing = forms.BooleanField(
        label=_("Keep the zones an earlier import of this source made for this hazard"), required=False,
        help_text=_("Without this, importing a source again replaces its zones for that hazard."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(_("The file is %(size)s; the limit is %(limit)s.") % {
                "size": filesizeformat(upload.size), "limit": filesizeformat(max_upload_bytes())})
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == ImportKind.HAZARD_ZONES:
            if not data.get("hazard"):
                self.add_error("hazard", _("Choose which hazard the zones are for."))
            if not data.get("level_field"):
                self.add_error("level_field", _("Name the attribute that holds the level."))
        return data

    def import_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"], "upload": data["file"], "source": data["source"], "encoding": data["encoding"],
            "genre": data["genre"].code if data.get("genre") else "", "hazard": data["hazard"],
            "level_field": data["level_field"], "label_field": data["label_field"], "name_field": data["name_field"],
            "repair": data["repair"], "replace": not data["keep_existing"],
        }
