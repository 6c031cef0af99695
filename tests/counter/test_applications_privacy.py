"""Nobody sees another resident's application; clerks see only applications on their department's
route, and their reads are audited; queues and analytics are for staff."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import AuditEntry
from apps.counter.services.applications import submit_application
from tests.counter.conftest import answers_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(catalogue, resident):
    procedure = catalogue["national-health-insurance"]
    return submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_another_resident_gets_404_on_page_and_api(client, application, other_resident):
    client.force_login(other_resident)
    assert client.get(reverse("counter:application_detail", args=(application.pk,))).status_code == 404
    assert client.post(reverse("counter:application_pay", args=(application.pk,))).status_code == 404
    assert client.post(reverse("counter:application_withdraw", args=(application.pk,))).status_code == 404
    api = api_for(other_resident)
    assert api.get(reverse("api:counter-application", args=(application.pk,))).status_code == 404
    assert api.patch(reverse("api:counter-application", args=(application.pk,)), {"answers": {}},
                     format="json").status_code == 404
    assert api.post(reverse("api:counter-application-withdraw", args=(application.pk,))).status_code == 404
    assert api.get(reverse("api:counter-applications")).json() == []
    application.refresh_from_db()
    assert application.status == "in_progress"


def test_anonymous_is_sent_to_sign_in_and_the_api_answers_401(client, application):
    response = client.get(reverse("counter:application_detail", args=(application.pk,)))
    assert response.status_code == 302 and "login" in response["Location"]
    assert APIClient().get(reverse("api:counter-applications")).status_code == 401


def test_a_clerk_off_the_route_gets_404_and_a_resident_403(client, application, clerk_of, other_resident):
    waste = clerk_of("waste")
    client.force_login(waste)
    assert client.get(reverse("counter:staff_application", args=(application.pk,))).status_code == 404
    assert api_for(waste).get(reverse("api:counter-staff-application", args=(application.pk,))).status_code == 404
    client.force_login(other_resident)
    assert client.get(reverse("counter:staff_application", args=(application.pk,))).status_code == 403
    assert client.get(reverse("counter:work_queue")).status_code == 403
    assert client.get(reverse("counter:analytics")).status_code == 403
    assert client.get(reverse("counter:analytics_csv")).status_code == 403
    api = api_for(other_resident)
    assert api.get(reverse("api:counter-analytics")).status_code == 403
    department = application.steps.get(order=1).department_id
    assert api.get(reverse("api:counter-work-queue", args=(department,))).status_code == 403


def test_a_clerk_of_another_department_cannot_read_its_queue(application, clerk_of):
    department = application.steps.get(order=1).department_id
    assert api_for(clerk_of("waste")).get(reverse("api:counter-work-queue", args=(department,))).status_code == 404


def test_a_clerk_on_the_route_reads_it_and_the_read_is_audited(client, application, clerk_of):
    insurance = clerk_of("insurance-pension")  # the second step's department
    client.force_login(insurance)
    page = client.get(reverse("counter:staff_application", args=(application.pk,)))
    assert page.status_code == 200 and "市原市更級5丁目1番地1" in page.content.decode()
    entry = AuditEntry.objects.get(user=insurance)
    assert entry.action == "counter.view_application" and entry.object_id == application.pk


def test_the_queue_page_shows_no_applicant_names(client, application, clerk_of):
    client.force_login(clerk_of("citizen-affairs"))
    page = client.get(reverse("counter:work_queue")).content.decode()
    assert application.receipt_number in page
    assert "山田" not in page and application.applicant.email not in page
