"""Absence and lateness reports (欠席連絡): the guardian's form and API, the teacher's day list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.childwatch.models import AbsenceReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    client.cookies["django_language"] = "en"
    return client


def _next_weekday(after: dt.date, *, weekday: int) -> dt.date:
    return after + dt.timedelta(days=(weekday - after.weekday()) % 7 or 7)


@pytest.fixture
def family(school, make_class, make_child, make_guardian, make_user, make_staff):
    """A teacher's class 1年1組 with はなこ (and her mother), a second class, the school clerk."""
    teacher = make_user("resident")
    first = make_class(school, teacher=teacher)
    second = make_class(school, grade=2, name="1組")
    hanako, other = make_child(first, "はなこ"), make_child(second, "けんた")
    mother = make_guardian(hanako)
    return type("Family", (), {"teacher": teacher, "first": first, "second": second, "hanako": hanako,
                               "other": other, "mother": mother, "clerk": make_staff(school)})


# --- the "Done when" path: a guardian reports, the teacher's day list shows it -------------------

def test_guardian_reports_and_the_teachers_day_list_shows_it(client, school, family):
    today = timezone.localdate()
    client.force_login(family.mother)

    form = client.get(reverse("childwatch:absence_new"), {"child": family.hanako.pk})
    sent = client.post(reverse("childwatch:absence_new"), {
        "child": family.hanako.pk, "date": today.isoformat(), "kind": "late", "reason": "appointment",
        "expected_time": "10:30", "note": "歯医者です"})

    assert form.status_code == 200 and sent.status_code == 302
    report = AbsenceReport.objects.get(child=family.hanako)
    assert (report.kind, report.expected_time, report.reported_by) == ("late", dt.time(10, 30), family.mother)

    client.force_login(family.teacher)
    day = client.get(reverse("childwatch:absence_day"))
    page = day.content.decode()
    assert day.status_code == 200
    assert "桜川 はなこ" in page and "歯医者です" in page and "10:30" in page
    assert dict(day.context["counts"])["Late"] == 1
    assert [group.school_class for group in day.context["listing"].groups] == [family.first]

    seen = client.post(reverse("childwatch:absence_seen", args=[report.pk]))
    report.refresh_from_db()
    assert seen.status_code == 302 and report.seen_by_teacher_at is not None

    client.force_login(family.mother)
    assert "Seen by the teacher" in client.get(reverse("childwatch:guardian_home")).content.decode()


def test_class_teacher_sees_only_their_class_and_staff_see_all(client, school, family, make_guardian):
    today = timezone.localdate()
    for child in (family.hanako, family.other):
        AbsenceReport.objects.create(child=child, date=today, kind="absent", reason="illness",
                                     reported_by=family.mother)

    client.force_login(family.teacher)
    teacher_view = client.get(reverse("childwatch:absence_day"))
    other_class = client.get(reverse("childwatch:absence_day"), {"class": family.second.pk})
    client.force_login(family.clerk)
    clerk_view = client.get(reverse("childwatch:absence_day"))
    one_class = client.get(reverse("childwatch:absence_day"), {"class": family.second.pk})

    assert [r.child for r in teacher_view.context["listing"].reports] == [family.hanako]
    assert "けんた" not in teacher_view.content.decode()
    assert other_class.status_code == 404
    assert {r.child for r in clerk_view.context["listing"].reports} == {family.hanako, family.other}
    assert [r.child for r in one_class.context["listing"].reports] == [family.other]


def test_day_list_for_another_date_and_print_friendly(client, school, family):
    monday = _next_weekday(timezone.localdate(), weekday=0)
    AbsenceReport.objects.create(child=family.hanako, date=monday, kind="early_leave", reason="family",
                                 expected_time=dt.time(13, 0), reported_by=family.mother)
    client.force_login(family.teacher)

    today = client.get(reverse("childwatch:absence_day"))
    that_day = client.get(reverse("childwatch:absence_day"), {"date": monday.isoformat()})
    bad_date = client.get(reverse("childwatch:absence_day"), {"date": "yesterday"})

    assert today.context["listing"].reports == []
    assert [r.kind for r in that_day.context["listing"].reports] == ["early_leave"]
    assert "no-print" in that_day.content.decode()  # filters and buttons drop out on paper
    assert bad_date.status_code == 200 and "Date:" in bad_date.content.decode()


def test_reporting_again_updates_the_first_report(api, family):
    today = timezone.localdate()
    api.force_authenticate(family.mother)
    body = {"child": family.hanako.pk, "date": today.isoformat(), "kind": "absent", "reason": "illness"}

    first = api.post(reverse("api:childwatch-absences"), body, format="json")
    AbsenceReport.objects.filter(pk=first.json()["id"]).update(seen_by_teacher_at=timezone.now())
    second = api.post(reverse("api:childwatch-absences"), {**body, "reason": "infectious", "note": "インフルエンザ"},
                      format="json")

    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    report = AbsenceReport.objects.get()
    assert report.reason == "infectious" and report.note == "インフルエンザ"
    assert report.seen_by_teacher_at is None  # the teacher sees the change afresh
    assert [r["id"] for r in api.get(reverse("api:childwatch-absences")).json()] == [report.pk]


@pytest.mark.parametrize(("change", "field"), [
    ({"date": "2000-01-01"}, "date"),
    ({"date": "far"}, "date"),
    ({"kind": "holiday"}, "kind"),
    ({"reason": ""}, "reason"),
    ({"kind": "late"}, "expected_time"),
    ({"kind": "early_leave"}, "expected_time"),
    ({"note": "あ" * 301}, "note"),
    ({"mood": "sleepy"}, "mood"),
])
def test_api_validation_names_the_field(api, family, change, field):
    api.force_authenticate(family.mother)
    body = {"child": family.hanako.pk, "date": timezone.localdate().isoformat(), "kind": "absent",
            "reason": "illness", **change}
    if change.get("date") == "far":
        body["date"] = (timezone.localdate() + dt.timedelta(days=45)).isoformat()

    response = api.post(reverse("api:childwatch-absences"), body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not AbsenceReport.objects.exists()


def test_a_future_weekend_is_refused_but_a_school_day_ahead_is_fine(client, family):
    today = timezone.localdate()
    saturday = _next_weekday(today, weekday=5)
    monday = _next_weekday(today, weekday=0)
    client.force_login(family.mother)
    url = reverse("childwatch:absence_new")
    body = {"child": family.hanako.pk, "kind": "absent", "reason": "family"}

    weekend = client.post(url, {**body, "date": saturday.isoformat()})
    school_day = client.post(url, {**body, "date": monday.isoformat()})

    assert weekend.status_code == 400 and "date" in weekend.context["form"].errors
    assert school_day.status_code == 302 and AbsenceReport.objects.get().date == monday


def test_page_form_errors_name_the_field(client, family):
    client.force_login(family.mother)

    response = client.post(reverse("childwatch:absence_new"), {
        "child": family.hanako.pk, "date": timezone.localdate().isoformat(), "kind": "late", "reason": "illness"})

    assert response.status_code == 400 and "expected_time" in response.context["form"].errors
    assert not AbsenceReport.objects.exists()


def test_withdraw_before_the_day_ends_but_not_after(api, client, family):
    today = timezone.localdate()
    api.force_authenticate(family.mother)
    current = AbsenceReport.objects.create(child=family.hanako, date=today, kind="absent", reason="illness",
                                           reported_by=family.mother)
    past = AbsenceReport.objects.create(child=family.hanako, date=today - dt.timedelta(days=1), kind="absent",
                                        reason="illness", reported_by=family.mother)

    withdrawn = api.delete(reverse("api:childwatch-absence", args=[current.pk]))
    too_late = api.delete(reverse("api:childwatch-absence", args=[past.pk]))

    current.refresh_from_db()
    past.refresh_from_db()
    assert withdrawn.status_code == 204 and current.withdrawn is True
    assert too_late.status_code == 400 and "date" in too_late.json()["errors"] and past.withdrawn is False

    client.force_login(family.teacher)
    day = client.get(reverse("childwatch:absence_day"))
    assert dict(day.context["counts"])["Absent"] == 0  # withdrawn: listed as such, not counted
    assert "Withdrawn" in day.content.decode()


def test_withdraw_on_the_page(client, family):
    report = AbsenceReport.objects.create(child=family.hanako, date=timezone.localdate(), kind="absent",
                                          reason="illness", reported_by=family.mother)
    client.force_login(family.mother)

    response = client.post(reverse("childwatch:absence_withdraw", args=[report.pk]))

    report.refresh_from_db()
    assert response.status_code == 302 and report.withdrawn is True


def test_staff_day_list_api(api, school, family):
    today = timezone.localdate()
    AbsenceReport.objects.create(child=family.hanako, date=today, kind="absent", reason="illness",
                                 reported_by=family.mother)
    AbsenceReport.objects.create(child=family.other, date=today, kind="late", reason="illness",
                                 expected_time=dt.time(9, 30), reported_by=family.mother)

    api.force_authenticate(family.teacher)
    mine = api.get(reverse("api:childwatch-staff-absences"))
    api.force_authenticate(family.clerk)
    everyone = api.get(reverse("api:childwatch-staff-absences"), {"date": today.isoformat()})
    one = api.get(reverse("api:childwatch-staff-absences"), {"class": family.second.pk})
    bad = api.get(reverse("api:childwatch-staff-absences"), {"date": "soon", "class": "x"})

    assert [r["child"] for r in mine.json()] == [family.hanako.pk]
    assert {r["child"] for r in everyone.json()} == {family.hanako.pk, family.other.pk}
    assert [r["kind"] for r in one.json()] == ["late"]
    assert bad.status_code == 400 and {"date", "class"} <= set(bad.json()["errors"])
