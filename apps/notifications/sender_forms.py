"""The city staff's compose form: the message, its timing and an audience builder without JavaScript.

The form turns checkboxes and numbers into the audience JSON that
`apps.notifications.audiences.registry.parse_audience` reads; the services still check
everything again (who may send to whom, lengths, times).

Preview and send are two POSTs of the same fields: the preview page carries the raw form
data in hidden inputs and the second POST is validated from scratch. An uploaded image
cannot travel in a hidden input, so at preview time it is kept as a draft file in the
media storage and the page carries a signed, expiring token naming it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from apps.accounts.models import User
from apps.geo.selectors import districts, school_districts
from apps.notifications.audiences.builtin import MAX_RADIUS_METERS
from apps.notifications.choices import Category, Priority
from apps.notifications.models import ResidentPreferences

TOKYO = timezone.get_default_timezone()  # settings.TIME_ZONE, Asia/Tokyo
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_SIDE = 8000  # pixels; a small file can still unpack into a huge picture
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
DRAFT_DIR = "notifications/drafts"
DRAFT_MAX_AGE = dt.timedelta(hours=24)
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
AGE_BAND_CHOICES = ResidentPreferences._meta.get_field("age_band").choices
RADIUS_FIELDS = ("radius_lat", "radius_lon", "radius_meters")
AUDIENCE_FIELDS = ("everyone", "districts", "school_districts", *RADIUS_FIELDS, "age_bands",
                   "households_with_children", "topic", "match")
# Service error keys that are not form field names.
SERVICE_FIELD_NAMES = {"variants.en.title": "title_en", "variants.en.body": "body_en", "variants": "title_en"}


class TokyoDateTimeField(forms.DateTimeField):
    """A datetime-local input read as Tokyo time, whatever time zone is active."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = DATETIME_INPUT_FORMATS

    def to_python(self, value):
        with timezone.override(TOKYO):
            return super().to_python(value)


@dataclass
class Group:
    """Fields shown together; with a legend they get their own fieldset."""

    fields: list
    legend: str = ""
    help: str = ""


@dataclass
class Section:
    key: str
    legend: str
    groups: list[Group] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class ComposeForm(forms.Form):
    title = forms.CharField(label=_("Title (Japanese)"), max_length=120)
    body = forms.CharField(label=_("Message (Japanese)"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Plain text. At most 5,000 characters including the title and link."))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices,
                                 help_text=_("Residents choose which categories they receive."))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL,
                                 help_text=_("Emergency messages reach everyone in the audience on every channel, "
                                             "even at night and whatever they opted out of."))
    link_url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https",
                              help_text=_("Optional. A page with more information, starting with https://."))
    image = forms.FileField(label=_("Image"), required=False,
                            widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
                            help_text=_("Optional. A JPEG, PNG or WebP picture of at most 2 MB."))
    remove_image = forms.BooleanField(label=_("Remove the attached image"), required=False)
    image_token = forms.CharField(required=False, widget=forms.HiddenInput)
    title_en = forms.CharField(label=_("Title (English)"), max_length=120, required=False)
    body_en = forms.CharField(label=_("Message (English)"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("Residents who chose English read this version."))
    scheduled_at = TokyoDateTimeField(label=_("Send at"), required=False,
                                      help_text=_("Japan time. Leave empty to send as soon as possible."))
    expires_at = TokyoDateTimeField(label=_("Expires at"), required=False,
                                    help_text=_("Japan time. Optional: after this the message is no longer sent."))
    everyone = forms.BooleanField(label=_("Everyone in the city"), required=False,
                                  help_text=_("A second member of staff must approve a message to everyone."))
    districts = forms.ModelMultipleChoiceField(label=_("Districts"), queryset=districts().none(), required=False,
                                               widget=forms.CheckboxSelectMultiple,
                                               help_text=_("Residents who gave this district in their profile."))
    school_districts = forms.ModelMultipleChoiceField(
        label=_("School districts"), queryset=school_districts().none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Residents whose home lies in the school district."))
    radius_lat = forms.FloatField(label=_("Latitude of the centre"), required=False, min_value=-90, max_value=90,
                                  help_text=_("For example 34.6617."))
    radius_lon = forms.FloatField(label=_("Longitude of the centre"), required=False, min_value=-180,
                                  max_value=180, help_text=_("For example 133.9350."))
    radius_meters = forms.IntegerField(label=_("Radius in metres"), required=False, min_value=1,
                                       max_value=MAX_RADIUS_METERS,
                                       help_text=_("From 1 to 50,000 metres around the centre."))
    age_bands = forms.MultipleChoiceField(label=_("Age bands"), choices=AGE_BAND_CHOICES, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    households_with_children = forms.BooleanField(label=_("Only households with children"), required=False)
    topic = forms.ChoiceField(label=_("Subscribers of a topic"), required=False,
                              choices=[("", _("(none)")), *Category.choices],
                              help_text=_("Everyone who subscribed to this category, wherever they live."))
    match = forms.ChoiceField(label=_("Combine the groups"), initial="any", widget=forms.RadioSelect,
                              choices=[("any", _("Anyone in at least one of the groups")),
                                       ("all", _("Only people in every group"))])
    # Never rendered as an input: it carries the audience built in clean() and its errors.
    audience = forms.Field(required=False, disabled=True, widget=forms.HiddenInput)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["districts"].queryset = districts().order_by("city__code", "code")
        self.fields["school_districts"].queryset = school_districts().order_by("city__code", "code")
        self.fields["districts"].label_from_instance = lambda area: area.name
        self.fields["school_districts"].label_from_instance = lambda area: area.name
        self._new_token = ""

    # --- checks ---------------------------------------------------------------------------

    def clean_image(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        if upload.size > MAX_IMAGE_BYTES:
            raise ValidationError(
                _("The image is %(size).1f MB; use one of at most 2 MB.") % {"size": upload.size / 1024 / 1024})
        not_an_image = _("This file is not a JPEG, PNG or WebP image.")
        try:
            upload.seek(0)
            # Only these decoders are tried: the content decides, never the file name.
            with Image.open(upload, formats=list(IMAGE_FORMATS)) as picture:
                kind, (width, height) = picture.format, picture.size
                picture.verify()
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
            raise ValidationError(not_an_image) from None
        if kind not in IMAGE_FORMATS:
            raise ValidationError(not_an_image)
        if max(width, height) > MAX_IMAGE_SIDE:
            raise ValidationError(_("The image is %(w)d×%(h)d pixels; use at most %(max)d pixels a side.") % {
                "w": width, "h": height, "max": MAX_IMAGE_SIDE})
        upload.seek(0)
        # A fresh name with the right extension: staff's own file names stay private.
        upload.name = f"{uuid.uuid4().hex}.{IMAGE_FORMATS[kind]}"
        upload.image_info = {"format": kind, "width": width, "height": height}
        return upload

    def clean_image_token(self) -> dict | None:
        token = self.cleaned_data.get("image_token")
        # A new upload replaces the draft; removing it needs no draft either.
        if not token or self.cleaned_data.get("image") or self.cleaned_data.get("remove_image"):
            return None
        try:
            draft = signing.TimestampSigner(salt=self._token_salt()).unsign_object(
                token, max_age=DRAFT_MAX_AGE)
        except signing.BadSignature:
            draft = None
        if not draft or not str(draft.get("name", "")).startswith(f"{DRAFT_DIR}/") \
                or not default_storage.exists(draft["name"]):
            # Said on the image field: that is where the person can act on it.
            self.add_error("image", _("The attached image is no longer available; choose it again."))
            return None
        return draft

    def clean(self) -> dict:
        data = super().clean()
        self._clean_variant(data)
        self._clean_times(data)
        if data.get("remove_image"):
            data["image_token"] = None
        self._build_audience(data)
        return data

    def _clean_variant(self, data: dict) -> None:
        title_en, body_en = data.get("title_en", ""), data.get("body_en", "")
        if title_en and not body_en and "body_en" not in self.errors:
            self.add_error("body_en", _("Give the English message too, or leave both English fields empty."))
        if body_en and not title_en and "title_en" not in self.errors:
            self.add_error("title_en", _("Give the English title too, or leave both English fields empty."))

    def _clean_times(self, data: dict) -> None:
        now = timezone.now()
        scheduled_at, expires_at = data.get("scheduled_at"), data.get("expires_at")
        # The same minute of grace as the service: datetime-local has no seconds.
        if scheduled_at and scheduled_at < now - dt.timedelta(minutes=1):
            self.add_error("scheduled_at", _("The sending time is in the past."))
            scheduled_at = None
        if expires_at and expires_at <= (scheduled_at or now):
            self.add_error("expires_at", _("The expiry must be after the sending time."))

    def _build_audience(self, data: dict) -> None:
        segments: list[dict] = []
        if data.get("everyone"):
            segments.append({"kind": "everyone"})
        if data.get("districts"):
            segments.append({"kind": "district", "ids": sorted(area.id for area in data["districts"])})
        if data.get("school_districts"):
            segments.append({"kind": "school_district", "ids": sorted(area.id for area in data["school_districts"])})
        if not any(name in self.errors for name in RADIUS_FIELDS):
            values = {name: data.get(name) for name in RADIUS_FIELDS}
            if any(value is not None for value in values.values()):
                missing = {
                    "radius_lat": _("Give the latitude of the centre."),
                    "radius_lon": _("Give the longitude of the centre."),
                    "radius_meters": _("Give the radius in metres."),
                }
                for name, value in values.items():
                    if value is None:
                        self.add_error(name, missing[name])
                if all(value is not None for value in values.values()):
                    segments.append({"kind": "radius", "lat": values["radius_lat"], "lon": values["radius_lon"],
                                     "meters": values["radius_meters"]})
        attribute: dict = {}
        if data.get("age_bands"):
            attribute["age_bands"] = sorted(data["age_bands"])
        if data.get("households_with_children"):
            attribute["household_with_children"] = True
        if attribute:
            segments.append({"kind": "attribute", **attribute})
        if data.get("topic"):
            segments.append({"kind": "topic", "category": data["topic"]})
        if any(name in self.errors for name in AUDIENCE_FIELDS):
            return  # the field's own error says what to fix
        if not segments:
            self.add_error("audience", _("Choose who receives the message: everyone, districts, an area or "
                                         "another group."))
            return
        data["audience"] = {"match": data.get("match") or "any", "segments": segments}

    def apply_service_errors(self, exc: ValidationError) -> None:
        """Put a service's ValidationError on the fields it names."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            name = SERVICE_FIELD_NAMES.get(key, key)
            self.add_error(name if name in self.fields else None, messages)

    # --- what the view hands to the services ---------------------------------------------

    def variants(self) -> dict[str, dict[str, str]] | None:
        data = self.cleaned_data
        if data.get("title_en") or data.get("body_en"):
            return {"en": {"title": data["title_en"], "body": data["body_en"]}}
        return None

    def _token_salt(self) -> str:
        # Bound to the person: nobody can attach another member of staff's draft.
        return f"notifications.compose-image:{self.user.pk}"

    def stash_image(self) -> None:
        """Keep a newly uploaded image as a draft until the send step (see the module docstring)."""
        upload = self.cleaned_data.get("image")
        if not upload:
            return
        _remove_stale_drafts()
        name = default_storage.save(f"{DRAFT_DIR}/{upload.name}", upload)
        draft = {"name": name, **upload.image_info}
        self._new_token = signing.TimestampSigner(salt=self._token_salt()).sign_object(draft)
        self.cleaned_data["image_token"] = draft

    @property
    def current_image_token(self) -> str:
        """The token the next page carries, if an image is attached."""
        if self._new_token:
            return self._new_token
        if self.is_bound and getattr(self, "cleaned_data", {}).get("image_token"):
            return self.data.get("image_token", "")
        return ""

    @property
    def attached_image(self) -> dict | None:
        """Format and size of the image that will be sent (new upload or draft)."""
        data = getattr(self, "cleaned_data", {})
        if data.get("image"):
            return data["image"].image_info
        return data.get("image_token") or None

    def image_for_publish(self) -> File | None:
        data = self.cleaned_data
        if data.get("image"):
            return data["image"]
        draft = data.get("image_token")
        if draft:
            return File(default_storage.open(draft["name"], "rb"), name=draft["name"].rsplit("/", 1)[-1])
        return None

    def discard_draft_image(self) -> None:
        draft = self.cleaned_data.get("image_token")
        if draft:
            default_storage.delete(draft["name"])

    def carried_fields(self) -> list[tuple[str, str]]:
        """The raw inputs the preview page sends back as hidden fields (the image as a token)."""
        skip = {"image", "image_token", "remove_image", "audience"}
        getlist = getattr(self.data, "getlist", None)
        items: list[tuple[str, str]] = []
        for name in self.fields:
            if name in skip:
                continue
            values = getlist(name) if getlist else [self.data.get(name)]
            items += [(name, value) for value in values if value not in (None, "")]
        if self.current_image_token:
            items.append(("image_token", self.current_image_token))
        return items

    # --- layout for the template ---------------------------------------------------------

    def sections(self) -> list[Section]:
        image_fields = [self["image"]]
        if self.current_image_token:
            image_fields.append(self["remove_image"])
        return [
            Section("message", _("The message"), [
                Group([self["title"], self["body"], self["category"], self["priority"], self["link_url"],
                       *image_fields]),
            ]),
            Section("english", _("English version (optional)"), [Group([self["title_en"], self["body_en"]])]),
            Section("timing", _("When"), [Group([self["scheduled_at"], self["expires_at"]])]),
            Section("audience", _("Who receives it"), [
                Group([self["everyone"]]),
                Group([self["districts"], self["school_districts"]]),
                Group([self["radius_lat"], self["radius_lon"], self["radius_meters"]], legend=_("Around a point"),
                      help=_("Residents whose home location lies within the radius. Give all three or none.")),
                Group([self["age_bands"], self["households_with_children"]], legend=_("Shared attributes"),
                      help=_("Only residents who chose to share these in their settings.")),
                Group([self["topic"]]),
                Group([self["match"]]),
            ], errors=list(self.errors.get("audience", []))),
        ]

    def error_summary(self) -> list[dict]:
        """Every error with the field it belongs to, for the list at the top of the page."""
        items = [{"anchor": "compose-form", "label": "", "message": error} for error in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            if name == "audience":
                anchor, label = "section-audience", _("Who receives it")
            else:
                anchor, label = self[name].auto_id, self[name].label
            items += [{"anchor": anchor, "label": label, "message": error} for error in errors]
        return items


def _remove_stale_drafts() -> None:
    """Drafts of previews that were never sent go after a day."""
    cutoff = timezone.now() - DRAFT_MAX_AGE
    try:
        _dirs, names = default_storage.listdir(DRAFT_DIR)
    except FileNotFoundError:
        return
    for name in names:
        path = f"{DRAFT_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except FileNotFoundError:
            continue  # another request removed it first
