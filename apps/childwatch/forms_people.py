"""Forms of the school desk and the guardian's pages. Shapes are checked here, rules in the services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.childwatch.choices import AbsenceKind, AbsenceReason, PlanStatus
from apps.childwatch.models import Child, School, SchoolClass, ServicePlan
from apps.childwatch.services.absences import MAX_DAYS_AHEAD, NOTE_LIMIT
from apps.childwatch.services.people import MAX_GRADE


def school_year(today: dt.date | None = None) -> int:
    """Japanese school years start in April."""
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


class SchoolChoiceForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none(), empty_label=None)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class ClassForm(forms.Form):
    year = forms.IntegerField(label=_("School year"), min_value=2000, max_value=2100,
                              help_text=_("The April the year starts, e.g. 2026."))
    grade = forms.IntegerField(label=_("Grade"), min_value=1, max_value=MAX_GRADE)
    name = forms.CharField(label=_("Class name"), max_length=20, help_text=_("E.g. 1組"))
    teacher_email = forms.EmailField(
        label=_("Class teacher's e-mail address"), required=False,
        help_text=_("Optional. The teacher must be on this school's staff. They will see the class's absence list."))

    @classmethod
    def for_class(cls, school_class: SchoolClass | None) -> ClassForm:
        if school_class is None:
            return cls(initial={"year": school_year(), "grade": 1})
        return cls(initial={"year": school_class.year, "grade": school_class.grade, "name": school_class.name,
                            "teacher_email": school_class.teacher.email if school_class.teacher else ""})


class ChildForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=80)
    name_kana = forms.CharField(label=_("Name in kana"), max_length=120, required=False,
                                help_text=_("Used to sort class lists."))
    given_name = forms.CharField(
        label=_("Name used in messages"), max_length=40,
        help_text=_("Shown to guardians in gate messages, e.g. はなこ → 「はなこさんが正門を通過しました」."))
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=SchoolClass.objects.none(), required=False,
                                          empty_label=_("No class yet"))
    is_active = forms.BooleanField(label=_("Enrolled"), required=False, initial=True,
                                   help_text=_("Untick when the child leaves the school; the record is kept."))

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = SchoolClass.objects.filter(school=school).order_by(
            "-year", "grade", "name")

    @classmethod
    def for_child(cls, school: School, child: Child | None) -> ChildForm:
        if child is None:
            return cls(school=school)
        return cls(school=school, initial={
            "full_name": child.full_name, "name_kana": child.name_kana, "given_name": child.given_name,
            "school_class": child.school_class_id, "is_active": child.is_active})


class LinkGuardianForm(forms.Form):
    email = forms.EmailField(label=_("Guardian's e-mail address"),
                             help_text=_("Exactly the address the guardian signed up with. There is no list to "
                                         "browse: ask the guardian for it."))
    relationship = forms.CharField(label=_("Relationship to the child"), max_length=20, required=False,
                                   help_text=_("E.g. 母, 父, 祖母"))
    identity_checked = forms.BooleanField(
        label=_("I have checked in person (or by the school's usual procedure) that this account belongs to the "
                "child's guardian."), required=False)


class PlanForm(forms.Form):
    guardian_email = forms.EmailField(label=_("Guardian's e-mail address"),
                                      help_text=_("A guardian of a child at this school."))
    plan = forms.CharField(label=_("Plan"), max_length=40, initial="gate",
                           help_text=_("E.g. gate (gate notices), mail (alert mail only)"))
    monthly_fee_yen = forms.IntegerField(label=_("Monthly fee (yen)"), min_value=0, max_value=100_000, initial=0)
    status = forms.ChoiceField(label=_("Status"), choices=PlanStatus.choices, initial=PlanStatus.TRIAL)
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text=_("YYYY-MM-DD"))
    period_end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Leave empty while the plan runs on."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["guardian_email"]

    @classmethod
    def for_plan(cls, plan: ServicePlan) -> PlanForm:
        return cls(editing=True, initial={
            "plan": plan.plan, "monthly_fee_yen": plan.monthly_fee_yen, "status": plan.status,
            "period_start": plan.period_start, "period_end": plan.period_end, "note": plan.note})


class VolunteerForm(forms.Form):
    email = forms.EmailField(label=_("Volunteer's e-mail address"),
                             help_text=_("The volunteer needs an account on this portal."))
    area = forms.CharField(label=_("Area or route watched"), max_length=200, required=False,
                           help_text=_("E.g. 桜川橋から学校までの通学路"))


class AbsenceForm(forms.Form):
    child = forms.ModelChoiceField(label=_("Child"), queryset=Child.objects.none(), empty_label=None)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                           help_text=_("Today or a school day up to %(n)d days ahead (YYYY-MM-DD).")
                           % {"n": MAX_DAYS_AHEAD})
    kind = forms.ChoiceField(label=_("What"), choices=AbsenceKind.choices, widget=forms.RadioSelect,
                             initial=AbsenceKind.ABSENT)
    reason = forms.ChoiceField(label=_("Reason"), choices=AbsenceReason.choices)
    expected_time = forms.TimeField(
        label=_("Expected time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Needed when late (time of arrival) or leaving early (time of leaving), e.g. 10:30."))
    note = forms.CharField(label=_("Note for the teacher"), max_length=NOTE_LIMIT, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("E.g. temperature, symptoms, who will pick your child up."))

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["child"].label_from_instance = lambda child: f"{child.full_name} ({child.school})"
