"""The life-event navigator: questions make the list; reminders for what is left, sent once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.counter.choices_procedures import PlanItemStatus
from apps.counter.models import LifeEvent, LifeEventPlan
from apps.counter.services.lifeevents import MAX_REMINDERS, create_plan, send_reminders
from apps.counter.tasks import send_life_event_reminders
from apps.notifications.models import Message

pytestmark = pytest.mark.django_db


def moving_in(user, **answers):
    base = {"nhi": False, "has_children": False, "school_children": False, "bulky_waste": False}
    return create_plan(user=user, event=LifeEvent.objects.get(slug="moving-in"), answers={**base, **answers})


def slugs(plan):
    return list(plan.items.order_by("order").values_list("procedure__slug", flat=True))


def test_answers_choose_the_procedures_in_order(catalogue, resident):
    assert slugs(moving_in(resident)) == ["moving-in"]
    assert slugs(moving_in(resident, has_children=True, school_children=True, bulky_waste=True)) == [
        "moving-in", "child-allowance", "school-transfer", "bulky-waste"]


def test_every_question_needs_a_yes_or_no_and_nothing_else_is_accepted(english, catalogue, resident):
    event = LifeEvent.objects.get(slug="moving-in")
    with pytest.raises(ValidationError) as error:
        create_plan(user=resident, event=event, answers={"nhi": "yes", "pets": True})
    errors = error.value.message_dict
    assert "answers.nhi" in errors and "answers.has_children" in errors and "pets" in errors["answers"][0]
    assert not LifeEventPlan.objects.exists()


def test_the_page_asks_and_a_missing_answer_is_shown_at_its_question(client, english, catalogue, resident):
    client.force_login(resident)
    response = client.post(reverse("counter:lifeevents"), {"event": "moving-in", "nhi": "yes"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_anonymous_visitors_see_the_questions_but_sign_in_to_keep_a_list(client, catalogue):
    assert client.get(reverse("counter:lifeevents")).status_code == 200
    assert client.get(reverse("counter:lifeevents"), {"event": "birth"}).status_code == 200
    response = client.post(reverse("counter:lifeevents"), {"event": "birth", "nhi": "no"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_list_is_only_for_its_owner(client, catalogue, resident, other_resident):
    plan = moving_in(resident)
    client.force_login(other_resident)
    assert client.get(reverse("counter:lifeevent_plan", args=(plan.pk,))).status_code == 404
    api = APIClient()
    api.force_authenticate(other_resident)
    assert api.get(reverse("api:counter-life-event-list", args=(plan.pk,))).status_code == 404


def test_items_are_ticked_off_by_the_resident(client, catalogue, resident):
    plan = moving_in(resident)
    item = plan.items.get()
    client.force_login(resident)
    client.post(reverse("counter:lifeevent_item_mark", args=(plan.pk, item.pk)), {"status": "done"})
    item.refresh_from_db()
    assert item.status == PlanItemStatus.DONE


def test_the_api_makes_and_reads_lists(english, catalogue, resident):
    api = APIClient()
    api.force_authenticate(resident)
    events = api.get(reverse("api:counter-life-events")).json()
    moving = next(e for e in events if e["slug"] == "moving-in")
    assert [q["key"] for q in moving["questions"]] == ["nhi", "has_children", "school_children", "bulky_waste"]
    bad = api.post(reverse("api:counter-life-event-lists"), {"event": "moving-in", "answers": {"nhi": True}},
                   format="json")
    assert bad.status_code == 400 and "answers.has_children" in bad.json()["errors"]
    made = api.post(reverse("api:counter-life-event-lists"), {"event": "moving-in", "answers": {
        "nhi": True, "has_children": False, "school_children": False, "bulky_waste": False}}, format="json")
    assert made.status_code == 201
    items = made.json()["items"]
    assert [i["procedure"] for i in items] == ["moving-in", "national-health-insurance"]
    assert "転出証明書" in items[0]["documents"]
    url = reverse("api:counter-life-event-list-item", args=(made.json()["id"], items[0]["id"]))
    assert api.patch(url, {"status": "applied"}, format="json").status_code == 400
    assert api.patch(url, {"status": "skipped"}, format="json").json()["status"] == "skipped"


def _age(plan, days):
    LifeEventPlan.objects.filter(pk=plan.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


def test_reminders_go_once_per_week_only_for_what_is_left(catalogue, resident, other_resident):
    old, fresh = moving_in(resident, nhi=True), moving_in(other_resident)
    _age(old, 8)
    finished = moving_in(other_resident)
    _age(finished, 8)
    finished.items.update(status=PlanItemStatus.DONE)

    assert send_reminders() == 1
    assert send_reminders() == 0  # running twice (two beats, a retry) sends once
    message = Message.objects.get()
    assert message.audience["segments"][0]["user_ids"] == [resident.id]
    assert "転入届" in message.body and "国民健康保険の加入" in message.body
    old.refresh_from_db()
    assert old.reminder_count == 1 and fresh.reminder_count == 0

    # A week later the next one goes; after MAX_REMINDERS none.
    for week in range(2, MAX_REMINDERS + 2):
        now = timezone.now() + dt.timedelta(days=7 * (week - 1) + 1)
        send_reminders(now=now)
    # (the other resident's fresh list has become due meanwhile: count the first resident's only)
    assert Message.objects.filter(audience__segments__0__user_ids=[resident.id]).count() == MAX_REMINDERS


def test_the_beat_task_runs_the_same_service(catalogue, resident):
    plan = moving_in(resident)
    _age(plan, 8)
    assert send_life_event_reminders() == 1
    assert send_life_event_reminders() == 0


def test_a_list_with_reminders_off_is_left_alone(catalogue, resident):
    plan = moving_in(resident)
    _age(plan, 8)
    LifeEventPlan.objects.filter(pk=plan.pk).update(reminders=False)
    assert send_reminders() == 0
