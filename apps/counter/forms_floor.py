"""Forms of the counter floor, inquiries and resident reports (pages only; services check again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department, User
from apps.counter.models import AttributeType, ReportService, ReportStatus
from apps.counter.services.inquiries import ANSWER_LIMIT, BODY_LIMIT, REASON_LIMIT, SUBJECT_LIMIT
from apps.counter.services.reports import ADDRESS_LIMIT, DESCRIPTION_LIMIT, NOTE_LIMIT


class IssueTicketForm(forms.Form):
    resident_email = forms.EmailField(
        label=_("Resident's e-mail (optional)"), required=False,
        help_text=_("Only to link the visit to the resident's account; never shown on the lobby screen."))

    def clean_resident_email(self) -> User | None:
        email = self.cleaned_data["resident_email"]
        if not email:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No resident has this e-mail address."))
        return user


class InquiryForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.order_by("code"),
                                        help_text=_("Not sure? Choose 市民課 and we pass it on."))
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_LIMIT)
    body = forms.CharField(label=_("Your question"), max_length=BODY_LIMIT, widget=forms.Textarea(attrs={"rows": 6}))
    asker_email = forms.EmailField(label=_("E-mail address for the answer"), required=False)
    asker_name = forms.CharField(label=_("Name (optional)"), max_length=100, required=False)

    def __init__(self, *args, signed_in: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["asker_email"], self.fields["asker_name"]
        else:
            self.fields["asker_email"].required = True


class DraftAnswerForm(forms.Form):
    draft_answer = forms.CharField(label=_("Draft answer"), max_length=ANSWER_LIMIT,
                                   widget=forms.Textarea(attrs={"rows": 8}))


class ReturnDraftForm(forms.Form):
    reason = forms.CharField(label=_("Why the draft goes back"), max_length=REASON_LIMIT)


class FaqForm(forms.Form):
    question = forms.CharField(label=_("Question as the public will read it"), max_length=BODY_LIMIT,
                               widget=forms.Textarea(attrs={"rows": 4}))
    answer = forms.CharField(label=_("Answer as the public will read it"), max_length=ANSWER_LIMIT,
                             widget=forms.Textarea(attrs={"rows": 6}))
    checked = forms.BooleanField(label=_("I removed names, addresses and anything else that identifies the asker."))


class FaqSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the FAQ"), max_length=100, required=False)


class ReportForm(forms.Form):
    service = forms.ModelChoiceField(label=_("What is wrong?"), queryset=ReportService.objects.none(),
                                     empty_label=None, widget=forms.RadioSelect)
    description = forms.CharField(label=_("Describe it"), max_length=DESCRIPTION_LIMIT, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    photo = forms.FileField(label=_("Photo (optional)"), required=False,
                            help_text=_("JPEG, PNG or WebP, at most 5 MB. Location data in the photo is removed."),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    address_string = forms.CharField(label=_("Address or place"), max_length=ADDRESS_LIMIT, required=False,
                                     help_text=_("E.g. 本町1丁目の交差点の北側. Give this or the point on the map."))
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    reporter_email = forms.EmailField(label=_("E-mail for updates (optional)"), required=False,
                                      help_text=_("Only the city sees it, to tell you when the report moves."))

    def __init__(self, *args, services, signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["reporter_email"]
        self.fields["service"].queryset = services
        self.services = list(services)
        for service in self.services:
            for attribute in service.attributes.all():
                if attribute.variable:
                    self.fields[self.attribute_field(service, attribute)] = self._attribute_field(attribute)

    @staticmethod
    def attribute_field(service, attribute) -> str:
        return f"attr__{service.code}__{attribute.code}"

    @staticmethod
    def _attribute_field(attribute) -> forms.Field:
        label = attribute.description
        help_text = attribute.datatype_description
        choices = [(str(v.get("key")), v.get("name", v.get("key"))) for v in attribute.values]
        if attribute.datatype == AttributeType.SINGLE:
            return forms.ChoiceField(label=label, help_text=help_text, required=False,
                                     choices=[("", "—"), *choices])
        if attribute.datatype == AttributeType.MULTI:
            return forms.MultipleChoiceField(label=label, help_text=help_text, required=False, choices=choices,
                                             widget=forms.CheckboxSelectMultiple)
        if attribute.datatype == AttributeType.TEXT:
            return forms.CharField(label=label, help_text=help_text, required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
        return forms.CharField(label=label, help_text=help_text, required=False)

    def attributes_for(self, service) -> dict:
        answers = {}
        for attribute in service.attributes.all():
            name = self.attribute_field(service, attribute)
            if name in self.cleaned_data and self.cleaned_data[name] not in ("", [], None):
                answers[attribute.code] = self.cleaned_data[name]
        return answers

    def attribute_fields(self, service) -> list:
        return [self[self.attribute_field(service, a)] for a in service.attributes.all() if a.variable]


class ReportUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ReportStatus.choices)
    note = forms.CharField(label=_("Public note"), max_length=NOTE_LIMIT, required=False,
                           help_text=_("The reporter and the public read it."))
    department = forms.ModelChoiceField(label=_("Department in charge"), queryset=Department.objects.order_by("code"))
    photo_public = forms.BooleanField(label=_("Show the photo publicly"), required=False)
    public_description = forms.CharField(
        label=_("Public description"), max_length=DESCRIPTION_LIMIT, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty to show the reporter's text with e-mail addresses and phone numbers hidden."))


class TriageFilterForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *ReportStatus.choices])
    department = forms.ModelChoiceField(label=_("Department"), required=False,
                                        queryset=Department.objects.order_by("code"), empty_label=_("Any"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Any")), *ReportService.objects.values_list("code", "name")]
