"""The school staff desk: classes, children, guardian links, service plans and watch volunteers.

Only staff of the school (the `school_staff` role scoped to it) get in; another school's
children, links, plans or volunteers answer 404 so their existence does not leak. Pages with
children's names are never cached.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.roles import Role
from apps.accounts.selectors import roles_of
from apps.accounts.services import audit
from apps.childwatch.forms_people import (
    ChildForm,
    ClassForm,
    LinkGuardianForm,
    PlanForm,
    SchoolChoiceForm,
    VolunteerForm,
)
from apps.childwatch.models import School
from apps.childwatch.selectors import people as selectors
from apps.childwatch.services import people as services

# --- helpers the other desk pages share ---------------------------------------------------------

def private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in only, and the answer (children's names) is kept by no cache or back button."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


def chosen_school(request: HttpRequest, schools: QuerySet[School]) -> School | None:
    """The school named by ?school= (404 if not one of `schools`), the only one, or None: ask."""
    raw = request.GET.get("school") or request.POST.get("school")
    if raw:
        if not str(raw).isdigit():
            raise Http404
        school = schools.filter(pk=int(raw)).first()
        if school is None:
            raise Http404
        return school
    return schools.first() if schools.count() == 1 else None


def form_errors(form: Form, error: ValidationError) -> None:
    """A service's ValidationError, shown at the field it names (or above the form)."""
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def school_url(name: str, school: School, *args) -> str:
    return f"{reverse(name, args=args)}?school={school.pk}"


def desk_links(school: School) -> list[tuple[str, str]]:
    """Links to the other desks (alert mail, gate log, suspicious persons), where they exist."""
    links = []
    for name, label in (("childwatch:alert_list", _("School alert mail")), ("childwatch:gate_log", _("Gate log")),
                        ("childwatch:report_list", _("Suspicious-person reports"))):
        for kwargs in ({}, {"school_id": school.pk}):
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            links.append((label, f"{url}?school={school.pk}" if not kwargs else url))
            break
    return links


def _school_or_pick(request: HttpRequest, page: str) -> School | HttpResponse:
    selectors.require_staff(request.user)
    schools = selectors.staff_schools(request.user)
    school = chosen_school(request, schools)
    if school is None:
        return render(request, "childwatch/people/pick_school.html", {
            "form": SchoolChoiceForm(schools=schools), "action": reverse(page)})
    return school


# --- the desk -----------------------------------------------------------------------------------

@private
def staff_home(request: HttpRequest) -> HttpResponse:
    if not selectors.staff_schools(request.user).exists() and Role.SCHOOL_STAFF in roles_of(request.user):
        # The role without a school yet (e.g. a new teacher): say what to do instead of refusing.
        return render(request, "childwatch/people/no_school.html")
    school = _school_or_pick(request, "childwatch:staff_home")
    if isinstance(school, HttpResponse):
        return school
    return render(request, "childwatch/people/staff_home.html", {
        "school": school, "classes": selectors.classes_of(school), "counts": selectors.school_counts(school),
        "unassigned": selectors.children_of(school).filter(school_class__isnull=True),
        "desk_links": desk_links(school), "several": selectors.staff_schools(request.user).count() > 1,
    })


@private
@require_http_methods(["GET", "POST"])
def class_edit(request: HttpRequest, class_id: int | None = None) -> HttpResponse:
    if class_id is None:
        school = _school_or_pick(request, "childwatch:class_add")
        if isinstance(school, HttpResponse):
            return school
        school_class = None
    else:
        school_class = selectors.class_for_staff(request.user, class_id)
        school = school_class.school
    form = ClassForm(request.POST) if request.method == "POST" else ClassForm.for_class(school_class)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_class(by=request.user, school=school, school_class=school_class, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Class %(name)s saved.") % {"name": saved})
            return redirect(school_url("childwatch:staff_home", school))
    children = selectors.children_of(school, school_class=school_class) if school_class else None
    return render(request, "childwatch/people/class_form.html", {
        "form": form, "school": school, "school_class": school_class, "children": children})


@private
@require_http_methods(["GET", "POST"])
def child_add(request: HttpRequest) -> HttpResponse:
    school = _school_or_pick(request, "childwatch:child_add")
    if isinstance(school, HttpResponse):
        return school
    form = ChildForm(request.POST, school=school) if request.method == "POST" else ChildForm(
        school=school, initial={"school_class": request.GET.get("class")})
    if request.method == "POST" and form.is_valid():
        try:
            child = services.save_child(by=request.user, school=school, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added. Now link the guardians.") % {"name": child.full_name})
            return redirect("childwatch:child_detail", child_id=child.pk)
    return render(request, "childwatch/people/child_form.html", {"form": form, "school": school, "child": None})


@private
@require_http_methods(["GET", "POST"])
def child_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    child = selectors.child_for_staff(request.user, child_id)
    form = ChildForm(request.POST, school=child.school) if request.method == "POST" else ChildForm.for_child(
        child.school, child)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_child(by=request.user, school=child.school, child=child, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("childwatch:child_detail", child_id=child.pk)
    return render(request, "childwatch/people/child_form.html", {"form": form, "school": child.school,
                                                                   "child": child})


@private
@require_http_methods(["GET", "POST"])
def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    """One child: their guardians (current and ended) and the form that links a guardian.

    Linking takes two steps: "Find" shows whose account the e-mail belongs to; "Link" needs
    the clerk to confirm they checked the person's identity.
    """
    child = selectors.child_for_staff(request.user, child_id)
    form = LinkGuardianForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        found = selectors.find_person_by_email(request.user, child.school, data["email"])
        if found is None:
            form.add_error("email", _("No account uses this e-mail address. Ask the guardian to create an "
                                      "account first, then try again with exactly that address."))
        elif "link" in request.POST and not data["identity_checked"]:
            form.add_error("identity_checked", _("Confirm that you checked who this person is."))
        elif "link" in request.POST:
            try:
                link = services.link_guardian(by=request.user, child=child, email=data["email"],
                                              relationship=data["relationship"])
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("%(person)s is now linked as a guardian of %(child)s.") % {
                    "person": link.guardian.email, "child": child.full_name})
                return redirect("childwatch:child_detail", child_id=child.pk)
    else:
        audit(user=request.user, action="childwatch.view_child", obj=child, detail="staff child page")
    return render(request, "childwatch/people/child_detail.html", {
        "child": child, "school": child.school, "guardianships": selectors.guardianships_of(child),
        "form": form, "found": found,
    }, status=400 if form.errors else 200)


@private
@require_POST
def guardianship_unlink(request: HttpRequest, guardianship_id: int) -> HttpResponse:
    link = selectors.guardianship_for_staff(request.user, guardianship_id)
    services.unlink_guardian(by=request.user, guardianship=link)
    messages.success(request, _("The link was ended. The record is kept, but %(person)s no longer sees this "
                                "child.") % {"person": link.guardian.email})
    return redirect("childwatch:child_detail", child_id=link.child_id)


# --- service plans --------------------------------------------------------------------------------

@private
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    school = _school_or_pick(request, "childwatch:plan_list")
    if isinstance(school, HttpResponse):
        return school
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.save_plan(by=request.user, school=school, name=data.pop("plan"), **data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The plan was added."))
            return redirect(school_url("childwatch:plan_list", school))
    return render(request, "childwatch/people/plans.html", {
        "school": school, "plans": selectors.plans_of(school), "form": form,
    }, status=400 if form.errors else 200)


@private
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_for_staff(request.user, plan_id)
    form = PlanForm(request.POST, editing=True) if request.method == "POST" else PlanForm.for_plan(plan)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.save_plan(by=request.user, school=plan.school, plan=plan, name=data.pop("plan"), **data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect(school_url("childwatch:plan_list", plan.school))
    return render(request, "childwatch/people/plan_form.html", {"plan": plan, "school": plan.school, "form": form})


# --- watch volunteers ------------------------------------------------------------------------------

@private
@require_http_methods(["GET", "POST"])
def volunteer_list(request: HttpRequest) -> HttpResponse:
    school = _school_or_pick(request, "childwatch:volunteer_list")
    if isinstance(school, HttpResponse):
        return school
    form = VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_volunteer(by=request.user, school=school, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The volunteer was registered."))
            return redirect(school_url("childwatch:volunteer_list", school))
    return render(request, "childwatch/people/volunteers.html", {
        "school": school, "volunteers": selectors.volunteers_of(school), "form": form,
    }, status=400 if form.errors else 200)


@private
@require_POST
def volunteer_active(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    volunteer = selectors.volunteer_for_staff(request.user, volunteer_id)
    services.set_volunteer_active(by=request.user, volunteer=volunteer, active=request.POST.get("active") == "1")
    messages.success(request, _("Saved."))
    return redirect(school_url("childwatch:volunteer_list", volunteer.school))


urlpatterns = [
    path("staff/", staff_home, name="staff_home"),
    path("staff/classes/add/", class_edit, name="class_add"),
    path("staff/classes/<int:class_id>/", class_edit, name="class_edit"),
    path("staff/children/add/", child_add, name="child_add"),
    path("staff/children/<int:child_id>/", child_detail, name="child_detail"),
    path("staff/children/<int:child_id>/edit/", child_edit, name="child_edit"),
    path("staff/guardianships/<int:guardianship_id>/unlink/", guardianship_unlink, name="guardianship_unlink"),
    path("staff/plans/", plan_list, name="plan_list"),
    path("staff/plans/<int:plan_id>/", plan_edit, name="plan_edit"),
    path("staff/volunteers/", volunteer_list, name="volunteer_list"),
    path("staff/volunteers/<int:volunteer_id>/active/", volunteer_active, name="volunteer_active"),
]
