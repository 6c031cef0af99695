"""The compose form for school alert mail (staff) and the one-tap reply form (guardians)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.childwatch.choices import SAFETY_CATEGORIES, AlertCategory, AlertScope, ReplyChoice
from apps.childwatch.models import Child, School, SchoolClass
from apps.childwatch.selectors.alerts import children_of_schools, classes_of_schools, schools_of_staff
from apps.childwatch.services.alerts import check_scope
from apps.notifications.choices import Priority
from apps.notifications.services import LINE_TEXT_LIMIT, TITLE_LIMIT

PRIORITY_CHOICES = [
    (Priority.NORMAL.value, _("Normal")),
    (Priority.HIGH.value, _("High")),
    (Priority.EMERGENCY.value, _("Emergency: sent at once on every channel, even in quiet hours")),
]


def category_choices() -> list:
    """The six safety-mail categories (安全・安心メール) first, then school life."""
    safety = [(value, label) for value, label in AlertCategory.choices if value in SAFETY_CATEGORIES]
    school = [(value, label) for value, label in AlertCategory.choices if value not in SAFETY_CATEGORIES]
    return [("", "---------"), (_("Safety mail"), safety), (_("School"), school)]


class ClassChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, several_schools: bool = False, **kwargs) -> None:
        self.several_schools = several_schools
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: SchoolClass) -> str:
        label = f"{obj} ({obj.year})"
        return f"{obj.school.name} {label}" if self.several_schools else label


class AlertForm(forms.Form):
    """Field names match the service's keyword arguments, so its errors land on the right field."""

    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none(), empty_label=None)
    scope = forms.ChoiceField(label=_("Send to"), choices=AlertScope.choices, initial=AlertScope.SCHOOL,
                              widget=forms.RadioSelect)
    grade = forms.TypedChoiceField(label=_("Grade"), coerce=int, required=False, empty_value=None,
                                   help_text=_("Only when sending to one grade."))
    school_class = ClassChoiceField(label=_("Class"), queryset=SchoolClass.objects.none(), required=False,
                                    help_text=_("Only when sending to one class."))
    children = forms.ModelMultipleChoiceField(
        label=_("Children whose guardians receive it"), queryset=Child.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Only when sending to the guardians of chosen children."))
    category = forms.ChoiceField(label=_("Category"), choices=category_choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=PRIORITY_CHOICES, initial=Priority.NORMAL,
                                 widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=TITLE_LIMIT)
    body = forms.CharField(label=_("Text"), max_length=LINE_TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 8}))
    title_en = forms.CharField(label=_("Title in English (optional)"), max_length=TITLE_LIMIT, required=False)
    body_en = forms.CharField(label=_("Text in English (optional)"), max_length=LINE_TEXT_LIMIT, required=False,
                              widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("Guardians who chose English read this version."))
    replies_allowed = forms.BooleanField(label=_("Guardians may reply (confirmed, will pick up…)"), required=False,
                                         initial=True)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        schools = list(schools_of_staff(user))
        school_ids = [s.pk for s in schools]
        self.several_schools = len(schools) > 1
        self.fields["school"].queryset = schools_of_staff(user)
        if schools:
            self.fields["school"].initial = schools[0].pk
        classes = classes_of_schools(school_ids)
        self.fields["school_class"].queryset = classes
        self.fields["school_class"].several_schools = self.several_schools
        grades = sorted(set(classes.values_list("grade", flat=True)))
        self.fields["grade"].choices = [("", "---------"),
                                        *[(g, _("Grade %(grade)d") % {"grade": g}) for g in grades]]
        self._children = list(children_of_schools(school_ids))
        self.fields["children"].queryset = children_of_schools(school_ids)

    def children_groups(self) -> list[tuple[str, list]]:
        """The children's checkboxes grouped by (school and) class, for the template."""
        group_of = {}
        for child in self._children:
            label = str(child.school_class) if child.school_class else str(_("No class"))
            group_of[str(child.pk)] = f"{child.school.name} {label}" if self.several_schools else label
        groups: dict[str, list] = {}
        for box in self["children"]:
            groups.setdefault(group_of.get(str(box.data["value"]), ""), []).append(box)
        return list(groups.items())

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("title_en")) != bool(data.get("body_en")):
            missing = "body_en" if data.get("title_en") else "title_en"
            self.add_error(missing, _("Give both the English title and the English text, or neither."))
        school = data.get("school")
        if school is None or "scope" not in data:
            return data
        errors = check_scope(
            school=school, scope=data["scope"], grade=data.get("grade"),
            school_class_id=data["school_class"].pk if data.get("school_class") else None,
            child_ids=[c.pk for c in data.get("children") or []])
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        scope = data["scope"]
        return {
            "school": data["school"], "scope": scope, "category": data["category"], "priority": data["priority"],
            "title": data["title"], "body": data["body"], "title_en": data["title_en"], "body_en": data["body_en"],
            "grade": data.get("grade") if scope == AlertScope.GRADE else None,
            "school_class_id": data["school_class"].pk if scope == AlertScope.CLASS and data.get("school_class")
            else None,
            "child_ids": [c.pk for c in data.get("children") or []] if scope == AlertScope.CHILDREN else [],
            "replies_allowed": data["replies_allowed"],
        }

    def apply_service_errors(self, exc: ValidationError) -> None:
        for field, messages in exc.message_dict.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)

    def carried(self) -> list[tuple[str, str]]:
        """The raw inputs, for hidden fields on the preview page (nothing is kept in the session)."""
        pairs = []
        for name in self.fields:
            for value in self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]:
                if value not in (None, ""):
                    pairs.append((name, value))
        return pairs


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(label=_("Your reply"), choices=ReplyChoice.choices)
