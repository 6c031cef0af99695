"""Staff publishing forms. The services re-check everything; these give the page its fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.opendata.choices import DatasetLicence, DatasetTheme, UpdateFrequency
from apps.opendata.models import Organisation
from apps.opendata.services.uploads import FILE_TYPES


class DatasetForm(forms.Form):
    slug = forms.SlugField(label=_("Name in addresses"), max_length=100,
                           help_text=_("Lower-case letters, digits and hyphens, e.g. “population-by-district”."))
    organisation = forms.ModelChoiceField(label=_("Publishing organisation"), queryset=Organisation.objects.all())
    title = forms.CharField(label=_("Title (Japanese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    description = forms.CharField(label=_("Description (Japanese)"), widget=forms.Textarea(attrs={"rows": 4}),
                                  required=False, max_length=5000)
    description_en = forms.CharField(label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 4}),
                                     required=False, max_length=5000)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=1000,
                           help_text=_("Separate tags with commas."))
    theme = forms.ChoiceField(label=_("Theme"), choices=DatasetTheme.choices)
    licence = forms.ChoiceField(label=_("Licence"), choices=DatasetLicence.choices, initial=DatasetLicence.CC_BY_4)
    update_frequency = forms.ChoiceField(label=_("Update frequency"), choices=UpdateFrequency.choices,
                                         initial=UpdateFrequency.IRREGULAR)
    temporal_start = forms.DateField(label=_("Covers from"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    temporal_end = forms.DateField(label=_("Covers until"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    spatial = forms.CharField(label=_("Area covered"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact point (office)"), max_length=120, required=False)
    contact_email = forms.EmailField(label=_("Contact point email (the office's mailbox)"), required=False)
    published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["slug"]

    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data.get("tags", "").replace("、", ",").split(",") if tag.strip()]

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("slug", "organisation", "tags"):
            data.pop(key, None)
        return data


_ACCEPT = ",".join(f".{extension}" for extension in FILE_TYPES)


class UploadForm(forms.Form):
    name = forms.CharField(label=_("Resource name (Japanese)"), max_length=200)
    name_en = forms.CharField(label=_("Resource name (English)"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
                           help_text=_("CSV (UTF-8 or Shift_JIS), JSON, GeoJSON, XLSX, ZIP, PDF, XML or TXT."))


class VersionForm(forms.Form):
    file = forms.FileField(label=_("New file"), widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class LinkForm(forms.Form):
    name = forms.CharField(label=_("Resource name (Japanese)"), max_length=200)
    name_en = forms.CharField(label=_("Resource name (English)"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    url = forms.URLField(label=_("Address (URL)"), max_length=500, assume_scheme="https")
    format = forms.CharField(label=_("Format"), max_length=20, help_text=_("e.g. CSV, API, HTML"))
