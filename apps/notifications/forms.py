"""Forms residents use: filtering the inbox and choosing what they receive.

The forms only turn text into values; the rules (a number for SMS, both ends of quiet
hours) live in services, whose errors the views put back on these fields.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import Category
from apps.notifications.models import ResidentPreferences

SEARCH_LIMIT = 100


class InboxFilterForm(forms.Form):
    """The GET form above the inbox; every field may be left empty."""

    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices],
    )
    q = forms.CharField(
        label=_("Search"), required=False, max_length=SEARCH_LIMIT, strip=True,
        help_text=_("Words in the title or text of a message."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    unread = forms.BooleanField(label=_("Only unread messages"), required=False)

    def filters(self) -> dict:
        """Keyword arguments for selectors.inbox (call after is_valid)."""
        data = self.cleaned_data
        return {
            "category": data.get("category") or None,
            "search": data.get("q") or None,
            "unread_only": bool(data.get("unread")),
        }


HOUSEHOLD_CHOICES = [("", _("Not shared")), ("yes", _("Yes")), ("no", _("No"))]
HOUSEHOLD_VALUES = {"": None, "yes": True, "no": False}


def household_choice(value: bool | None) -> str:
    """The radio button that stands for a stored yes/no/not shared."""
    return {None: "", True: "yes", False: "no"}[value]


class TimeInput(forms.TimeInput):
    input_type = "time"


class NotificationSettingsForm(forms.Form):
    """Everything on the settings page, posted at once. Field names match the services'."""

    categories = forms.MultipleChoiceField(
        label=_("Topics"), required=False, choices=Category.choices, widget=forms.CheckboxSelectMultiple,
    )
    email_enabled = forms.BooleanField(
        label=_("Email"), required=False,
        help_text=_("Sent to the email address you sign in with."),
    )
    line_enabled = forms.BooleanField(
        label=_("LINE"), required=False,
        help_text=_("Needs your LINE account linked to this portal (see below)."),
    )
    webpush_enabled = forms.BooleanField(
        label=_("Browser notifications"), required=False,
        help_text=_("Also needs permission in each browser you use (see below)."),
    )
    sms_enabled = forms.BooleanField(
        label=_("SMS"), required=False,
        help_text=_("Only for emergencies and high-priority messages. Needs a mobile number."),
    )
    phone_number = forms.CharField(
        label=_("Mobile number for SMS"), required=False, max_length=20,
        help_text=_("For example 090-1234-5678. Used only to send you SMS."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    quiet_start = forms.TimeField(
        label=_("Quiet hours from"), required=False, widget=TimeInput(format="%H:%M"),
        help_text=_("For example 22:00."),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"), required=False, widget=TimeInput(format="%H:%M"),
        help_text=_("For example 07:00."),
    )
    age_band = forms.ChoiceField(
        label=_("Age band"), required=False,
        choices=[("", _("Not shared")), *ResidentPreferences._meta.get_field("age_band").choices],
    )
    household_with_children = forms.ChoiceField(
        label=_("Children in your household"), required=False, choices=HOUSEHOLD_CHOICES,
        widget=forms.RadioSelect,
    )

    CHANNEL_FIELDS = ("email_enabled", "line_enabled", "webpush_enabled", "sms_enabled")
    PREFERENCE_FIELDS = (*CHANNEL_FIELDS, "phone_number", "quiet_start", "quiet_end", "age_band",
                         "household_with_children")

    @classmethod
    def initial_for(cls, *, preferences: ResidentPreferences, categories: list[str]) -> dict:
        initial = {field: getattr(preferences, field) for field in cls.PREFERENCE_FIELDS}
        initial["household_with_children"] = household_choice(preferences.household_with_children)
        initial["categories"] = categories
        return initial

    def preference_changes(self) -> dict:
        """Keyword arguments for services.update_preferences (call after is_valid)."""
        changes = {field: self.cleaned_data[field] for field in self.PREFERENCE_FIELDS}
        changes["household_with_children"] = HOUSEHOLD_VALUES[changes["household_with_children"]]
        return changes

    def channel_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CHANNEL_FIELDS]

    def quiet_fields(self) -> list[forms.BoundField]:
        return [self["quiet_start"], self["quiet_end"]]
