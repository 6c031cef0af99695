"""Forms for bulletins, circulars, comments, reports and moderation. They work without JavaScript.

The forms check shapes; the services check the rules and the files' content, and their
errors come back onto these fields.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.neighbourhood.choices import PostCategory, PostKind, Visibility
from apps.neighbourhood.services.attachments import MAX_ATTACHMENTS
from apps.neighbourhood.services.conversation import COMMENT_LIMIT, REPORT_LIMIT
from apps.neighbourhood.services.posts import REASON_LIMIT, TITLE_LIMIT

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ServiceErrorsMixin:
    def add_service_errors(self, error: ValidationError) -> None:
        for field, problems in error.message_dict.items():
            self.add_error(field if field in self.fields else None, problems)


class BulletinForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PostKind.choices, initial=PostKind.BULLETIN,
                             widget=forms.RadioSelect,
                             help_text=_("A circular (回覧板) asks every member to confirm they have read it."))
    category = forms.ChoiceField(label=_("Category"), choices=PostCategory.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_LIMIT)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Plain text; simple formatting (bold, lists, links) is kept."))
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Visibility.choices,
                                   initial=Visibility.MEMBERS, widget=forms.RadioSelect,
                                   help_text=_("Public posts appear on the association's public page; "
                                               "only members are notified either way."))
    pinned = forms.BooleanField(label=_("Pin to the top of the association page"), required=False)
    expires_at = forms.DateTimeField(
        label=_("Show until (optional)"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("After this time the post leaves the association page."))
    attachments = MultipleFileField(
        label=_("Attachments (optional)"), required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, JPEG or PNG, at most %(n)d files of 10 MB each.") % {"n": MAX_ATTACHMENTS})

    def __init__(self, *args, officer: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not officer:
            del self.fields["pinned"]


class BulletinEditForm(BulletinForm):
    comments_closed = forms.BooleanField(label=_("Close comments"), required=False)
    remove_attachments = forms.TypedMultipleChoiceField(label=_("Remove attachments"), required=False,
                                                        coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove_attachments"].choices = [(a.pk, a.original_name) for a in attachments]
        if not attachments:
            del self.fields["remove_attachments"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (kept for the record)"), max_length=REASON_LIMIT,
                             widget=forms.TextInput())


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=COMMENT_LIMIT,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong with it?"), max_length=REPORT_LIMIT,
                             help_text=_("For example: false information, defamation, personal data."))


MODERATION_ACTIONS = [("hide", _("Hide it")), ("delete", _("Delete it")), ("dismiss", _("No action needed"))]


class ModerationForm(forms.Form):
    action = forms.ChoiceField(label=_("Decision"), choices=MODERATION_ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason (kept for the record)"), max_length=REASON_LIMIT)
