"""Safety-check pages: start, one-tap answer (signed in or by personal link), live follow-up,
supporters' page, and registering as someone who needs help (要援護者).

Everything works without JavaScript: the live page has a plain "refresh" link (no meta refresh).
A check someone may not see answers 404, so its existence does not leak.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.services import audit
from apps.neighbourhood.choices import MembershipStatus
from apps.neighbourhood.forms_safety import AnswerForm, NeedsHelpForm, StartCheckForm, SupportersForm
from apps.neighbourhood.models import Association, Membership, SafetyCheck
from apps.neighbourhood.permissions import is_city_staff, is_officer, membership_of, officer_association_ids
from apps.neighbourhood.selectors import safety as selectors
from apps.neighbourhood.services import safety as services
from civicportal.security import over_rate_limit

T = "neighbourhood/safety/"


def _apply_errors(form, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    asked, followed = selectors.checks_for(request.user)
    may_start = bool(officer_association_ids(request.user)) or is_city_staff(request.user)
    return render(request, T + "overview.html", {"asked": asked, "followed": followed, "may_start": may_start})


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    staff = is_city_staff(request.user)
    associations = Association.objects.filter(pk__in=officer_association_ids(request.user))
    if not staff and not associations.exists():
        raise PermissionDenied(_("Only officers and city staff start safety checks."))
    form = StartCheckForm(request.POST or None, associations=associations, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.start_check(user=request.user, title=form.cleaned_data["title"],
                                         note=form.cleaned_data["note"],
                                         association=form.cleaned_data["association"],
                                         districts=form.cleaned_data.get("districts") or [])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The safety check has been sent to everyone asked."))
            return redirect("neighbourhood:safety_live", check.pk)
    return render(request, T + "start.html", {"form": form})


def _answer_page(request: HttpRequest, check: SafetyCheck, user_id: int, *, token: str = "") -> HttpResponse:
    form = AnswerForm(request.POST or None)
    current = check.answers.filter(user_id=user_id).first()
    if request.method == "POST" and check.closed_at is None and form.is_valid():
        try:
            services.answer(safety_check=check, user_id=user_id, status=form.cleaned_data["status"],
                            note=form.cleaned_data["note"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Thank you. Your answer has been recorded."))
            return redirect(request.path)
    status = 409 if check.closed_at is not None and request.method == "POST" else 200
    return render(request, T + "answer.html", {"check": check, "form": form, "current": current, "token": token},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, check_id: int) -> HttpResponse:
    check = selectors.visible_check(request.user, check_id)
    if not services.in_audience(safety_check=check, user_id=request.user.pk):
        # An officer following a district check but not asked in it: send them to the live page.
        return redirect("neighbourhood:safety_live", check.pk)
    return _answer_page(request, check, request.user.pk)


@require_http_methods(["GET", "POST"])
def answer_by_token(request: HttpRequest, token: str) -> HttpResponse:
    # The same limits as the API's answer-by-token: per link, plus a high per-address ceiling.
    if request.method == "POST" and (
        over_rate_limit("safety_token_page", token, limit=20)
        or over_rate_limit("safety_token_page_address", request.META.get("REMOTE_ADDR", ""), limit=30000)
    ):
        return render(request, T + "token_refused.html",
                      {"reason": _("Too many answers from this link. Please wait a minute and try again.")},
                      status=429)
    try:
        check_id, user_id = services.read_token(token)
    except ValidationError as exc:
        return render(request, T + "token_refused.html", {"reason": exc.message_dict["token"][0]}, status=400)
    check = SafetyCheck.objects.filter(pk=check_id).first()
    if check is None or not services.in_audience(safety_check=check, user_id=user_id):
        return render(request, T + "token_refused.html", {"reason": _("This answer link is not valid.")},
                      status=400)
    return _answer_page(request, check, user_id, token=token)


@login_required
def live(request: HttpRequest, check_id: int) -> HttpResponse:
    check = selectors.visible_check(request.user, check_id)
    if not selectors.may_follow(request.user, check):
        # A member sees only their own answer.
        return render(request, T + "mine.html", {"check": check, "current": selectors.own_answer(check, request.user),
                                                 "token": services.make_token(safety_check=check, user=request.user)})
    data = selectors.live(check, request.user)
    audit(user=request.user, action="neighbourhood.safety.live", obj=check,
          detail=f"answers {len(data.answered)}, unanswered {data.unanswered_count}, "
                 f"needs help {len(data.needs_help)}")
    template = "print.html" if request.GET.get("print") else "live.html"
    return render(request, T + template, {"live": data, "check": check,
                                          "answer_url": request.build_absolute_uri(services.answer_path(check))})


@login_required
def personal_links(request: HttpRequest, check_id: int) -> HttpResponse:
    """Officers send a personal answer link to someone individually (a call, a LINE message)."""
    check = selectors.visible_check(request.user, check_id)
    if not selectors.may_follow(request.user, check) or check.closed_at is not None:
        raise Http404
    data = selectors.live(check, request.user)
    audit(user=request.user, action="neighbourhood.safety.links", obj=check, detail="personal answer links")
    links = [(p, request.build_absolute_uri(reverse(
        "neighbourhood:safety_answer_token", args=[services.make_token(safety_check=check, user=p.user_id)])))
        for p in data.unanswered]
    return render(request, T + "links.html", {"check": check, "links": links})


@login_required
@require_POST
def close(request: HttpRequest, check_id: int) -> HttpResponse:
    check = selectors.visible_check(request.user, check_id)
    if not selectors.may_follow(request.user, check):
        raise Http404
    try:
        services.close_check(safety_check=check, user=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("The safety check is closed."))
    return redirect("neighbourhood:safety_live", check.pk)


@login_required
def supporter(request: HttpRequest) -> HttpResponse:
    people = selectors.supported_by(request.user)
    if people:
        audit(user=request.user, action="neighbourhood.safety.supporter", detail=f"{len(people)} people supported")
    return render(request, T + "supporter.html", {"people": people})


def _own_membership(request: HttpRequest, slug: str) -> Membership:
    association = get_object_or_404(Association, slug=slug)
    membership = membership_of(request.user, association)
    if membership is None:
        raise Http404
    return membership


@login_required
@require_http_methods(["GET", "POST"])
def needs_help(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _own_membership(request, slug)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        services.withdraw_needs_help(membership=membership)
        messages.success(request, _("Your registration has been withdrawn and its details deleted."))
        return redirect("neighbourhood:needs_help", slug)
    initial = {"needs": membership.needs_help_note} if membership.needs_help else None
    form = NeedsHelpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_needs_help(membership=membership, needs=form.cleaned_data["needs"],
                                         consent=form.cleaned_data["consent"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("You are registered as someone who needs help."))
            return redirect("neighbourhood:needs_help", slug)
    return render(request, T + "needs_help.html", {"membership": membership, "form": form,
                                                   "supporter_count": membership.supporters.count()})


def _officer_association(request: HttpRequest, slug: str) -> Association:
    association = get_object_or_404(Association, slug=slug)
    if not is_officer(request.user, association):
        raise Http404
    return association


@login_required
def needs_help_list(request: HttpRequest, slug: str) -> HttpResponse:
    association = _officer_association(request, slug)
    people = list(selectors.needs_help_members(association.pk))
    names = dict(Membership.objects.filter(association=association).values_list("user_id", "real_name"))
    audit(user=request.user, action="neighbourhood.needs_help.list", obj=association,
          detail=f"{len(people)} members who need help")
    rows = [(m, [names.get(s.pk, str(s)) for s in m.supporters.all()]) for m in people]
    return render(request, T + "needs_help_list.html", {"association": association, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def needs_help_supporters(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    association = _officer_association(request, slug)
    membership = get_object_or_404(Membership, pk=membership_id, association=association, needs_help=True,
                                   status=MembershipStatus.ACTIVE)
    candidates = (Membership.objects.filter(association=association, status=MembershipStatus.ACTIVE)
                  .exclude(pk=membership.pk).order_by("real_name"))
    chosen = candidates.filter(user__in=membership.supporters.all())
    form = SupportersForm(request.POST or None, candidates=candidates, initial={"supporters": chosen})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_supporters(membership=membership, officer=request.user,
                                    supporter_ids=[m.user_id for m in form.cleaned_data["supporters"]])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Supporters saved."))
            return redirect("neighbourhood:needs_help_list", slug)
    audit(user=request.user, action="neighbourhood.needs_help.view", obj=membership, detail="supporters page")
    return render(request, T + "supporters.html", {"association": association, "membership": membership,
                                                   "form": form})


urlpatterns = [
    path("safety/", overview, name="safety_overview"),
    path("safety/start/", start, name="safety_start"),
    path("safety/supporting/", supporter, name="safety_supporter"),
    path("safety/answer/<str:token>/", answer_by_token, name="safety_answer_token"),
    path("safety/<int:check_id>/", live, name="safety_live"),
    path("safety/<int:check_id>/answer/", answer, name="safety_answer"),
    path("safety/<int:check_id>/links/", personal_links, name="safety_links"),
    path("safety/<int:check_id>/close/", close, name="safety_close"),
    path("safety/needs-help/<slug:slug>/", needs_help, name="needs_help"),
    path("safety/needs-help/<slug:slug>/members/", needs_help_list, name="needs_help_list"),
    path("safety/needs-help/<slug:slug>/members/<int:membership_id>/", needs_help_supporters,
         name="needs_help_supporters"),
]
