"""The catalogue's pages and API, the admin's field checks, site map entries, demo and dashboard."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.counter import catalogue_seed
from apps.counter.models import Application, LifeEvent, Procedure
from civicportal import sitemap
from civicportal.demo import DemoCity

pytestmark = pytest.mark.django_db


def test_the_front_page_lists_procedures_and_the_life_event_entry(client, english, catalogue):
    page = client.get(reverse("counter:home")).content.decode()
    for name in ("転入届", "住民票の写し", "国民健康保険の加入", "児童手当", "転校", "粗大ごみ収集"):
        assert name in page
    assert reverse("counter:lifeevents") in page and "Fee: 300 yen" in page


def test_a_procedure_page_shows_documents_fee_steps_and_fields(client, english, catalogue):
    page = client.get(reverse("counter:procedure_detail", args=("national-health-insurance",))).content.decode()
    assert "資格喪失証明書" in page and "保険年金課" in page and "Apply online" in page
    assert page.index("住民記録の確認") < page.index("資格の登録と保険証の交付")
    assert client.get(reverse("counter:procedure_detail", args=("no-such",))).status_code == 404


def test_the_catalogue_api(catalogue):
    api = APIClient()
    listing = api.get(reverse("api:counter-procedures")).json()
    assert [p["slug"] for p in listing][:3] == ["moving-in", "residence-certificate", "national-health-insurance"]
    detail = api.get(reverse("api:counter-procedure", args=("child-allowance",))).json()
    assert [s["department_code"] for s in detail["steps"]] == ["citizen-affairs", "child-support"]
    children = next(f for f in detail["fields"] if f["key"] == "children")
    assert (children["kind"], children["min_value"], children["max_value"]) == ("number", 1, 15)


def test_loading_the_catalogue_twice_duplicates_nothing(catalogue):
    counts = (Procedure.objects.count(), LifeEvent.objects.count())
    catalogue_seed.load()
    assert (Procedure.objects.count(), LifeEvent.objects.count()) == counts


def test_the_admin_refuses_a_choice_field_without_choices(client, english, catalogue, make_user):
    admin = make_user("system_admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    procedure = catalogue["bulky-waste"]
    url = reverse("admin:counter_procedure_change", args=(procedure.pk,))
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k != "id"}
    data.update({"department": procedure.department_id, "fields-TOTAL_FORMS": "1", "fields-INITIAL_FORMS": "0",
                 "fields-0-order": "9", "fields-0-key": "size", "fields-0-label": "大きさ", "fields-0-kind": "choice",
                 "fields-0-required": "on", "fields-0-choices": "[]",
                 "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "A choice field needs a list of at least two texts." in response.content.decode()
    assert not procedure.fields.filter(key="size").exists()


def test_the_site_map_names_resolve_for_their_audiences():
    names = {entry.url_name: entry.audience for entry in sitemap.ENTRIES}
    for name in ("counter:home", "counter:lifeevents", "counter:my_applications", "counter:work_queue",
                 "counter:analytics"):
        assert name in names
        reverse(name)
    assert names["counter:work_queue"] == names["counter:analytics"] == "city_staff"


def test_the_demo_seeds_twice_without_duplicates(demo_map):
    from apps.accounts import demo as accounts_demo
    from apps.counter import demo

    city = DemoCity(debug=True, password=None)
    city.districts, city.school_districts = demo_map.districts, demo_map.school_districts
    accounts_demo.seed(city)
    demo.seed(city)
    demo.seed(city)
    assert Application.objects.count() == 3
    nhi = Application.objects.get(procedure__slug="national-health-insurance")
    assert list(nhi.steps.values_list("status", flat=True)) == ["done", "queued"]


def test_the_dashboard_panel_shows_counts(client, english, catalogue, make_user):
    client.force_login(make_user("city_staff"))
    page = client.get(reverse("dashboard")).content.decode()
    assert "One-stop counter" in page and "Steps waiting in department queues" in page
