"""Reads of the counter floor. The lobby's are public and carry numbers and states only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.counter.models import CounterWindow, FloorQueue, Ticket, TicketState
from apps.counter.permissions_floor import AnyUser, department_ids, is_city_staff

LOBBY_RECENT = 6


@dataclass(frozen=True)
class LobbyTicket:
    number: str
    state: str
    state_label: str
    window: str


@dataclass(frozen=True)
class LobbyQueue:
    code: str
    prefix: str
    name: str
    name_en: str
    waiting: int
    now_called: list[LobbyTicket]
    next_up: list[str]


def lobby(queue_code: str | None = None) -> list[LobbyQueue]:
    """What the lobby screen shows: per queue, tickets at windows and the next numbers. No people."""
    today = timezone.localdate()
    queues = FloorQueue.objects.filter(is_active=True).order_by("prefix")
    if queue_code:
        queues = queues.filter(code=queue_code)
    result = []
    for queue in queues:
        tickets = Ticket.objects.filter(queue=queue, date=today)
        at_windows = (tickets.filter(state__in=[TicketState.CALLED, TicketState.SERVING])
                      .select_related("window").order_by("-called_at")[:LOBBY_RECENT])
        waiting = tickets.filter(state=TicketState.WAITING).order_by("number")
        result.append(LobbyQueue(
            code=queue.code, prefix=queue.prefix, name=queue.name, name_en=queue.name_en,
            waiting=waiting.count(),
            now_called=[LobbyTicket(number=f"{queue.prefix}-{t.number:03d}", state=t.state,
                                    state_label=str(TicketState(t.state).label),
                                    window=t.window.label if t.window else "")
                        for t in at_windows],
            next_up=[f"{queue.prefix}-{n:03d}" for n in waiting.values_list("number", flat=True)[:LOBBY_RECENT]],
        ))
    return result


def queues_for(user: AnyUser) -> QuerySet[FloorQueue]:
    if not is_city_staff(user):
        return FloorQueue.objects.none()
    ids = department_ids(user)
    queues = FloorQueue.objects.select_related("department").order_by("prefix")
    return queues if ids is None else queues.filter(department_id__in=ids)


def windows_of(queue: FloorQueue) -> QuerySet[CounterWindow]:
    return queue.windows.filter(is_active=True).order_by("label")


def staff_tickets(queue: FloorQueue) -> QuerySet[Ticket]:
    """Today's tickets of one queue for the staff page (the resident's name only here)."""
    return (Ticket.objects.filter(queue=queue, date=timezone.localdate())
            .select_related("queue", "window", "resident").order_by("number"))


def waiting_counts() -> dict[str, int]:
    today = timezone.localdate()
    return dict(FloorQueue.objects.filter(is_active=True).annotate(
        n=Count("tickets", filter=Q(tickets__date=today, tickets__state=TicketState.WAITING)))
        .values_list("code", "n"))
