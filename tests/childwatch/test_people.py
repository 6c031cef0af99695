"""The school desk and the guardian's home: classes, children, linking guardians, consent, plans, volunteers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import AuditEntry
from apps.childwatch.models import Child, Guardianship, SchoolClass, ServicePlan, WatchVolunteer
from apps.notifications.models import TopicSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    client.cookies["django_language"] = "en"
    return client


def _desk(client, school):
    return client.get(reverse("childwatch:staff_home"), {"school": school.pk})


# --- the staff desk ----------------------------------------------------------------------------

def test_staff_desk_shows_classes_counts_and_links(client, school, make_staff, make_class, make_child,
                                                   make_guardian):
    staff = make_staff(school)
    first = make_class(school, teacher=staff)
    make_guardian(make_child(first), consent=True)
    make_child(first)
    client.force_login(staff)

    response = client.get(reverse("childwatch:staff_home"))  # only one school: opened directly

    assert response.status_code == 200
    page = response.content.decode()
    assert school.name in page and "1年1組" in page
    counts = response.context["counts"]
    assert (counts.classes, counts.children, counts.guardians) == (1, 2, 1)
    assert counts.consenting_children == 1 and counts.children_without_guardian == 1
    assert reverse("childwatch:absence_day") in page
    assert f'{reverse("childwatch:alert_list")}?school={school.pk}' in page  # the other desks, by name
    assert response["Cache-Control"].count("no-store") == 1


def test_staff_of_two_schools_picks_one(client, school, other_school, make_staff):
    staff = make_staff(school)
    from apps.accounts.roles import Role
    from apps.accounts.services import grant_role
    grant_role(user=staff, role=Role.SCHOOL_STAFF, scope=other_school)
    client.force_login(staff)

    picker = client.get(reverse("childwatch:staff_home"))
    chosen = _desk(client, other_school)

    assert picker.status_code == 200 and "childwatch/people/pick_school.html" in [t.name for t in picker.templates]
    assert chosen.status_code == 200 and chosen.context["school"] == other_school


def test_add_class_and_child_then_edit(client, school, make_staff):
    staff = make_staff(school)
    client.force_login(staff)

    response = client.post(f"{reverse('childwatch:class_add')}?school={school.pk}",
                           {"year": 2026, "grade": 2, "name": "3組", "teacher_email": staff.email})
    school_class = SchoolClass.objects.get(school=school, grade=2, name="3組")
    assert response.status_code == 302 and school_class.teacher == staff

    response = client.post(f"{reverse('childwatch:child_add')}?school={school.pk}", {
        "full_name": "桜川 たろう", "name_kana": "さくらがわ たろう", "given_name": "たろう",
        "school_class": school_class.pk, "is_active": "on"})
    child = Child.objects.get(full_name="桜川 たろう")
    assert response.status_code == 302 and child.school == school and child.school_class == school_class

    response = client.post(reverse("childwatch:child_edit", args=[child.pk]), {
        "full_name": "桜川 たろう", "given_name": "たろちゃん", "school_class": school_class.pk})
    child.refresh_from_db()
    assert response.status_code == 302 and child.given_name == "たろちゃん" and child.is_active is False


def test_class_form_errors_name_the_field(client, school, other_school, make_staff, make_class, make_user):
    staff = make_staff(school)
    make_class(school, grade=1, name="1組")
    outsider = make_user("resident")
    client.force_login(staff)
    url = f"{reverse('childwatch:class_add')}?school={school.pk}"

    duplicate = client.post(url, {"year": 2026, "grade": 1, "name": "1組"})
    bad_grade = client.post(url, {"year": 2026, "grade": 13, "name": "2組"})
    not_staff = client.post(url, {"year": 2026, "grade": 1, "name": "2組", "teacher_email": outsider.email})

    assert "name" in duplicate.context["form"].errors
    assert "grade" in bad_grade.context["form"].errors
    assert "teacher_email" in not_staff.context["form"].errors
    assert SchoolClass.objects.filter(school=school).count() == 1


def test_child_form_refuses_another_schools_class(client, school, other_school, make_staff, make_class):
    staff = make_staff(school)
    foreign = make_class(other_school)
    client.force_login(staff)

    response = client.post(f"{reverse('childwatch:child_add')}?school={school.pk}", {
        "full_name": "桜川 じろう", "given_name": "じろう", "school_class": foreign.pk, "is_active": "on"})

    assert response.status_code == 200 and "school_class" in response.context["form"].errors
    assert not Child.objects.filter(full_name="桜川 じろう").exists()


# --- linking guardians (the "Done when" path's first step) ---------------------------------------

def test_clerk_finds_then_links_a_guardian_who_then_sees_the_child(client, school, make_staff, make_class,
                                                                    make_child, make_user):
    clerk = make_staff(school)
    child = make_child(make_class(school), "はなこ")
    parent = make_user("resident", email="parent@example.jp")
    client.force_login(clerk)
    url = reverse("childwatch:child_detail", args=[child.pk])

    found = client.post(url, {"email": "Parent@Example.jp", "relationship": "母", "find": "1"})
    assert found.context["found"] == parent and not Guardianship.objects.exists()
    unchecked = client.post(url, {"email": "parent@example.jp", "relationship": "母", "link": "1"})
    linked = client.post(url, {"email": "parent@example.jp", "relationship": "母", "identity_checked": "on",
                               "link": "1"})

    assert "identity_checked" in unchecked.context["form"].errors
    assert linked.status_code == 302
    link = Guardianship.objects.get(guardian=parent, child=child)
    assert link.is_active and link.verified_by == clerk and link.relationship == "母"
    assert link.passage_consent_at is None
    assert AuditEntry.objects.filter(user=clerk, action="childwatch.link_guardian").exists()
    # Being linked subscribes the guardian to school messages (they may drop the topic later).
    assert TopicSubscription.objects.filter(user=parent, category="children").exists()

    client.force_login(parent)
    home = client.get(reverse("childwatch:guardian_home")).content.decode()
    assert "桜川 はなこ" in home and school.name in home
    assert reverse("childwatch:child_passages", args=[child.pk]) in home and reverse("notifications:inbox") in home


def test_linking_an_unknown_email_names_the_field(client, school, make_staff, make_class, make_child):
    clerk = make_staff(school)
    child = make_child(make_class(school))
    client.force_login(clerk)

    response = client.post(reverse("childwatch:child_detail", args=[child.pk]),
                           {"email": "nobody@example.jp", "identity_checked": "on", "link": "1"})

    assert response.status_code == 400 and "email" in response.context["form"].errors
    assert not Guardianship.objects.exists()


def test_a_child_may_have_several_guardians_and_a_guardian_several_children(api, school, other_school, make_staff,
                                                                            make_class, make_child, make_user):
    clerk_a, clerk_b = make_staff(school), make_staff(other_school)
    child_a, child_b = make_child(make_class(school)), make_child(make_class(other_school))
    mother, father = make_user("resident"), make_user("resident")

    api.force_authenticate(clerk_a)
    for person in (mother, father):
        response = api.post(reverse("api:childwatch-staff-guardianships"),
                            {"child": child_a.pk, "email": person.email, "relationship": "親"}, format="json")
        assert response.status_code == 201, response.json()
    api.force_authenticate(clerk_b)
    assert api.post(reverse("api:childwatch-staff-guardianships"), {"child": child_b.pk, "email": mother.email},
                    format="json").status_code == 201

    api.force_authenticate(mother)
    mine = api.get(reverse("api:childwatch-children")).json()
    assert {entry["id"] for entry in mine} == {child_a.pk, child_b.pk}
    assert child_a.guardianships.filter(is_active=True).count() == 2


def test_link_twice_is_refused_and_relinking_an_ended_link_reactivates_it(api, school, make_staff, make_class,
                                                                          make_child, make_guardian):
    clerk = make_staff(school)
    child = make_child(make_class(school))
    parent = make_guardian(child, consent=True)
    link = Guardianship.objects.get(guardian=parent)
    api.force_authenticate(clerk)
    url = reverse("api:childwatch-staff-guardianships")

    twice = api.post(url, {"child": child.pk, "email": parent.email}, format="json")
    ended = api.delete(reverse("api:childwatch-staff-guardianship", args=[link.pk]))
    link.refresh_from_db()
    assert twice.status_code == 400 and "email" in twice.json()["errors"]
    assert ended.status_code == 204 and not link.is_active and link.passage_consent_at is None

    again = api.post(url, {"child": child.pk, "email": parent.email, "relationship": "父"}, format="json")
    link.refresh_from_db()
    assert again.status_code == 201 and link.is_active and link.relationship == "父"
    assert Guardianship.objects.filter(guardian=parent, child=child).count() == 1


def test_unlink_page_keeps_the_record_inactive(client, school, make_staff, make_class, make_child, make_guardian):
    clerk = make_staff(school)
    child = make_child(make_class(school))
    parent = make_guardian(child)
    link = Guardianship.objects.get(guardian=parent)
    client.force_login(clerk)

    response = client.post(reverse("childwatch:guardianship_unlink", args=[link.pk]))

    link.refresh_from_db()
    assert response.status_code == 302 and link.is_active is False
    detail = client.get(reverse("childwatch:child_detail", args=[child.pk]))
    assert parent.email in detail.content.decode() and "Ended" in detail.content.decode()


def test_staff_api_validation_names_fields(api, school, make_staff):
    api.force_authenticate(make_staff(school))

    response = api.post(reverse("api:childwatch-staff-guardianships"), {"child": "x", "email": "not-mail",
                                                                        "colour": "red"}, format="json")

    assert response.status_code == 400
    assert {"child", "email", "colour"} <= set(response.json()["errors"])


# --- consent ---------------------------------------------------------------------------------------

def test_guardian_gives_and_withdraws_consent_on_the_page(client, school, make_class, make_child, make_guardian):
    child = make_child(make_class(school), "はなこ")
    parent = make_guardian(child, consent=False)
    link = Guardianship.objects.get(guardian=parent)
    client.force_login(parent)
    url = reverse("childwatch:guardian_consent", args=[child.pk])

    home = client.get(reverse("childwatch:guardian_home")).content.decode()
    assert "90 days" in home  # what is stored and for how long comes from the school

    client.post(url, {"consent": "1"})
    link.refresh_from_db()
    assert link.passage_consent_at is not None
    client.post(url, {"consent": "0"})
    link.refresh_from_db()
    assert link.passage_consent_at is None


def test_consent_api(api, school, make_class, make_child, make_guardian):
    child = make_child(make_class(school))
    parent = make_guardian(child, consent=False)
    api.force_authenticate(parent)
    url = reverse("api:childwatch-child-consent", args=[child.pk])

    given = api.post(url, {"consent": True}, format="json")
    bad = api.post(url, {"consent": "perhaps"}, format="json")
    withdrawn = api.post(url, {"consent": False}, format="json")

    assert given.status_code == 200 and given.json()["passage_consent"] is True
    assert bad.status_code == 400 and "consent" in bad.json()["errors"]
    assert withdrawn.json()["passage_consent"] is False and withdrawn.json()["passage_retention_days"] == 90


def test_user_with_no_children_is_told_how_linking_works(client, make_user):
    user = make_user("resident")
    client.force_login(user)

    response = client.get(reverse("childwatch:guardian_home"))

    assert response.status_code == 200
    assert "only the school can link" in response.content.decode()
    assert user.email in response.content.decode()


def test_guardian_home_needs_sign_in(client):
    response = client.get(reverse("childwatch:guardian_home"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- plans and volunteers ---------------------------------------------------------------------------

def test_staff_manage_plans_and_the_guardian_sees_theirs(client, school, make_staff, make_class, make_child,
                                                         make_guardian, make_user):
    staff = make_staff(school)
    parent = make_guardian(make_child(make_class(school)))
    stranger = make_user("resident")
    client.force_login(staff)
    url = f"{reverse('childwatch:plan_list')}?school={school.pk}"
    fields = {"plan": "gate", "monthly_fee_yen": 300, "status": "active", "period_start": "2026-05-01"}

    added = client.post(url, {**fields, "guardian_email": parent.email})
    not_guardian = client.post(url, {**fields, "guardian_email": stranger.email})
    backwards = client.post(url, {**fields, "guardian_email": parent.email, "period_end": "2026-04-01"})
    plan = ServicePlan.objects.get(guardian=parent)
    assert added.status_code == 302 and plan.status == "active"
    assert "guardian_email" in not_guardian.context["form"].errors
    assert "period_end" in backwards.context["form"].errors

    changed = client.post(reverse("childwatch:plan_edit", args=[plan.pk]), {**fields, "status": "suspended",
                                                                          "period_end": "2026-12-31"})
    plan.refresh_from_db()
    assert changed.status_code == 302 and plan.status == "suspended" and plan.period_end == dt.date(2026, 12, 31)

    client.force_login(parent)
    assert "Suspended" in client.get(reverse("childwatch:guardian_home")).content.decode()


def test_staff_register_and_deactivate_volunteers(client, school, make_staff, make_user):
    staff = make_staff(school)
    neighbour = make_user("resident")
    client.force_login(staff)
    url = f"{reverse('childwatch:volunteer_list')}?school={school.pk}"

    client.post(url, {"email": neighbour.email, "area": "桜川橋〜学校"})
    unknown = client.post(url, {"email": "nobody@example.jp"})
    volunteer = WatchVolunteer.objects.get(user=neighbour, school=school)
    assert volunteer.is_active and volunteer.area == "桜川橋〜学校"
    assert unknown.status_code == 400 and "email" in unknown.context["form"].errors

    client.post(reverse("childwatch:volunteer_active", args=[volunteer.pk]), {"active": "0"})
    volunteer.refresh_from_db()
    assert volunteer.is_active is False


# --- the demo -------------------------------------------------------------------------------------------

def test_demo_is_idempotent_and_usable(client, demo_map):
    from apps.accounts import demo as accounts_demo
    from apps.childwatch import demo
    from apps.childwatch.models import AbsenceReport, GateReader, ICTag, School

    accounts_demo.seed(demo_map)
    demo.seed(demo_map)
    first = [model.objects.count() for model in (School, SchoolClass, Child, Guardianship, GateReader, ICTag,
                                                 AbsenceReport, ServicePlan)]
    demo.seed(demo_map)
    again = [model.objects.count() for model in (School, SchoolClass, Child, Guardianship, GateReader, ICTag,
                                                 AbsenceReport, ServicePlan)]

    assert first == again == [1, 1, 3, 1, 1, 1, 1, 1]
    school = School.objects.get()
    assert school.name == "桜川市立中央小学校" and school.school_district.code == "E1" and school.pta_approved_on
    assert GateReader.objects.get().code == "seimon" and any("Child watch" in note for note in demo_map.notes)

    client.force_login(demo_map.users["resident"])
    assert "山田 はなこ" in client.get(reverse("childwatch:guardian_home")).content.decode()
    client.force_login(demo_map.users["school_staff"])
    day = client.get(reverse("childwatch:absence_day"))
    assert [r.child.given_name for r in day.context["listing"].reports] == ["はなこ"]
