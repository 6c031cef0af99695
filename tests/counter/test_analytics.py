"""Staff analytics: counts, median and p90 per step and department, overdue, returns, CSV, dataset."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.counter.models import ApplicationStep
from apps.counter.selectors.analytics import median, percentile, report
from apps.counter.services import routing
from apps.counter.services.applications import submit_application
from civicportal.datasets import live_datasets
from tests.counter.conftest import answers_for

pytestmark = pytest.mark.django_db


def test_median_and_nearest_rank_p90():
    values = sorted([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    assert median(values) == 5.5 and percentile(values, 90) == 9.0
    assert median([3.0]) == 3.0 and percentile([], 90) == 0.0


@pytest.fixture
def history(catalogue, resident, clerk_of):
    """Four bulky-waste steps done in 1, 2, 3 and 10 hours; one returned; one overdue and open."""
    clerk = clerk_of("waste")
    procedure = catalogue["bulky-waste"]
    now = timezone.now()
    for hours in (1, 2, 3, 10):
        application = submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))
        step = application.steps.get()
        routing.claim(step_id=step.id, staff=clerk)
        routing.complete(step_id=step.id, staff=clerk)
        ApplicationStep.objects.filter(pk=step.pk).update(queued_at=now - dt.timedelta(hours=hours),
                                                          completed_at=now)
    returned = submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))
    step = returned.steps.get()
    routing.claim(step_id=step.id, staff=clerk)
    routing.return_to_applicant(step_id=step.id, staff=clerk, reason="品目が不明です")
    late = submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))
    late.steps.update(due_at=now - dt.timedelta(days=1))
    return clerk


def test_the_report_counts_and_times(history):
    result = report()
    assert result.per_procedure == [{"procedure": "粗大ごみ収集", "submitted": 6, "online": 6, "completed": 4}]
    (department,) = result.per_department
    assert department.label == "廃棄物対策課" and department.count == 4
    assert department.median_hours == 2.5 and department.p90_hours == 10.0
    assert result.per_step[0].label.startswith("粗大ごみ収集 #1")
    assert result.overdue == [{"department": "廃棄物対策課", "count": 1}]
    (item,) = result.overdue_items
    assert item["procedure"] == "粗大ごみ収集" and item["receipt_number"].startswith("R-")
    assert result.returns == [{"procedure": "粗大ごみ収集", "department": "廃棄物対策課", "count": 1}]


def test_the_page_draws_bars_and_the_csv_has_every_section(client, english, history):
    client.force_login(history)
    page = client.get(reverse("counter:analytics"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'class="counter-bar" style="width: 100%"' in text and "1 step is past its target." in text
    response = client.get(reverse("counter:analytics_csv"), {"days": "30"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sections = {row[0] for row in rows[1:]}
    assert {"procedure", "step", "department", "overdue", "returns", "exception"} <= sections
    assert ["department", "廃棄物対策課", "廃棄物対策課", "4", "2.5", "10.0", "", ""] in rows


def test_the_api_gives_the_same_figures_and_checks_the_window(english, history):
    api = APIClient()
    api.force_authenticate(history)
    body = api.get(reverse("api:counter-analytics")).json()
    assert body["per_department"][0]["p90_hours"] == 10.0 and body["overdue_total"] == 1
    assert body["monthly"][0]["applications"] == 6
    bad = api.get(reverse("api:counter-analytics"), {"days": "0"})
    assert bad.status_code == 400 and "days" in bad.json()["errors"]


def test_the_open_dataset_has_monthly_counts_and_no_personal_data(history, resident):
    dataset = live_datasets()["counter-applications-monthly"]
    rows = list(dataset.rows())
    assert rows == [{"month": timezone.localtime().strftime("%Y-%m"), "procedure_code": "bulky-waste",
                     "procedure": "粗大ごみ収集", "applications": 6}]
    assert {f.name for f in dataset.fields} == set(rows[0])
    assert dataset.last_modified() is not None
    assert resident.email not in str(rows) and "山田" not in str(rows)
