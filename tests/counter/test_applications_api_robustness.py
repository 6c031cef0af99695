"""Odd input to the counter API is a 400 naming the field, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.counter.services.applications import submit_application
from tests.counter.conftest import answers_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(resident):
    client = APIClient()
    client.force_authenticate(resident)
    return client


@pytest.mark.parametrize("answers", [
    {"full_name": {"nested": 1}}, {"members": "9" * 5000}, {"members": [1]}, {"birth_date": 20261123},
    {"reason": ["転入"]}, {"postal_code": None}, {"phone": {"x": 1}},
])
def test_strange_answers_are_refused_by_field(api, catalogue, answers):
    procedure = catalogue["national-health-insurance"]
    response = api.post(reverse("api:counter-applications"),
                        {"procedure": procedure.slug, "answers": {**answers_for(procedure), **answers}}, format="json")
    assert response.status_code == 400
    assert any(key.startswith("answers.") for key in response.json()["errors"])


@pytest.mark.parametrize("body", [[], "text", {"procedure": 5, "answers": []}, {"procedure": "no-such", "answers": {}},
                                  {"procedure": "bulky-waste", "answers": {}, "plan_item": "x"},
                                  {"procedure": "bulky-waste", "answers": {}, "plan_item": 999999}])
def test_malformed_application_requests_are_4xx(api, catalogue, body):
    response = api.post(reverse("api:counter-applications"), body, format="json")
    assert response.status_code in (400, 404)
    assert "detail" in response.json()


def test_malformed_corrections_and_actions_are_400(api, catalogue, resident, clerk_of):
    procedure = catalogue["bulky-waste"]
    application = submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))
    url = reverse("api:counter-application", args=(application.pk,))
    assert api.patch(url, {"answers": "x"}, format="json").status_code == 400
    assert api.patch(url, {"answers": {}}, format="json").status_code == 400  # not returned: nothing to correct
    staff = APIClient()
    staff.force_authenticate(clerk_of("waste"))
    step = application.steps.get()
    assert staff.post(reverse("api:counter-step-claim", args=(step.pk,)), [1, 2], format="json").status_code == 400
    long = staff.post(reverse("api:counter-step-return", args=(step.pk,)), {"reason": "x" * 501}, format="json")
    assert long.status_code == 400 and "reason" in long.json()["errors"]
    documents = reverse("api:counter-application-documents", args=(application.pk,))
    missing = api.post(documents, {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["errors"]
