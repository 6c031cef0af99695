"""Work queues: keyset pages without overlap or gaps, bad cursors refused, staff actions via the API,
applications entered at the counter for a resident."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.counter.choices_procedures import Channel, StepStatus
from apps.counter.models import Application, ApplicationStep
from apps.counter.selectors.applications import work_queue
from apps.counter.services.applications import submit_application
from tests.counter.conftest import answers_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(catalogue, resident):
    """Seven applications in 廃棄物対策課's queue; three share one instant (ties broken by id)."""
    procedure = catalogue["bulky-waste"]
    made = [submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))
            for _ in range(7)]
    same = timezone.now() - dt.timedelta(hours=1)
    ApplicationStep.objects.filter(application__in=made[2:5]).update(queued_at=same)
    return made


def test_keyset_pages_cover_the_queue_once_in_order(queued, clerk_of):
    clerk = clerk_of("waste")
    department = queued[0].steps.get().department_id
    seen, cursor = [], ""
    while True:
        page, cursor = work_queue(user=clerk, department_id=department, after=cursor, limit=2)
        seen.extend(page)
        if not cursor:
            break
    assert len(seen) == 7 and len({s.pk for s in seen}) == 7
    keys = [(s.queued_at, s.pk) for s in seen]
    assert keys == sorted(keys)


def test_the_queue_api_pages_and_refuses_a_bad_cursor(english, queued, clerk_of):
    api = APIClient()
    api.force_authenticate(clerk_of("waste"))
    department = queued[0].steps.get().department_id
    url = reverse("api:counter-work-queue", args=(department,))
    first = api.get(url).json()
    assert len(first["results"]) == 7 and first["next"] == ""
    bad = api.get(url, {"after": "not-a-cursor"})
    assert bad.status_code == 400 and "after" in bad.json()["errors"]


def test_staff_move_steps_through_the_api_with_reasons_for_refusals(english, queued, clerk_of):
    clerk = clerk_of("waste")
    api = APIClient()
    api.force_authenticate(clerk)
    step = queued[0].steps.get()
    assert api.post(reverse("api:counter-step-complete", args=(step.pk,)), {}, format="json").json()[
        "errors"]["step"] == ["Claim this step before completing it."]
    assert api.post(reverse("api:counter-step-claim", args=(step.pk,)), {}, format="json").json()["status"] == \
        "claimed"
    done = api.post(reverse("api:counter-step-complete", args=(step.pk,)), {"note": "12月3日に収集"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == StepStatus.DONE
    again = api.post(reverse("api:counter-step-complete", args=(step.pk,)), {}, format="json")
    assert again.status_code == 400 and "already completed" in again.json()["errors"]["step"][0]
    other = queued[1].steps.get()
    api.post(reverse("api:counter-step-claim", args=(other.pk,)), {}, format="json")
    no_reason = api.post(reverse("api:counter-step-return", args=(other.pk,)), {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    returned = api.post(reverse("api:counter-step-return", args=(other.pk,)), {"reason": "品目を具体的に"},
                        format="json")
    assert returned.json()["status"] == StepStatus.RETURNED
    assert api.post(reverse("api:counter-step-claim", args=(999999,)), {}, format="json").status_code == 404


def test_a_clerk_enters_an_application_for_a_resident_at_the_counter(client, english, catalogue, resident,
                                                                      clerk_of):
    clerk = clerk_of("citizen-affairs")
    client.force_login(clerk)
    procedure = catalogue["moving-in"]  # counter only: fine at the counter
    url = reverse("counter:counter_entry", args=(procedure.slug,))
    assert client.get(url).status_code == 200
    unknown = client.post(url, {"applicant_email": "nobody@example.jp", **answers_for(procedure)})
    assert unknown.status_code == 400 and "No active portal account" in unknown.content.decode()
    response = client.post(url, {"applicant_email": resident.email, **answers_for(procedure)})
    application = Application.objects.get(applicant=resident)
    assert response.status_code == 302
    assert application.channel == Channel.COUNTER and application.entered_by == clerk
    assert application.steps.get().status == StepStatus.QUEUED


def test_only_staff_enter_applications_at_the_counter(catalogue, resident, other_resident):
    api = APIClient()
    api.force_authenticate(other_resident)
    procedure = catalogue["moving-in"]
    response = api.post(reverse("api:counter-counter-entry"), {
        "procedure": "moving-in", "applicant_email": resident.email, "answers": answers_for(procedure)},
        format="json")
    assert response.status_code == 403


def test_the_queue_page_pages_with_a_next_link(client, english, queued, clerk_of):
    client.force_login(clerk_of("waste"))
    page = client.get(reverse("counter:work_queue")).content.decode()
    assert all(a.receipt_number in page for a in queued)
    assert "Next page" not in page
    bad = client.get(reverse("counter:work_queue"), {"after": "%%%"}, follow=True)
    assert "not valid" in bad.content.decode()


def test_at_the_counter_the_form_is_filled_from_what_the_resident_gave_before(client, english, catalogue, resident,
                                                                               clerk_of):
    from apps.accounts.models import AuditEntry

    earlier = catalogue["bulky-waste"]
    submit_application(procedure=earlier, applicant=resident, answers=answers_for(earlier, phone="0436-11-2222"))
    clerk = clerk_of("citizen-affairs")
    client.force_login(clerk)
    url = reverse("counter:counter_entry", args=("moving-in",))
    page = client.get(url, {"applicant_email": resident.email}).content.decode()
    assert 'value="0436-11-2222"' in page and 'value="山田 花子"' in page
    assert AuditEntry.objects.filter(user=clerk, action="counter.prefill_at_counter", object_id=resident.pk).exists()
    unknown = client.get(url, {"applicant_email": "nobody@example.jp"}).content.decode()
    assert "No active portal account" in unknown and "0436-11-2222" not in unknown


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_step_actions_never_redirect_off_site(client, queued, clerk_of, target):
    client.force_login(clerk_of("waste"))
    step = queued[0].steps.get()
    response = client.post(reverse("counter:step_action", args=(step.pk, "claim")), {"next": target})
    assert response["Location"] == reverse("counter:work_queue")
