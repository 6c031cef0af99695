"""Every write about a school's people: classes, children, guardian links, consent, plans, volunteers.

Rules live here, not in the pages or the API: only the school's own staff change its records,
a guardian is linked by exact e-mail after the clerk checked who they are, and an ended link is
kept (inactive) so the record of who was linked, and by whom, survives.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.services import audit
from apps.childwatch.choices import PlanStatus
from apps.childwatch.models import Child, Guardianship, School, SchoolClass, ServicePlan, WatchVolunteer
from apps.childwatch.permissions import is_school_staff
from apps.notifications.choices import Category
from apps.notifications.services import subscribe_topic

MAX_GRADE = 9  # 小学校 1–6, 中学校 as 7–9 where a school runs both (義務教育学校)


def _require_staff(by: User, school: School | int) -> None:
    if not is_school_staff(by, school):
        raise PermissionDenied(_("Only this school's staff can do this."))


def _person(email: str, field: str = "email") -> User:
    email = (email or "").strip()
    if not email:
        raise ValidationError({field: _("Enter the person's e-mail address.")})
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise ValidationError({field: _(
            "No account uses this e-mail address. Ask the person to create an account first, "
            "then try again with exactly the address they signed up with.")})
    return user


def _text(errors: dict, field: str, value: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > limit:
        errors[field] = _("Use at most %(n)d characters.") % {"n": limit}
    return value


# --- classes ----------------------------------------------------------------------------------

def _teacher(school: School, email: str) -> User | None:
    if not (email or "").strip():
        return None
    teacher = _person(email, "teacher_email")
    if not is_school_staff(teacher, school):
        raise ValidationError({"teacher_email": _("The class teacher must be on this school's staff.")})
    return teacher


def save_class(*, by: User, school: School, school_class: SchoolClass | None = None, year: int, grade: int,
               name: str, teacher_email: str = "") -> SchoolClass:
    _require_staff(by, school)
    errors: dict[str, str] = {}
    name = _text(errors, "name", name, 20)
    if not 2000 <= year <= 2100:
        errors["year"] = _("Give the school year as the April it starts, e.g. 2026.")
    if not 1 <= grade <= MAX_GRADE:
        errors["grade"] = _("The grade must be from 1 to %(n)d.") % {"n": MAX_GRADE}
    duplicate = SchoolClass.objects.filter(school=school, year=year, grade=grade, name=name)
    if school_class is not None:
        duplicate = duplicate.exclude(pk=school_class.pk)
    if not errors and duplicate.exists():
        errors["name"] = _("This school already has that class in that year.")
    if errors:
        raise ValidationError(errors)
    teacher = _teacher(school, teacher_email)
    school_class = school_class or SchoolClass(school=school)
    school_class.year, school_class.grade, school_class.name, school_class.teacher = year, grade, name, teacher
    school_class.save()
    return school_class


# --- children ---------------------------------------------------------------------------------

def save_child(*, by: User, school: School, child: Child | None = None, full_name: str, given_name: str,
               name_kana: str = "", school_class: SchoolClass | None = None, is_active: bool = True) -> Child:
    _require_staff(by, school)
    if child is not None and child.school_id != school.pk:
        raise PermissionDenied
    errors: dict[str, str] = {}
    full_name = _text(errors, "full_name", full_name, 80)
    given_name = _text(errors, "given_name", given_name, 40)
    name_kana = _text(errors, "name_kana", name_kana, 120, required=False)
    if school_class is not None and school_class.school_id != school.pk:
        errors["school_class"] = _("Choose one of this school's classes.")
    if errors:
        raise ValidationError(errors)
    child = child or Child(school=school)
    child.full_name, child.given_name, child.name_kana = full_name, given_name, name_kana
    child.school_class, child.is_active = school_class, is_active
    child.save()
    return child


# --- guardians --------------------------------------------------------------------------------

@transaction.atomic
def link_guardian(*, by: User, child: Child, email: str, relationship: str = "") -> Guardianship:
    """Link the account with exactly this e-mail to the child (the clerk has checked who they are)."""
    _require_staff(by, child.school_id)
    errors: dict[str, str] = {}
    relationship = _text(errors, "relationship", relationship, 20, required=False)
    if errors:
        raise ValidationError(errors)
    if not child.is_active:
        raise ValidationError({"child": _("This child has left the school; link guardians of enrolled children only.")})
    guardian = _person(email)
    link = Guardianship.objects.select_for_update().filter(guardian=guardian, child=child).order_by("pk").first()
    if link is not None and link.is_active:
        raise ValidationError({"email": _("This person is already a guardian of this child.")})
    if link is None:
        link = Guardianship.objects.create(guardian=guardian, child=child, relationship=relationship, verified_by=by)
    else:
        # A guardian linked again starts afresh: a new check, and consent asked again.
        link.relationship, link.verified_by, link.verified_at = relationship, by, timezone.now()
        link.is_active, link.passage_consent_at = True, None
        link.save()
    # Linking is the guardian's opt-in to school messages (alerts, gate notices): without the
    # "children" topic the engine would hold back everything but emergencies. They can drop it.
    subscribe_topic(user=guardian, category=Category.CHILDREN)
    audit(user=by, action="childwatch.link_guardian", obj=link, detail=f"child #{child.pk}")
    return link


@transaction.atomic
def unlink_guardian(*, by: User, guardianship: Guardianship) -> Guardianship:
    """End a guardianship; the row stays (inactive) as the record, and its consent goes with it."""
    _require_staff(by, guardianship.child.school_id)
    if guardianship.is_active:
        guardianship.is_active, guardianship.passage_consent_at = False, None
        guardianship.save(update_fields=["is_active", "passage_consent_at"])
        audit(user=by, action="childwatch.unlink_guardian", obj=guardianship,
              detail=f"child #{guardianship.child_id}")
    return guardianship


def set_passage_consent(*, guardianship: Guardianship, by: User, consent: bool) -> Guardianship:
    """A guardian gives or withdraws consent to gate notices for one child (their own link only)."""
    if guardianship.guardian_id != by.pk or not guardianship.is_active:
        raise PermissionDenied
    if consent and guardianship.passage_consent_at is None:
        guardianship.passage_consent_at = timezone.now()
    elif not consent:
        guardianship.passage_consent_at = None
    guardianship.save(update_fields=["passage_consent_at"])
    return guardianship


# --- service plans ----------------------------------------------------------------------------

def save_plan(*, by: User, school: School, plan: ServicePlan | None = None, guardian_email: str = "",
              name: str, monthly_fee_yen: int, status: str, period_start: dt.date,
              period_end: dt.date | None = None, note: str = "") -> ServicePlan:
    _require_staff(by, school)
    errors: dict[str, str] = {}
    name = _text(errors, "plan", name, 40)
    note = _text(errors, "note", note, 200, required=False)
    if status not in PlanStatus.values:
        errors["status"] = _("Choose a status from the list.")
    if not 0 <= monthly_fee_yen <= 100_000:
        errors["monthly_fee_yen"] = _("The monthly fee must be from 0 to 100,000 yen.")
    if period_end is not None and period_end < period_start:
        errors["period_end"] = _("The end must not be before the start.")
    if errors:
        raise ValidationError(errors)
    if plan is None:
        guardian = _person(guardian_email, "guardian_email")
        if not Guardianship.objects.filter(guardian=guardian, child__school=school, is_active=True).exists():
            raise ValidationError({"guardian_email": _("This person is not a guardian of a child at this school.")})
        plan = ServicePlan(school=school, guardian=guardian)
    elif plan.school_id != school.pk:
        raise PermissionDenied
    plan.plan, plan.monthly_fee_yen, plan.status, plan.note = name, monthly_fee_yen, status, note
    plan.period_start, plan.period_end = period_start, period_end
    plan.save()
    return plan


# --- watch volunteers -------------------------------------------------------------------------

def register_volunteer(*, by: User, school: School, email: str, area: str = "") -> WatchVolunteer:
    _require_staff(by, school)
    errors: dict[str, str] = {}
    area = _text(errors, "area", area, 200, required=False)
    if errors:
        raise ValidationError(errors)
    user = _person(email)
    volunteer, created = WatchVolunteer.objects.get_or_create(user=user, school=school, defaults={"area": area})
    if not created:
        if volunteer.is_active:
            raise ValidationError({"email": _("This person is already a volunteer of this school.")})
        volunteer.is_active, volunteer.area = True, area or volunteer.area
        volunteer.save(update_fields=["is_active", "area"])
    return volunteer


def set_volunteer_active(*, by: User, volunteer: WatchVolunteer, active: bool) -> WatchVolunteer:
    _require_staff(by, volunteer.school_id)
    volunteer.is_active = active
    volunteer.save(update_fields=["is_active"])
    return volunteer
