"""Privacy of children, guardians and absences, proved by trying as the wrong user each time."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.childwatch.models import AbsenceReport, Guardianship, ServicePlan, WatchVolunteer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def world(school, other_school, make_class, make_child, make_guardian, make_staff, make_user):
    """Two schools, each with a class, a child, a guardian, a clerk, a plan, a volunteer and a report."""
    class_a, class_b = make_class(school), make_class(other_school)
    child_a, child_b = make_child(class_a, "あかり"), make_child(class_b, "ぼたん")
    guardian_a, guardian_b = make_guardian(child_a), make_guardian(child_b)
    today = timezone.localdate()
    w = type("World", (), {})()
    w.school_a, w.school_b, w.class_a, w.class_b = school, other_school, class_a, class_b
    w.child_a, w.child_b, w.guardian_a, w.guardian_b = child_a, child_b, guardian_a, guardian_b
    w.staff_a, w.staff_b = make_staff(school), make_staff(other_school)
    w.resident = make_user("resident")
    w.link_b = Guardianship.objects.get(child=child_b)
    w.report_b = AbsenceReport.objects.create(child=child_b, date=today, kind="absent", reason="illness",
                                              reported_by=guardian_b)
    w.plan_b = ServicePlan.objects.create(guardian=guardian_b, school=other_school, period_start=today)
    w.volunteer_b = WatchVolunteer.objects.create(user=make_user("resident"), school=other_school)
    return w


# --- a guardian sees only their own children --------------------------------------------------------

def test_guardian_of_a_cannot_reach_child_b_by_page(client, world):
    client.force_login(world.guardian_a)

    home = client.get(reverse("childwatch:guardian_home")).content.decode()
    consent = client.post(reverse("childwatch:guardian_consent", args=[world.child_b.pk]), {"consent": "0"})
    report = client.post(reverse("childwatch:absence_new"), {
        "child": world.child_b.pk, "date": timezone.localdate().isoformat(), "kind": "absent", "reason": "illness"})
    withdraw = client.post(reverse("childwatch:absence_withdraw", args=[world.report_b.pk]))

    assert "あかり" in home and "ぼたん" not in home
    assert consent.status_code == 404
    assert report.status_code == 400 and "child" in report.context["form"].errors
    assert withdraw.status_code == 404
    world.link_b.refresh_from_db()
    world.report_b.refresh_from_db()
    assert world.link_b.passage_consent_at is not None and world.report_b.withdrawn is False
    assert AbsenceReport.objects.filter(child=world.child_b).count() == 1


def test_guardian_of_a_cannot_reach_child_b_by_api(api, world):
    api.force_authenticate(world.guardian_a)

    children = api.get(reverse("api:childwatch-children")).json()
    consent = api.post(reverse("api:childwatch-child-consent", args=[world.child_b.pk]), {"consent": False},
                       format="json")
    report = api.post(reverse("api:childwatch-absences"), {
        "child": world.child_b.pk, "date": timezone.localdate().isoformat(), "kind": "absent", "reason": "illness"},
        format="json")
    reports = api.get(reverse("api:childwatch-absences")).json()
    withdraw = api.delete(reverse("api:childwatch-absence", args=[world.report_b.pk]))

    assert [c["id"] for c in children] == [world.child_a.pk]
    assert consent.status_code == 404 and report.status_code == 404 and withdraw.status_code == 404
    assert reports == []
    world.report_b.refresh_from_db()
    assert world.report_b.withdrawn is False


def test_a_guardian_is_not_staff(client, api, world):
    client.force_login(world.guardian_a)
    api.force_authenticate(world.guardian_a)

    assert client.get(reverse("childwatch:staff_home")).status_code == 403
    assert client.get(reverse("childwatch:child_detail", args=[world.child_a.pk])).status_code == 404
    assert client.get(reverse("childwatch:absence_day")).status_code == 403
    assert api.get(reverse("api:childwatch-staff-absences")).status_code == 403


# --- staff see only their own school ------------------------------------------------------------------

@pytest.mark.parametrize(("name", "arg", "method"), [
    ("childwatch:child_detail", "child_b", "get"),
    ("childwatch:child_edit", "child_b", "get"),
    ("childwatch:class_edit", "class_b", "get"),
    ("childwatch:plan_edit", "plan_b", "get"),
    ("childwatch:guardianship_unlink", "link_b", "post"),
    ("childwatch:volunteer_active", "volunteer_b", "post"),
    ("childwatch:absence_seen", "report_b", "post"),
])
def test_staff_of_school_a_get_404_for_school_b(client, world, name, arg, method):
    client.force_login(world.staff_a)

    response = getattr(client, method)(reverse(name, args=[getattr(world, arg).pk]))

    assert response.status_code == 404
    assert "ぼたん" not in response.content.decode()
    world.link_b.refresh_from_db()
    world.volunteer_b.refresh_from_db()
    world.report_b.refresh_from_db()
    assert world.link_b.is_active and world.volunteer_b.is_active and world.report_b.seen_by_teacher_at is None


@pytest.mark.parametrize("name", ["childwatch:staff_home", "childwatch:plan_list", "childwatch:volunteer_list",
                                  "childwatch:absence_day", "childwatch:child_add", "childwatch:class_add"])
def test_staff_of_school_a_cannot_open_school_b_desks(client, world, name):
    client.force_login(world.staff_a)

    response = client.get(reverse(name), {"school": world.school_b.pk})

    assert response.status_code == 404


def test_staff_lists_hold_only_their_school(client, world):
    client.force_login(world.staff_a)

    plans = client.get(reverse("childwatch:plan_list")).content.decode()
    day = client.get(reverse("childwatch:absence_day"))

    assert world.guardian_b.email not in plans
    assert day.context["listing"].reports == []


def test_staff_api_of_school_a_cannot_touch_school_b(api, world):
    api.force_authenticate(world.staff_a)

    link = api.post(reverse("api:childwatch-staff-guardianships"),
                    {"child": world.child_b.pk, "email": world.guardian_a.email}, format="json")
    unlink = api.delete(reverse("api:childwatch-staff-guardianship", args=[world.link_b.pk]))
    day = api.get(reverse("api:childwatch-staff-absences"), {"school": world.school_b.pk})
    own_day = api.get(reverse("api:childwatch-staff-absences"))

    assert link.status_code == 404 and unlink.status_code == 404 and day.status_code == 404
    assert own_day.status_code == 200 and own_day.json() == []
    world.link_b.refresh_from_db()
    assert world.link_b.is_active
    assert not Guardianship.objects.filter(guardian=world.guardian_a, child=world.child_b).exists()


# --- a resident who is not a guardian, and the anonymous ---------------------------------------------

def test_resident_who_is_no_guardian_sees_nothing(client, api, world):
    client.force_login(world.resident)
    api.force_authenticate(world.resident)

    home = client.get(reverse("childwatch:guardian_home"))
    absence_form = client.get(reverse("childwatch:absence_new"))

    assert home.status_code == 200 and home.context["cards"] == []
    assert "あかり" not in home.content.decode() and "ぼたん" not in home.content.decode()
    assert absence_form.status_code == 302  # nothing to report for: back to the explanation
    assert api.get(reverse("api:childwatch-children")).json() == []
    assert api.get(reverse("api:childwatch-absences")).json() == []
    assert api.post(reverse("api:childwatch-child-consent", args=[world.child_a.pk]), {"consent": True},
                    format="json").status_code == 404


def test_anonymous_is_sent_to_sign_in_and_the_api_refuses(client, api, world):
    for name in ("childwatch:guardian_home", "childwatch:staff_home", "childwatch:absence_day",
                 "childwatch:absence_new"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response["Location"]
    for name in ("api:childwatch-children", "api:childwatch-absences", "api:childwatch-staff-absences"):
        assert api.get(reverse(name)).status_code in (401, 403)


# --- an ended guardianship loses access --------------------------------------------------------------

def test_unlinked_guardian_loses_access(client, api, world):
    AbsenceReport.objects.create(child=world.child_a, date=timezone.localdate(), kind="late", reason="illness",
                                 expected_time=timezone.now().time(), reported_by=world.guardian_a)
    api.force_authenticate(world.staff_a)
    link_a = Guardianship.objects.get(child=world.child_a)
    assert api.delete(reverse("api:childwatch-staff-guardianship", args=[link_a.pk])).status_code == 204

    client.force_login(world.guardian_a)
    api.force_authenticate(world.guardian_a)
    home = client.get(reverse("childwatch:guardian_home"))

    assert "あかり" not in home.content.decode() and home.context["cards"] == []
    assert api.get(reverse("api:childwatch-children")).json() == []
    assert api.get(reverse("api:childwatch-absences")).json() == []
    assert api.post(reverse("api:childwatch-child-consent", args=[world.child_a.pk]), {"consent": True},
                    format="json").status_code == 404
    assert api.post(reverse("api:childwatch-absences"), {
        "child": world.child_a.pk, "date": timezone.localdate().isoformat(), "kind": "absent",
        "reason": "illness"}, format="json").status_code == 404


# --- the e-mail lookup tells nothing to anyone but the school's staff --------------------------------

def test_email_lookup_reveals_nothing_to_non_staff(client, api, world):
    existing, missing = world.guardian_b.email, "no-such-person@example.jp"

    api.force_authenticate(world.resident)
    as_resident = [api.post(reverse("api:childwatch-staff-guardianships"), {"child": world.child_a.pk, "email": e},
                            format="json") for e in (existing, missing)]
    api.force_authenticate(world.staff_b)
    as_other_staff = [api.post(reverse("api:childwatch-staff-guardianships"),
                               {"child": world.child_a.pk, "email": e}, format="json") for e in (existing, missing)]
    client.force_login(world.resident)
    as_page = [client.post(reverse("childwatch:child_detail", args=[world.child_a.pk]),
                           {"email": e, "find": "1"}) for e in (existing, missing)]

    assert [r.status_code for r in as_resident] == [403, 403]
    assert as_resident[0].json() == as_resident[1].json()
    assert [r.status_code for r in as_other_staff] == [404, 404]
    assert as_other_staff[0].json() == as_other_staff[1].json()
    assert [r.status_code for r in as_page] == [404, 404]
    pages = [re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode()) for r in as_page]
    assert pages[0] == pages[1] and existing not in pages[0]


# --- class teachers, city staff and the admin -----------------------------------------------------------

def test_class_teacher_who_is_not_staff_has_no_desk(client, world, make_user, make_class):
    teacher = make_user("resident")
    world.class_a.teacher = teacher
    world.class_a.save()
    client.force_login(teacher)

    assert client.get(reverse("childwatch:staff_home")).status_code == 403
    assert client.get(reverse("childwatch:child_detail", args=[world.child_a.pk])).status_code == 404
    assert client.get(reverse("childwatch:absence_day")).status_code == 200
    assert client.get(reverse("childwatch:absence_day"), {"school": world.school_b.pk}).status_code == 404


def test_city_staff_dashboard_has_counts_but_no_names(client, world, make_user):
    clerk = make_user("city_staff")
    client.force_login(clerk)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Child watch" in page and "Children enrolled" in page
    for name in ("あかり", "ぼたん", world.guardian_a.email, world.guardian_b.email):
        assert name not in page


def test_city_staff_get_no_admin_access_to_childrens_data(client, world, make_user, django_user_model):
    clerk = make_user("city_staff")
    client.force_login(clerk)
    for model in ("child", "guardianship", "absencereport", "school"):
        assert client.get(f"/admin/childwatch/{model}/").status_code == 403

    admin = django_user_model.objects.create_superuser(email="root@example.jp", password="x-long-password-1")
    client.force_login(admin)
    response = client.get(f"/admin/childwatch/child/{world.child_a.pk}/change/")
    assert response.status_code == 200 and "あかり" in response.content.decode()
