"""Done when: a resident moving in gets their list, applies online for two procedures, watches them
pass through two departments and is notified at each change (pages only, as people would)."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from apps.counter.choices_procedures import ApplicationStatus, PlanItemStatus, StepStatus
from apps.counter.models import Application, LifeEventPlan
from apps.notifications.choices import Channel, DeliveryStatus
from apps.notifications.models import Delivery
from apps.notifications.selectors import inbox
from tests.counter.conftest import answers_for

pytestmark = pytest.mark.django_db


def _work_step(client, clerk, application, order):
    """A clerk finds the step in the department queue page, claims it and completes it."""
    client.force_login(clerk)
    step = application.steps.get(order=order)
    queue = client.get(reverse("counter:work_queue"), {"department": step.department_id})
    assert application.receipt_number in queue.content.decode()
    claim = client.post(reverse("counter:step_action", args=(step.pk, "claim")), follow=True)
    assert claim.status_code == 200
    done = client.post(reverse("counter:step_action", args=(step.pk, "complete")), {"note": "確認しました"},
                       follow=True)
    assert "The step is complete" in done.content.decode()


def test_moving_in_list_two_online_applications_two_departments_and_notifications(
        client, english, catalogue, resident, clerk_of, deliver_all):
    citizen, insurance, child = clerk_of("citizen-affairs"), clerk_of("insurance-pension"), clerk_of("child-support")

    # 1. The navigator: moving in, with children, joining national health insurance.
    client.force_login(resident)
    questions = client.get(reverse("counter:lifeevents"), {"event": "moving-in"})
    assert "You will join the city&#x27;s national health insurance" in questions.content.decode()
    made = client.post(reverse("counter:lifeevents"), {
        "event": "moving-in", "nhi": "yes", "has_children": "yes", "school_children": "no", "bulky_waste": "no"})
    plan = LifeEventPlan.objects.get(user=resident)
    assert made.status_code == 302 and made["Location"] == reverse("counter:lifeevent_plan", args=(plan.pk,))
    page = client.get(made["Location"]).content.decode()
    order = [m for m in re.findall(r"<h2>([^<]+)</h2>", page)]
    assert order == ["転入届", "国民健康保険の加入", "児童手当"]
    assert "転出証明書" in page  # what to bring
    items = {item.procedure.slug: item for item in plan.items.select_related("procedure")}

    # 2. Two online applications started from the list; the form is prefilled from the profile (once only).
    applications = []
    for slug in ("national-health-insurance", "child-allowance"):
        procedure = catalogue[slug]
        form = client.get(reverse("counter:apply", args=(slug,)), {"plan_item": items[slug].pk}).content.decode()
        assert 'value="山田 花子"' in form
        answers = answers_for(procedure)
        answers = {k: ("yes" if v is True else "no" if v is False else v) for k, v in answers.items()}
        sent = client.post(reverse("counter:apply", args=(slug,)), {**answers, "plan_item": items[slug].pk})
        assert sent.status_code == 302
        application = Application.objects.get(applicant=resident, procedure=procedure)
        assert re.fullmatch(r"R-\d{4}-\d{6}", application.receipt_number)
        applications.append(application)
    nhi, allowance = applications
    assert {i.status for i in plan.items.filter(procedure__slug__in=["national-health-insurance",
                                                                      "child-allowance"])} == {PlanItemStatus.APPLIED}

    # 3. Each passes 市民課 and then its own department.
    _work_step(client, citizen, nhi, 1)
    _work_step(client, citizen, allowance, 1)
    _work_step(client, insurance, nhi, 2)
    _work_step(client, child, allowance, 2)

    # 4. The resident watches the timeline and both are complete; the list is ticked off.
    client.force_login(resident)
    for application in applications:
        application.refresh_from_db()
        assert application.status == ApplicationStatus.COMPLETED
        assert set(application.steps.values_list("status", flat=True)) == {StepStatus.DONE}
        timeline = client.get(reverse("counter:application_detail", args=(application.pk,))).content.decode()
        for words in ("Application received", "Passed to a department", "Being handled by a department",
                      "Step completed", "Completed", "保険年金課" if application == nhi else "子育て支援課"):
            assert words in timeline
    assert plan.items.get(procedure__slug="national-health-insurance").status == PlanItemStatus.DONE
    mine = client.get(reverse("counter:my_applications")).content.decode()
    assert nhi.receipt_number in mine and allowance.receipt_number in mine

    # 5. Notified at each change, in the inbox (received, claimed, moved on, claimed, completed; twice).
    deliver_all()
    titles = [row.message.title for row in inbox(resident)]
    for application in applications:
        number = application.receipt_number
        assert sum(1 for t in titles if number in t) == 5
        assert f"Application received: {number}" in titles and f"{number}: completed" in titles
        assert f"{number}: now at " + ("保険年金課" if application == nhi else "子育て支援課") in titles
    # Nobody else was told anything about these applications.
    assert not Delivery.objects.exclude(recipient=resident).filter(message__title__contains="R-").exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_step_moving_on_reaches_the_inbox_through_a_real_worker(celery_worker_process, catalogue, resident,
                                                                  clerk_of):
    from apps.counter.services import routing
    from apps.counter.services.applications import submit_application

    def delivered(title: str) -> None:
        # Each change waits for the worker to finish the last one: on the embedded SQLite
        # database two writers at once would only measure SQLite's locking, not the counter.
        deadline = time.monotonic() + 30
        while not Delivery.objects.filter(recipient=resident, channel=Channel.INBOX, message__title=title,
                                          status=DeliveryStatus.DELIVERED).exists() or Delivery.objects.filter(
                message__title=title, status__in=(DeliveryStatus.QUEUED, DeliveryStatus.SENDING)).exists():
            assert time.monotonic() < deadline, f"the worker did not deliver “{title}” on every channel"
            time.sleep(0.1)
        time.sleep(0.5)  # the worker's last bookkeeping write after the rows are final

    procedure = catalogue["national-health-insurance"]
    application = submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))
    number = application.receipt_number
    delivered(f"Application received: {number}")
    clerk = clerk_of("citizen-affairs")
    step = application.steps.get(order=1)
    routing.claim(step_id=step.id, staff=clerk)
    delivered(f"{number}: being handled")
    routing.complete(step_id=step.id, staff=clerk)
    delivered(f"{number}: now at 保険年金課")


def test_the_resident_withdraws_from_the_timeline_page(client, english, catalogue, resident):
    from apps.counter.services.applications import submit_application

    procedure = catalogue["bulky-waste"]
    application = submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))
    client.force_login(resident)
    page = client.post(reverse("counter:application_withdraw", args=(application.pk,)), follow=True).content.decode()
    assert "The application was withdrawn." in page and "Withdrawn by the applicant" in page
    again = client.post(reverse("counter:application_withdraw", args=(application.pk,)), follow=True)
    assert "already withdrawn" in again.content.decode()
