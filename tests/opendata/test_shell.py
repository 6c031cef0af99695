"""The benchmark's export step, the dashboard panel, the admin and HEAD requests."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_bench_export_step_reads_the_whole_streamed_download(city):
    out = StringIO()
    call_command("bench_opendata", "--export-only", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["rows"] == 3  # the city's public facilities
    assert figures["bytes"] > 0 and figures["peak_rss_mb"] > 0
    out = StringIO()
    call_command("bench_opendata", "--cleanup", stdout=out)
    assert json.loads(out.getvalue()) == {"deleted": 0}


def test_head_answers_headers_without_reading_rows(client, city):
    response = client.head(reverse("opendata:live_download", args=["shelters", "csv", "csv"]))
    assert response.status_code == 200 and response["ETag"] and response["Last-Modified"]
    assert not response.streaming


def test_dashboard_panel_and_admin_pages(client, make_user, uploaded, english):
    staff = make_user("system_admin", is_staff=True, is_superuser=True)
    client.force_login(staff)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Open data" in dashboard and "Datasets published" in dashboard
    dataset, resource = uploaded
    for url in (reverse("admin:opendata_dataset_changelist"), reverse("admin:opendata_resource_changelist"),
                reverse("admin:opendata_dataset_change", args=[dataset.pk]),
                reverse("admin:opendata_resource_change", args=[resource.pk]),
                reverse("admin:opendata_resourceversion_changelist"),
                reverse("admin:opendata_organisation_changelist"), reverse("admin:opendata_tag_changelist")):
        assert client.get(url).status_code == 200, url


def test_sync_command_reports_every_live_dataset():
    from civicportal.datasets import live_datasets

    out = StringIO()
    call_command("sync_opendata", stdout=out)
    assert f"{len(live_datasets())} live datasets in the catalogue" in out.getvalue()
    assert "shelters: 4 resources" in out.getvalue()
