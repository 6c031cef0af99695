"""The fuzzer calls the WSGI app directly: keep the test's database connection open."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Django's test client does the same: a finished request must not close the connection
    # that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _counter_and_alert_records(request):
    """For the counter's and the alerts' operations: the standard catalogue, a live alert, a public
    report and a FAQ entry, so that lists answer with rows and their schema is checked on real data
    (an empty list proves nothing about the items)."""
    name = request.node.name
    if "/api/v1/counter/" not in name and "/api/v1/alerts/" not in name:
        yield
        return
    _seed_counter_and_alerts(request.getfixturevalue("demo_map"), request.getfixturevalue("make_user"))
    from apps.alerts import caching

    caching.reset_local()
    yield
    caching.reset_local()


def _seed_counter_and_alerts(demo_map, make_user) -> None:
    import datetime as dt

    from django.utils import timezone

    from apps.accounts.models import Department
    from apps.alerts.defaults import ensure_event_types
    from apps.alerts.services import publishing
    from apps.alerts.services.areas import AreaChoice
    from apps.alerts.services.compose import AlertContent, draft
    from apps.counter import catalogue_seed
    from apps.counter.models import FaqEntry, ReportService
    from apps.counter.services.reports import submit_report

    catalogue_seed.load()
    ensure_event_types()
    district = demo_map.districts["01"]
    content = AlertContent(
        event_type="evacuation", urgency="Immediate", severity="Severe", certainty="Likely", evacuation_level=4,
        headline="避難指示", description="川が氾濫するおそれがあります。", headline_en="Evacuation order",
        description_en="The river may flood.", expires=timezone.now() + dt.timedelta(hours=6),
        area=AreaChoice(district_ids=[district.pk]))
    publishing.approve(alert=draft(user=make_user("city_staff"), content=content),
                       approver=make_user("city_staff"))
    department = Department.objects.get(code="citizen-affairs")
    service = ReportService.objects.create(code="fuzz-road", name="道路の損傷", department=department)
    centre = district.area.point_on_surface
    submit_report(service=service, description="道路に穴があります", lat=centre.y, lon=centre.x)
    FaqEntry.objects.create(department=department, question="住民票はどこで取れますか", answer="市民課の窓口です。")
