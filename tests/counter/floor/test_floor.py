"""Counter floor: numbered tickets, the lobby screen, staff calling the next ticket."""

from __future__ import annotations

import re
import threading

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from apps.counter.models import Ticket, TicketState
from apps.counter.services import floor as services


def test_a_clerk_serves_a_walk_in_with_a_ticket_shown_on_the_lobby_screen(client, english, clerk, queue, make_user):
    """Done-when: a clerk serves a walk-in with a ticket shown on the lobby screen."""
    walk_in = make_user("resident", email="walk-in@example.jp")
    client.force_login(clerk)
    floor = reverse("counter:floor_staff") + "?queue=moves"
    response = client.post(reverse("counter:ticket_issue", args=["moves"]), {"resident_email": walk_in.email},
                           follow=True)
    assert "Ticket A-001 issued." in response.content.decode()
    ticket = Ticket.objects.get()
    assert (ticket.number, ticket.resident, ticket.state) == (1, walk_in, TicketState.WAITING)
    assert walk_in.email in response.content.decode()  # the staff page names the resident, audited
    from apps.accounts.models import AuditEntry

    assert AuditEntry.objects.filter(user=clerk, action="counter.floor.view").exists()

    client.logout()  # the lobby screen has no login
    lobby = client.get(reverse("counter:lobby")).content.decode()
    assert '<meta http-equiv="refresh" content="10">' in lobby
    assert "A-001" in lobby and "1 person waiting" in lobby

    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # signing out dropped the language choice
    window = queue.windows.get(label="2番窓口")
    response = client.post(reverse("counter:call_next", args=[window.pk]), follow=True)
    assert "Called A-001 to 2番窓口." in response.content.decode()
    client.logout()
    lobby = client.get(reverse("counter:lobby")).content.decode()
    row = re.search(r'<tr class="lobby-called"><td class="lobby-number">A-001</td><td>2番窓口</td><td>▶ Called</td>',
                    lobby)
    assert row is not None
    assert "0 people waiting" in lobby

    client.force_login(clerk)
    client.post(reverse("counter:ticket_move", args=[ticket.pk, "serve"]))
    client.logout()
    assert "Being served" in client.get(reverse("counter:lobby")).content.decode()
    client.force_login(clerk)
    response = client.post(reverse("counter:ticket_move", args=[ticket.pk, "done"]))
    assert response.status_code == 302 and response["Location"] == floor
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DONE and ticket.finished_at is not None
    client.logout()
    assert "A-001" not in client.get(reverse("counter:lobby")).content.decode()


def test_the_lobby_never_shows_who_holds_a_ticket(client, clerk, queue, make_user):
    resident = make_user("resident", email="taro.yamada@example.jp", first_name="太郎", last_name="山田")
    services.issue_ticket(queue=queue, issued_by=clerk, resident=resident)
    services.call_next(window=queue.windows.first(), user=clerk)
    for url in (reverse("counter:lobby"), reverse("api:counter-floor-lobby")):
        body = client.get(url).content.decode()
        assert "A-001" in body
        assert "taro.yamada" not in body and "山田" not in body and "太郎" not in body


def test_numbers_count_up_per_queue_and_day_and_are_never_reused(clerk, queue):
    numbers = [services.issue_ticket(queue=queue, issued_by=clerk).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    Ticket.objects.filter(number=3).delete()  # a ticket removed in the admin does not free its number
    assert services.issue_ticket(queue=queue, issued_by=clerk).number == 4
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    Ticket.objects.update(date=yesterday)
    # (the day's counter row is what decides; a new day starts again at 1)
    from apps.counter.models import TicketDay

    TicketDay.objects.update(date=yesterday)
    assert services.issue_ticket(queue=queue, issued_by=clerk).number == 1


@pytest.mark.django_db(transaction=True)
def test_tickets_issued_at_the_same_moment_get_different_numbers(clerk, queue):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises every write by itself")
    errors: list[Exception] = []
    barrier = threading.Barrier(6)

    def issue() -> None:
        try:
            barrier.wait()
            services.issue_ticket(queue=queue, issued_by=clerk)
        except Exception as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_steps_out_of_order_are_refused_with_the_reason(english, clerk, queue):
    ticket = services.issue_ticket(queue=queue, issued_by=clerk)
    with pytest.raises(ValidationError) as refused:
        services.move_ticket(ticket=ticket, action="serve", user=clerk)
    assert "state" in refused.value.message_dict
    window = queue.windows.first()
    services.call_next(window=window, user=clerk)
    services.move_ticket(ticket=ticket, action="done", user=clerk)
    with pytest.raises(ValidationError) as twice:
        services.move_ticket(ticket=ticket, action="done", user=clerk)
    assert "cannot be moved" in twice.value.message_dict["state"][0]
    with pytest.raises(ValidationError) as nobody:
        services.call_next(window=window, user=clerk)
    assert "queue" in nobody.value.message_dict


def test_a_window_finishes_its_ticket_before_calling_another(clerk, queue):
    window = queue.windows.first()
    first = services.issue_ticket(queue=queue, issued_by=clerk)
    services.issue_ticket(queue=queue, issued_by=clerk)
    services.call_next(window=window, user=clerk)
    with pytest.raises(ValidationError) as busy:
        services.call_next(window=window, user=clerk)
    assert "A-001" in busy.value.message_dict["window"][0]
    services.move_ticket(ticket=first, action="no_show", user=clerk)
    assert services.call_next(window=window, user=clerk).number == 2


def test_staff_of_another_department_and_residents_cannot_work_the_queue(client, queue, road_clerk, make_user, clerk):
    with pytest.raises(PermissionDenied):
        services.issue_ticket(queue=queue, issued_by=road_clerk)
    ticket = services.issue_ticket(queue=queue, issued_by=clerk)
    resident = make_user("resident")
    for user in (road_clerk, resident):
        client.force_login(user)
        page = client.get(reverse("counter:floor_staff"))
        assert page.status_code == (200 if user == road_clerk else 403)
        assert "住民異動" not in page.content.decode()
        assert client.post(reverse("counter:ticket_issue", args=["moves"])).status_code == 403
        assert client.post(reverse("counter:ticket_move", args=[ticket.pk, "serve"])).status_code == 403
    ticket.refresh_from_db()
    assert ticket.state == TicketState.WAITING and Ticket.objects.count() == 1


def test_the_floor_api_issues_calls_and_refuses_bad_input(clerk, queue):
    from rest_framework.test import APIClient

    api = APIClient()
    assert api.post(reverse("api:counter-floor-issue"), {"queue": "moves"}, format="json").status_code in (401, 403)
    api.force_authenticate(user=clerk)
    created = api.post(reverse("api:counter-floor-issue"), {"queue": "moves"}, format="json")
    assert created.status_code == 201 and created.json()["number"] == "A-001"
    wrong = api.post(reverse("api:counter-floor-issue"), {"queue": "nope", "colour": "red"}, format="json")
    assert wrong.status_code == 400 and set(wrong.json()["errors"]) == {"queue", "colour"}
    window = queue.windows.first()
    called = api.post(reverse("api:counter-floor-call-next"), {"window": window.pk}, format="json")
    assert called.status_code == 200 and called.json()["window"] == window.label
    twice = api.post(reverse("api:counter-floor-move", args=[created.json()["id"]]), {"action": "no_show"},
                     format="json")
    assert twice.status_code == 200
    again = api.post(reverse("api:counter-floor-move", args=[created.json()["id"]]), {"action": "serve"},
                     format="json")
    assert again.status_code == 400 and "state" in again.json()["errors"]
    lobby = APIClient().get(reverse("api:counter-floor-lobby")).json()
    assert lobby[0]["code"] == "moves" and lobby[0]["waiting"] == 0
