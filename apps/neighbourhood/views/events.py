"""Event pages: list, detail with RSVP, create/edit/cancel, iCalendar feeds and downloads.

An event someone may not see answers 404, so member-only events of another association do
not leak. Feeds are public (public events) or private through a signed, revocable token.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.neighbourhood import ical
from apps.neighbourhood.choices import PostStatus
from apps.neighbourhood.forms_events import EventForm, RSVPForm
from apps.neighbourhood.forms_posts import CommentForm, ReportForm
from apps.neighbourhood.models import Association, Event
from apps.neighbourhood.permissions import is_officer, membership_of
from apps.neighbourhood.selectors import conversation as talk
from apps.neighbourhood.selectors import events as selectors
from apps.neighbourhood.services import conversation
from apps.neighbourhood.services import events as services


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            target = {"location": "lat"}.get(field, field)
            form.add_error(target if target in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _may_create(user, association: Association) -> bool:
    return membership_of(user, association) is not None


@require_GET
def event_list(request: HttpRequest, slug: str) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    visible = selectors.visible_events(request.user, association)
    membership = membership_of(request.user, association)
    private_feed = None
    if membership is not None:
        private_feed = request.build_absolute_uri(reverse(
            "neighbourhood:event_feed_private", args=[slug, services.feed_token(membership)]))
    return render(request, "neighbourhood/events/list.html", {
        "association": association, "upcoming": selectors.upcoming(visible),
        "past": selectors.past(visible)[:20], "may_create": _may_create(request.user, association),
        "is_officer": is_officer(request.user, association),
        "public_feed": request.build_absolute_uri(reverse("neighbourhood:event_feed", args=[slug])),
        "private_feed": private_feed,
    })


def _form_page(request: HttpRequest, association: Association, form: EventForm, event: Event | None) -> HttpResponse:
    # The association's area for the optional map (a click fills in latitude and longitude).
    area = {"area": json.loads(association.area.geojson), "name": association.name}
    return render(request, "neighbourhood/events/form.html", {"association": association, "form": form,
                                                              "event": event, "area_data": area},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    if not _may_create(request.user, association):
        raise PermissionDenied
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(author=request.user, association=association, **form.service_fields())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if event.status == PostStatus.PENDING_APPROVAL:
                messages.info(request, _("The event waits for an officer's approval."))
            else:
                messages.success(request, _("The event was published and members were notified."))
            return redirect("neighbourhood:event_detail", slug=slug, event_id=event.pk)
    return _form_page(request, association, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    event = selectors.event_for(request.user, association, event_id)
    if not services.may_manage(request.user, event):
        raise PermissionDenied
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(user=request.user, event=event, **form.service_fields())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The event was updated."))
            return redirect("neighbourhood:event_detail", slug=slug, event_id=event.pk)
    return _form_page(request, association, form, event)


def _detail(request: HttpRequest, association: Association, event: Event, form: RSVPForm | None = None,
            status: int = 200, comment_form: CommentForm | None = None) -> HttpResponse:
    user = request.user
    officer = is_officer(user, association)
    mine = selectors.my_rsvp(user, event)
    if form is None:
        form = RSVPForm(initial={"answer": mine.answer, "guests": mine.guests} if mine else None)
    return render(request, "neighbourhood/events/detail.html", {
        "association": association, "event": event, "form": form, "mine": mine,
        "is_member": membership_of(user, association) is not None, "is_officer": officer,
        "may_manage": user.is_authenticated and services.may_manage(user, event),
        "rsvp_open": selectors.rsvp_open(event), "counts": selectors.rsvp_counts(event),
        "attendees": selectors.attendees(event) if officer else None,
        "comments": talk.comments_on(event), "reactions": talk.reactions_on(event, user),
        "comment_form": comment_form or CommentForm(),
    }, status=status)


@require_http_methods(["GET", "POST"])
def event_detail(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    event = selectors.event_for(request.user, association, event_id)
    if request.method == "GET":
        return _detail(request, association, event)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    form = RSVPForm(request.POST)
    if form.is_valid():
        try:
            services.rsvp(user=request.user, event=event, answer=form.cleaned_data["answer"],
                          guests=form.cleaned_data["guests"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Your answer was saved."))
            return redirect("neighbourhood:event_detail", slug=slug, event_id=event.pk)
    return _detail(request, association, event, form=form, status=400)


@login_required
@require_POST
def event_cancel(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    event = selectors.event_for(request.user, association, event_id)
    services.cancel_event(user=request.user, event=event)
    messages.success(request, _("The event was cancelled."))
    return redirect("neighbourhood:event_detail", slug=slug, event_id=event.pk)


@login_required
@require_POST
def event_approve(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    event = selectors.event_for(request.user, association, event_id)
    try:
        services.approve_event(user=request.user, event=event)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The event was published and members were notified."))
    return redirect("neighbourhood:event_detail", slug=slug, event_id=event.pk)


@login_required
@require_POST
def event_feed_revoke(request: HttpRequest, slug: str) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    membership = membership_of(request.user, association)
    if membership is None:
        raise PermissionDenied
    services.revoke_feed_token(membership=membership)
    messages.success(request, _("A new private calendar address was made; the old one no longer works."))
    return redirect("neighbourhood:event_list", slug=slug)


# --- comments, reactions, reports (the shared conversation services) -----------------------

def _to_detail(event: Event) -> HttpResponse:
    return redirect("neighbourhood:event_detail", slug=event.association.slug, event_id=event.pk)


@login_required
@require_POST
def event_comment(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    event = selectors.event_for(request.user, association, event_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            conversation.add_comment(user=request.user, target=event, body=form.cleaned_data["body"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Your comment was added."))
            return _to_detail(event)
    return _detail(request, association, event, comment_form=form, status=400)


@login_required
@require_POST
def event_react(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    event = selectors.event_for(request.user, association, event_id)
    try:
        conversation.react(user=request.user, target=event, kind=request.POST.get("kind", ""),
                           remove=request.POST.get("remove") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _to_detail(event)


@login_required
@require_POST
def event_comments_closed(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    event = selectors.event_for(request.user, association, event_id)
    services.set_comments_closed(user=request.user, event=event, closed=request.POST.get("closed") == "1")
    return _to_detail(event)


@login_required
@require_http_methods(["GET", "POST"])
def event_report(request: HttpRequest, slug: str, event_id: int, comment_id: int | None = None) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    event = selectors.event_for(request.user, association, event_id)
    target = event
    if comment_id is not None:
        target = talk.comments_on(event).filter(pk=comment_id).first()
        if target is None:
            raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation.report(user=request.user, target=target, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Thank you. The officers will look at your report."))
            return _to_detail(event)
    return render(request, "neighbourhood/events/report.html", {"association": association, "event": event,
                                                                "form": form}, status=400 if form.is_bound else 200)


# --- iCalendar -----------------------------------------------------------------------------

def _ics(request: HttpRequest, events, *, name: str, filename: str) -> HttpResponse:
    def url_for(event: Event) -> str:
        return request.build_absolute_uri(reverse("neighbourhood:event_detail",
                                                  args=[event.association.slug, event.pk]))

    response = HttpResponse(ical.calendar(events, name=name, url_for=url_for),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def event_feed(request: HttpRequest, slug: str) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    return _ics(request, selectors.feed_events(association, include_members=False),
                name=association.name, filename=f"{slug}.ics")


@require_GET
def event_feed_private(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    if services.membership_for_token(association, token) is None:
        raise Http404
    return _ics(request, selectors.feed_events(association, include_members=True),
                name=association.name, filename=f"{slug}-members.ics")


@require_GET
def event_ics(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    association = selectors.association_by_slug(slug)
    event = selectors.event_for(request.user, association, event_id)
    if event.status != PostStatus.PUBLISHED:
        raise Http404
    return _ics(request, [event], name=association.name, filename=f"event-{event.pk}.ics")


urlpatterns = [
    path("<slug:slug>/events/", event_list, name="event_list"),
    path("<slug:slug>/events.ics", event_feed, name="event_feed"),
    path("<slug:slug>/events/new/", event_create, name="event_create"),
    path("<slug:slug>/events/feed/revoke/", event_feed_revoke, name="event_feed_revoke"),
    path("<slug:slug>/events/<int:event_id>/", event_detail, name="event_detail"),
    path("<slug:slug>/events/<int:event_id>.ics", event_ics, name="event_ics"),
    path("<slug:slug>/events/<int:event_id>/edit/", event_edit, name="event_edit"),
    path("<slug:slug>/events/<int:event_id>/cancel/", event_cancel, name="event_cancel"),
    path("<slug:slug>/events/<int:event_id>/approve/", event_approve, name="event_approve"),
    path("<slug:slug>/events/<int:event_id>/comments/", event_comment, name="event_comment"),
    path("<slug:slug>/events/<int:event_id>/react/", event_react, name="event_react"),
    path("<slug:slug>/events/<int:event_id>/comments-closed/", event_comments_closed, name="event_comments_closed"),
    path("<slug:slug>/events/<int:event_id>/report/", event_report, name="event_report"),
    path("<slug:slug>/events/<int:event_id>/comments/<int:comment_id>/report/", event_report,
         name="event_comment_report"),
    path("<slug:slug>/events/<str:token>.ics", event_feed_private, name="event_feed_private"),
]
