"""Tickets on the counter floor: issue a number, call the next, serve, finish or mark no-show.

Every change is one transaction on the locked ticket; a step out of order is refused with the
reason (ValidationError on `state`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.counter.models import CounterWindow, FloorQueue, Ticket, TicketDay, TicketState
from apps.counter.permissions_floor import may_work_queue

# Which state each action may start from.
_ALLOWED_FROM = {
    "serve": {TicketState.CALLED},
    "done": {TicketState.SERVING, TicketState.CALLED},
    "no_show": {TicketState.CALLED},
    "recall": {TicketState.CALLED},
}


def _check_staff(user: User, queue: FloorQueue) -> None:
    if not may_work_queue(user, queue):
        raise PermissionDenied(_("Only staff of the queue's department can work this queue."))


def _next_number(queue: FloorQueue, date) -> int:
    """Raise the day's counter under a row lock; the first ticket of the day creates the row."""
    try:
        with transaction.atomic():
            TicketDay.objects.get_or_create(queue=queue, date=date)
    except IntegrityError:
        pass  # another kiosk created today's row at the same moment: it exists now
    updated = TicketDay.objects.filter(queue=queue, date=date).update(last_number=F("last_number") + 1)
    if updated != 1:  # pragma: no cover - the row was made just above
        raise ValidationError({"queue": _("Could not number the ticket; try again.")})
    return TicketDay.objects.select_for_update().get(queue=queue, date=date).last_number


@transaction.atomic
def issue_ticket(*, queue: FloorQueue, issued_by: User | None = None, resident: User | None = None) -> Ticket:
    """A new numbered ticket for today. Staff issue it (a kiosk is a staff session)."""
    if issued_by is not None:
        _check_staff(issued_by, queue)
    if not queue.is_active:
        raise ValidationError({"queue": _("This queue is closed today.")})
    today = timezone.localdate()
    number = _next_number(queue, today)
    return Ticket.objects.create(queue=queue, date=today, number=number, resident=resident, issued_by=issued_by)


@transaction.atomic
def call_next(*, window: CounterWindow, user: User) -> Ticket:
    """Call the longest-waiting ticket of the window's queue to this window."""
    queue = window.queue
    _check_staff(user, queue)
    if not window.is_active:
        raise ValidationError({"window": _("This window is closed.")})
    busy = Ticket.objects.filter(window=window, state__in=[TicketState.CALLED, TicketState.SERVING],
                                 date=timezone.localdate()).first()
    if busy is not None:
        raise ValidationError({"window": _("Ticket %(number)s is still at this window: finish it first.")
                               % {"number": busy.display_number}})
    ticket = (Ticket.objects.select_for_update(skip_locked=True)
              .filter(queue=queue, date=timezone.localdate(), state=TicketState.WAITING)
              .order_by("number").first())
    if ticket is None:
        raise ValidationError({"queue": _("Nobody is waiting in this queue.")})
    ticket.state = TicketState.CALLED
    ticket.window = window
    ticket.handled_by = user
    ticket.called_at = timezone.now()
    ticket.save(update_fields=["state", "window", "handled_by", "called_at"])
    return ticket


@transaction.atomic
def move_ticket(*, ticket: Ticket, action: str, user: User) -> Ticket:
    """serve, done, no_show or recall (call again, i.e. nothing changes but the call time)."""
    if action not in _ALLOWED_FROM:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}})
    ticket = Ticket.objects.select_for_update().select_related("queue").get(pk=ticket.pk)
    _check_staff(user, ticket.queue)
    if ticket.state not in _ALLOWED_FROM[action]:
        raise ValidationError({"state": _("Ticket %(number)s is “%(state)s”; it cannot be moved that way.")
                               % {"number": ticket.display_number, "state": ticket.get_state_display()}})
    now = timezone.now()
    fields = ["state", "handled_by"]
    ticket.handled_by = user
    if action == "serve":
        ticket.state, ticket.serving_at = TicketState.SERVING, now
        fields.append("serving_at")
    elif action == "done":
        ticket.state, ticket.finished_at = TicketState.DONE, now
        fields.append("finished_at")
    elif action == "no_show":
        ticket.state, ticket.finished_at = TicketState.NO_SHOW, now
        fields.append("finished_at")
    else:
        ticket.called_at = now
        fields.append("called_at")
    ticket.save(update_fields=fields)
    return ticket
