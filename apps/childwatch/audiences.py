"""Audience kinds child watch adds to notifications: guardians of a school, grade, class or children.

Only active guardianships count, and only the school's own staff may aim at its guardians.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.childwatch.models import Child, Guardianship, School, SchoolClass
from apps.geo.models import SchoolDistrict
from apps.notifications.audiences.registry import FEW_PEOPLE, SegmentKind, int_param, register

MAX_CHILDREN = 2000



def _school(params: dict) -> School:
    school = School.objects.filter(pk=int_param(params, "school")).first()
    if school is None:
        raise ValidationError(_("No such school: %(id)s.") % {"id": params.get("school")})
    return school


def _guardians(**child_filter) -> QuerySet:
    return Guardianship.objects.filter(is_active=True, child__is_active=True, **{
        f"child__{key}": value for key, value in child_filter.items()}).values("guardian_id")


def _staff_of(params_school_key: str = "school"):
    def may_use(user, params: dict) -> bool:
        from apps.childwatch.permissions import is_school_staff

        return is_school_staff(user, params[params_school_key])
    return may_use


# --- whole school ---------------------------------------------------------------------------

register(SegmentKind(
    kind="school_guardians",
    label=gettext_lazy("Guardians of a school"),
    clean=lambda params: {"school": _school(params).pk},
    user_ids=lambda params: _guardians(school_id=params["school"]),
    may_use=_staff_of(),
    describe=lambda params: _("Guardians of %(school)s") % {
        "school": School.objects.filter(pk=params["school"]).values_list("name", flat=True).first()},
))


# --- one grade ------------------------------------------------------------------------------

def _clean_grade(params: dict) -> dict:
    school = _school(params)
    grade = int_param(params, "grade")
    if not 1 <= grade <= 12:
        raise ValidationError(_("“grade” must be from 1 to 12."))
    return {"school": school.pk, "grade": grade}


register(SegmentKind(
    kind="grade_guardians",
    label=gettext_lazy("Guardians of a grade"),
    clean=_clean_grade,
    user_ids=lambda params: _guardians(school_id=params["school"], school_class__grade=params["grade"]),
    may_use=_staff_of(),
    describe=lambda params: _("Guardians of grade %(grade)d") % {"grade": params["grade"]},
))


# --- one class ------------------------------------------------------------------------------

def _clean_class(params: dict) -> dict:
    school_class = SchoolClass.objects.filter(pk=int_param(params, "class")).first()
    if school_class is None:
        raise ValidationError(_("No such class: %(id)s.") % {"id": params.get("class")})
    return {"class": school_class.pk, "school": school_class.school_id}


register(SegmentKind(
    kind="class_guardians",
    label=gettext_lazy("Guardians of a class"),
    clean=_clean_class,
    user_ids=lambda params: _guardians(school_class_id=params["class"]),
    may_use=_staff_of(),
    describe=lambda params: _("Guardians of class %(name)s") % {
        "name": str(SchoolClass.objects.filter(pk=params["class"]).first() or "?")},
))


# --- chosen children (also: one child's guardians, for gate passages) --------------------------

def _clean_children(params: dict) -> dict:
    ids = params.get("children")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ValidationError(_("“children” must be a non-empty list of numbers."))
    if len(ids) > MAX_CHILDREN:
        raise ValidationError(_("At most %(n)d children.") % {"n": MAX_CHILDREN})
    schools = set(Child.objects.filter(pk__in=ids).values_list("school_id", flat=True))
    found = Child.objects.filter(pk__in=ids).count()
    if found != len(set(ids)):
        raise ValidationError(_("Some of these children do not exist."))
    if len(schools) != 1:
        raise ValidationError(_("Choose children of one school."))
    cleaned = {"children": sorted(set(ids)), "school": schools.pop()}
    # Gate passages go only to guardians who consented to gate notices (set by the gate service).
    if params.get("consenting") is not None:
        if not isinstance(params["consenting"], bool):
            raise ValidationError(_("“consenting” must be true or false."))
        if params["consenting"]:
            cleaned["consenting"] = True
    return cleaned


def _children_guardians(params: dict) -> QuerySet:
    if params.get("consenting"):
        return _guardians(pk__in=params["children"]).filter(passage_consent_at__isnull=False)
    return _guardians(pk__in=params["children"])


register(SegmentKind(
    kind="child_guardians",
    label=gettext_lazy("Guardians of chosen children"),
    clean=_clean_children,
    user_ids=_children_guardians,
    may_use=_staff_of(),
    describe=lambda params: _("Guardians of %(n)d children") % {"n": len(params["children"])},
    # A passage names one child: a couple of guardians, told within the reader's request.
    few=lambda params: len(params["children"]) <= FEW_PEOPLE // 4,
))


# --- guardians in school districts (suspicious-person reports) -----------------------------------

def _clean_districts(params: dict) -> dict:
    ids = params.get("ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ValidationError(_("“ids” must be a non-empty list of numbers."))
    if SchoolDistrict.objects.filter(pk__in=ids).count() != len(set(ids)):
        raise ValidationError(_("Some of these school districts do not exist."))
    return {"ids": sorted(set(ids))}


def _may_warn_districts(user, params: dict) -> bool:
    from apps.childwatch.permissions import may_report_suspicious_person

    # Anyone who may report for at least one school in (or serving) these districts.
    schools = School.objects.filter(school_district_id__in=params["ids"])
    return any(may_report_suspicious_person(user, school) for school in schools)


register(SegmentKind(
    kind="guardians_in_school_districts",
    label=gettext_lazy("Guardians of schools in school districts"),
    clean=_clean_districts,
    user_ids=lambda params: _guardians(school__school_district_id__in=params["ids"]),
    may_use=_may_warn_districts,
    describe=lambda params: _("Guardians in %(names)s") % {"names": "、".join(
        SchoolDistrict.objects.filter(pk__in=params["ids"]).order_by("code").values_list("name", flat=True))},
))
