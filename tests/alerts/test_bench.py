"""The benchmark commands run end to end at a tiny scale and print their JSON (no figures asserted)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from apps.alerts.models import Alert
from apps.disastermap.models import Shelter


@pytest.mark.django_db(transaction=True)
def test_bench_disaster_page_prints_both_rates_and_cleans_up():
    out = io.StringIO()
    call_command("bench_disaster_page", "--seconds", "0.5", "--rounds", "1", "--server-workers", "1",
                 "--clients", "1", "--threads", "1", stdout=out)
    result = json.loads(out.getvalue())
    assert result["trivial_rps"] > 0 and result["disaster_rps"] > 0 and result["ratio"] is not None
    assert result["errors"] == {"/bench/trivial": 0, "/disaster": 0}
    assert result["disaster_shows"] == {"alerts": 1, "shelter_rows": 30}  # the server read this database
    assert result["disaster_bytes"]["total"] > 0 and result["target"] == {"ratio": 0.8, "max_bytes": 51200}
    assert not Alert.objects.exists() and not Shelter.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_bench_alert_latency_measures_with_a_real_worker_and_cleans_up():
    out = io.StringIO()
    call_command("bench_alert_latency", "--runs", "1", "--residents", "3", stdout=out)
    result = json.loads(out.getvalue())
    assert result["timed_out"] == 0 and result["approval_to_first_delivery_s"]["n"] == 1
    assert result["approval_to_cap_and_feed_s"]["n"] == 1 and result["target_s"] == 2.0
    assert not Alert.objects.exists()
