"""Directory, about page, joining, the officers' queue and member list, leaving, posting rules.

Pages work without JavaScript; the map only helps to place an address. Member lists are
for the association's officers; a plain member sees a count and the officers' names.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.services import audit
from apps.neighbourhood.choices import MemberRole, MembershipStatus
from apps.neighbourhood.forms_associations import DirectorySearchForm, JoinForm, ReasonForm, RoleForm, RulesForm
from apps.neighbourhood.models import Association
from apps.neighbourhood.permissions import is_officer, membership_of
from apps.neighbourhood.selectors import associations as selectors
from apps.neighbourhood.services import associations as services
from apps.neighbourhood.services.rules import rules_for
from apps.neighbourhood.views import networks


def home_url(association: Association) -> str:
    """The association's home page (built in posts); the about page until it exists."""
    try:
        return reverse("neighbourhood:association_home", args=[association.slug])
    except NoReverseMatch:
        return reverse("neighbourhood:association_public", args=[association.slug])


def _area_data(association: Association) -> dict:
    return {"area": json.loads(association.area.geojson), "name": association.name}


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    searched = form.is_bound and form.is_valid()
    data = form.cleaned_data if searched else {}
    found = selectors.directory(query=data.get("q", ""), point=data.get("point"))
    return render(request, "neighbourhood/associations/directory.html", {
        "form": form, "associations": found, "searched": searched and any(request.GET.values()),
        "place_label": data.get("place_label", ""), "point": data.get("point"),
    }, status=400 if form.is_bound and not searched else 200)


@require_GET
def association_public(request: HttpRequest, slug: str) -> HttpResponse:
    association = selectors.visible_association(request.user, slug)
    mine = membership_of(request.user, association)
    pending = request.user.is_authenticated and association.memberships.filter(
        user=request.user, status=MembershipStatus.PENDING).exists()
    return render(request, "neighbourhood/associations/about.html", {
        "association": association, "membership": mine, "pending": pending,
        "officers": selectors.officers_public(association) if mine else [],
        "is_officer": is_officer(request.user, association), "home_url": home_url(association),
        "area_data": _area_data(association),
    })


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, slug: str) -> HttpResponse:
    association = selectors.visible_association(request.user, slug)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_membership(user=request.user, association=association, real_name=data["real_name"],
                                        address=data["address"], location=data["location"], phone=data["phone"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your request was sent to the officers of %(name)s. You will be told "
                                        "when they decide.") % {"name": association.name})
            return redirect("neighbourhood:my_associations")
    return render(request, "neighbourhood/associations/join.html", {
        "association": association, "form": form, "area_data": _area_data(association),
    }, status=400 if form.is_bound else 200)


@login_required
@require_GET
def my_associations(request: HttpRequest) -> HttpResponse:
    memberships = [(m, home_url(m.association)) for m in selectors.my_memberships(request.user)]
    return render(request, "neighbourhood/associations/mine.html", {"memberships": memberships})


def _officer_association(request: HttpRequest, slug: str) -> Association:
    association = selectors.visible_association(request.user, slug)
    if not is_officer(request.user, association):
        raise PermissionDenied
    return association


@login_required
@require_GET
def membership_requests(request: HttpRequest, slug: str) -> HttpResponse:
    association = _officer_association(request, slug)
    pending = list(selectors.pending_requests(request.user, association))
    audit(user=request.user, action="neighbourhood.membership_requests", obj=association,
          detail=f"{len(pending)} requests")
    return render(request, "neighbourhood/associations/requests.html", {
        "association": association,
        "pending": [(m, ReasonForm(prefix=f"decline-{m.pk}")) for m in pending],
    })


@login_required
@require_POST
def approve(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    membership = selectors.membership_for_officer(request.user, membership_id)
    try:
        services.approve_membership(by=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is now a member.") % {"name": membership.real_name})
    return redirect("neighbourhood:membership_requests", slug=membership.association.slug)


@login_required
@require_POST
def decline(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    membership = selectors.membership_for_officer(request.user, membership_id)
    form = ReasonForm(request.POST, prefix=f"decline-{membership.pk}")
    if form.is_valid():
        try:
            services.decline_membership(by=request.user, membership=membership, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The request of %(name)s was declined.") % {"name": membership.real_name})
            return redirect("neighbourhood:membership_requests", slug=membership.association.slug)
    return render(request, "neighbourhood/associations/requests.html", {
        "association": membership.association, "pending": [(membership, form)],
    }, status=400)


def _members_page(request: HttpRequest, association: Association, *, forms: dict | None = None,
                  status: int = 200) -> HttpResponse:
    members = list(selectors.members_for(request.user, association))
    audit(user=request.user, action="neighbourhood.member_list", obj=association, detail=f"{len(members)} members")
    forms = forms or {}
    actor = membership_of(request.user, association)
    rows = [{"membership": m,
             "role_form": forms.get(("role", m.pk)) or RoleForm(prefix=f"role-{m.pk}", initial={"role": m.role}),
             "remove_form": forms.get(("remove", m.pk)) or ReasonForm(prefix=f"remove-{m.pk}")}
            for m in members]
    return render(request, "neighbourhood/associations/members.html", {
        "association": association, "rows": rows, "is_chair": actor.role == MemberRole.CHAIR,
        "me": actor, "pending_count": selectors.pending_requests(request.user, association).count(),
    }, status=status)


@login_required
@require_GET
def members(request: HttpRequest, slug: str) -> HttpResponse:
    return _members_page(request, _officer_association(request, slug))


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    membership = selectors.membership_for_officer(request.user, membership_id)
    form = RoleForm(request.POST, prefix=f"role-{membership.pk}")
    if form.is_valid():
        try:
            services.change_role(by=request.user, membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The role of %(name)s was changed.") % {"name": membership.real_name})
            return redirect("neighbourhood:members", slug=membership.association.slug)
    return _members_page(request, membership.association, forms={("role", membership.pk): form}, status=400)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    membership = selectors.membership_for_officer(request.user, membership_id)
    form = ReasonForm(request.POST, prefix=f"remove-{membership.pk}")
    if form.is_valid():
        try:
            services.remove_member(by=request.user, membership=membership, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.real_name})
            return redirect("neighbourhood:members", slug=membership.association.slug)
    return _members_page(request, membership.association, forms={("remove", membership.pk): form}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    association = selectors.visible_association(request.user, slug)
    error = ""
    if request.method == "POST":
        try:
            services.leave_association(user=request.user, association=association)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("You left %(name)s.") % {"name": association.name})
            return redirect("neighbourhood:my_associations")
    return render(request, "neighbourhood/associations/leave.html", {"association": association, "error": error},
                  status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, slug: str) -> HttpResponse:
    association = _officer_association(request, slug)
    current = rules_for(association=association)
    form = RulesForm(request.POST or None, initial={
        "members_may_post": current.members_may_post, "allowed_categories": current.allowed_categories,
        "max_posts_per_week": current.max_posts_per_week, "banned_words": current.banned_words,
        "approval_required": current.approval_required})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_rules(by=request.user, association=association, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The posting rules were saved."))
            return redirect("neighbourhood:rules", slug=association.slug)
    return render(request, "neighbourhood/associations/rules.html", {"association": association, "form": form},
                  status=400 if form.is_bound else 200)


urlpatterns = [
    path("", directory, name="directory"),
    *networks.routes,
    path("mine/", my_associations, name="my_associations"),
    path("<slug:slug>/about/", association_public, name="association_public"),
    path("<slug:slug>/join/", join, name="join"),
    path("<slug:slug>/leave/", leave, name="leave"),
    path("<slug:slug>/rules/", rules, name="rules"),
    path("<slug:slug>/members/", members, name="members"),
    path("<slug:slug>/members/requests/", membership_requests, name="membership_requests"),
    path("<slug:slug>/members/<int:membership_id>/approve/", approve, name="membership_approve"),
    path("<slug:slug>/members/<int:membership_id>/decline/", decline, name="membership_decline"),
    path("<slug:slug>/members/<int:membership_id>/role/", member_role, name="member_role"),
    path("<slug:slug>/members/<int:membership_id>/remove/", member_remove, name="member_remove"),
]
