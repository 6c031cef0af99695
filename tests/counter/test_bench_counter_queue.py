"""The queue benchmark runs at a tiny size and reports every figure (no timings asserted)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from apps.counter.choices_procedures import StepStatus
from apps.counter.models import ApplicationStep

pytestmark = pytest.mark.django_db


def test_bench_counter_queue_reports_listing_and_moves_per_size(catalogue):
    out, err = io.StringIO(), io.StringIO()
    call_command("bench_counter_queue", "--sizes", "60,120", "--repeat", "2", stdout=out, stderr=err)
    report = json.loads(out.getvalue())
    assert [size["queued"] for size in report["sizes"]] == [60, 120]
    for size in report["sizes"]:
        for figure in ("first_page_ms", "deep_page_ms", "first_page_html_ms", "claim_ms", "complete_ms"):
            assert set(size[figure]) == {"median", "p95"}
    assert report["target_listing_ms"] == 200.0 and isinstance(report["listing_within_target"], bool)
    # The moved steps really moved: done in the first department, queued in the second.
    assert ApplicationStep.objects.filter(order=1, status=StepStatus.DONE).count() == 2 * 3
    assert ApplicationStep.objects.filter(order=2, status=StepStatus.QUEUED).count() == 2 * 3


def test_bench_counter_queue_refuses_sizes_below_a_page(db):
    with pytest.raises(CommandError, match="at least 60"):
        call_command("bench_counter_queue", "--sizes", "10")
    with pytest.raises(CommandError, match="whole numbers"):
        call_command("bench_counter_queue", "--sizes", "many")
