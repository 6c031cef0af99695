"""The counter floor: the lobby screen (public, numbers only) and the staff page that calls tickets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.services import audit
from apps.counter.forms_floor import IssueTicketForm
from apps.counter.models import CounterWindow, Ticket
from apps.counter.permissions_floor import is_city_staff
from apps.counter.selectors import floor as selectors
from apps.counter.services import floor as services

LOBBY_REFRESH_SECONDS = 10


@require_GET
def lobby(request: HttpRequest) -> HttpResponse:
    """The lobby screen: refreshes itself with a meta tag, so it needs no JavaScript and no login."""
    queue_code = request.GET.get("queue", "")[:40] or None
    response = render(request, "counter/floor/lobby.html", {
        "queues": selectors.lobby(queue_code), "refresh": LOBBY_REFRESH_SECONDS, "queue_code": queue_code or ""})
    response["Cache-Control"] = "no-store"
    return response


def _staff_queues(request: HttpRequest):
    queues = selectors.queues_for(request.user)
    if not queues.exists():
        raise PermissionDenied(_("Only city staff of a department with a counter queue can use this page."))
    return queues


def _messages_from(request: HttpRequest, exc: ValidationError) -> None:
    for errors in exc.message_dict.values():
        for error in errors:
            messages.error(request, error)


@require_GET
@login_required
def floor_staff(request: HttpRequest) -> HttpResponse:
    if not is_city_staff(request.user):
        raise PermissionDenied(_("Only city staff can use the counter floor page."))
    queues = selectors.queues_for(request.user)
    if not queues.exists():
        return render(request, "counter/floor/staff.html", {"queues": queues, "queue": None})
    queue = queues.filter(code=request.GET.get("queue", "")).first() or queues.first()
    tickets = list(selectors.staff_tickets(queue))
    named = sum(1 for t in tickets if t.resident_id)
    if named:  # the page shows residents' e-mail addresses: a staff read of personal data
        audit(user=request.user, action="counter.floor.view", obj=queue, detail=f"{named} named tickets")
    return render(request, "counter/floor/staff.html", {
        "queues": queues, "queue": queue, "windows": selectors.windows_of(queue),
        "tickets": tickets, "form": IssueTicketForm(),
        "waiting": selectors.staff_tickets(queue).filter(state="waiting").count(),
    })


def _back(queue) -> HttpResponse:
    return redirect(f"{reverse('counter:floor_staff')}?queue={queue.code}")


@require_http_methods(["POST"])
@login_required
def ticket_issue(request: HttpRequest, queue_code: str) -> HttpResponse:
    queue = get_object_or_404(_staff_queues(request), code=queue_code)
    form = IssueTicketForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(queue)
    try:
        ticket = services.issue_ticket(queue=queue, issued_by=request.user,
                                       resident=form.cleaned_data["resident_email"])
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("Ticket %(number)s issued.") % {"number": ticket.display_number})
    return _back(queue)


@require_POST
@login_required
def call_next(request: HttpRequest, window_id: int) -> HttpResponse:
    window = get_object_or_404(CounterWindow.objects.select_related("queue"), pk=window_id,
                               queue__in=_staff_queues(request))
    try:
        ticket = services.call_next(window=window, user=request.user)
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("Called %(number)s to %(window)s.") % {
            "number": ticket.display_number, "window": window.label})
    return _back(window.queue)


@require_POST
@login_required
def ticket_move(request: HttpRequest, ticket_id: int, action: str) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.select_related("queue"), pk=ticket_id,
                               queue__in=_staff_queues(request))
    try:
        services.move_ticket(ticket=ticket, action=action, user=request.user)
    except ValidationError as exc:
        _messages_from(request, exc)
    return _back(ticket.queue)


urlpatterns = [
    path("lobby/", lobby, name="lobby"),
    path("floor/", floor_staff, name="floor_staff"),
    path("floor/<slug:queue_code>/issue/", ticket_issue, name="ticket_issue"),
    path("floor/windows/<int:window_id>/call-next/", call_next, name="call_next"),
    path("floor/tickets/<int:ticket_id>/<slug:action>/", ticket_move, name="ticket_move"),
]
