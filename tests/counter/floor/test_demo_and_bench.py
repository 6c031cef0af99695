"""The demo data the lead's seed_demo will call, and the Open311 benchmark on a tiny population."""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from django.db import transaction

from apps.counter import demo_floor
from apps.counter.models import FaqEntry, FloorQueue, Open311ApiKey, ReportService, ResidentReport, Ticket


def test_the_demo_is_made_once_and_can_be_run_again(demo_map):
    from apps.accounts import demo as accounts_demo

    accounts_demo.seed(demo_map)
    with transaction.atomic():
        demo_floor.seed(demo_map)
    counts = (FloorQueue.objects.count(), Ticket.objects.count(), ReportService.objects.count(),
              ResidentReport.objects.count(), FaqEntry.objects.count(), Open311ApiKey.objects.count())
    assert counts == (2, 8, 5, 3, 1, 1)
    assert any("Open311 demo API key" in note for note in demo_map.notes)
    with transaction.atomic():
        demo_floor.seed(demo_map)
    assert counts == (FloorQueue.objects.count(), Ticket.objects.count(), ReportService.objects.count(),
                      ResidentReport.objects.count(), FaqEntry.objects.count(), Open311ApiKey.objects.count())


def test_bench_open311_reports_each_case(db):
    out = io.StringIO()
    call_command("bench_open311", "--reports", "30", "--runs", "2", stdout=out)
    result = json.loads(out.getvalue())
    assert result["reports_made_now"] == 30 and result["reports_in_database"] == 30
    assert set(result["cases"]) == {"list_json", "list_xml", "status_closed_json", "one_service_json",
                                    "one_request_json"}
    assert result["cases"]["one_request_json"]["rows"] == 1
    assert 0 < result["cases"]["list_json"]["rows"] <= 30
