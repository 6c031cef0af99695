"""Surveys: set-up, answering once in the window, anonymity, results, CSV and privacy."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.neighbourhood.choices import MemberRole
from apps.neighbourhood.models import Response, Survey
from apps.neighbourhood.services import surveys as services
from apps.notifications.models import Message

pytestmark = pytest.mark.django_db


def make_survey(association, officer, *, anonymous=False, **extra) -> Survey:
    now = timezone.now()
    fields = {
        "title": "夏祭りアンケート", "description": "ご協力ください", "anonymous": anonymous,
        "opens_at": now - dt.timedelta(hours=1), "closes_at": now + dt.timedelta(days=7),
        "questions": [
            {"text": "参加しますか", "kind": "single", "choices": ["はい", "いいえ"], "required": True},
            {"text": "手伝える係", "kind": "multiple", "choices": ["受付", "屋台", "片付け"], "required": False},
            {"text": "ご意見", "kind": "text", "required": False},
        ],
    }
    fields.update(extra)
    return services.create_survey(author=officer, association=association, **fields)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def qids(survey) -> list[str]:
    return [str(q.pk) for q in survey.questions.all()]


def answer_url(association, survey) -> str:
    return reverse("api:neighbourhood-survey-responses", args=[association.slug, survey.pk])


def test_create_survey_notifies_members_and_validates(association, officer, member):
    survey = make_survey(association, officer)
    message = Message.objects.get(pk=survey.message_id)
    assert message.category == "community"
    assert message.audience["segments"] == [{"kind": "association_members", "association": association.pk}]
    url = reverse("api:neighbourhood-surveys", args=[association.slug])
    bad = api(officer).post(url, {
        "title": "x", "opens_at": "2030-01-02T09:00:00+09:00", "closes_at": "2030-01-01T09:00:00+09:00",
        "questions": [{"text": "色", "kind": "single", "choices": ["赤"]},
                      {"text": "", "kind": "multiple", "choices": [str(i) for i in range(21)]}]}, format="json")
    assert bad.status_code == 400
    errors = bad.json()["errors"]
    assert "questions.1.text" in errors and "questions.1.choices" in errors
    bad = api(officer).post(url, {
        "title": "x", "opens_at": "2030-01-02T09:00:00+09:00", "closes_at": "2030-01-01T09:00:00+09:00",
        "questions": [{"text": "色", "kind": "single", "choices": ["赤"]}]}, format="json")
    assert set(bad.json()["errors"]) == {"closes_at", "questions.0.choices"}
    assert api(member).post(url, {"title": "x"}, format="json").status_code == 403


def test_answer_once_and_errors_name_the_question(association, officer, member):
    survey = make_survey(association, officer)
    single, multiple, text = qids(survey)
    url = answer_url(association, survey)
    bad = api(member).post(url, {"answers": {multiple: [0, 7], text: "良い", "999": 1}}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {f"answers.{single}", f"answers.{multiple}", "answers"}
    ok = api(member).post(url, {"answers": {single: 0, multiple: [2, 0], text: "楽しみ"}}, format="json")
    assert ok.status_code == 201
    again = api(member).post(url, {"answers": {single: 1}}, format="json")
    assert again.status_code == 400 and again.json()["detail"] and again.json()["errors"] == {}
    assert Response.objects.filter(survey=survey).count() == 1
    stored = Response.objects.get(survey=survey)
    assert stored.respondent == member and stored.answers == {single: 0, multiple: [0, 2], text: "楽しみ"}


def test_answers_outside_the_window_are_refused(association, officer, member):
    now = timezone.now()
    later = make_survey(association, officer, opens_at=now + dt.timedelta(days=1),
                        closes_at=now + dt.timedelta(days=2))
    closed = make_survey(association, officer)
    Survey.objects.filter(pk=closed.pk).update(closes_at=now - dt.timedelta(minutes=1))
    for survey in (later, closed):
        response = api(member).post(answer_url(association, survey), {"answers": {qids(survey)[0]: 0}},
                                    format="json")
        assert response.status_code == 400
    assert not Response.objects.exists()
    # The notice of a survey that opens later waits until it opens.
    assert Message.objects.get(pk=later.message_id).scheduled_at == later.opens_at


def test_anonymous_survey_stores_no_one(client, association, officer, make_member):
    survey = make_survey(association, officer, anonymous=True)
    single, _multiple, text = qids(survey)
    people = [make_member(association) for _ in range(3)]
    for n, person in enumerate(people):
        client.force_login(person)
        response = client.post(reverse("neighbourhood:survey_detail", args=[association.slug, survey.pk]),
                               {f"q_{single}": str(n % 2), f"q_{text}": f"意見{3 - n}"})
        assert response.status_code == 302
    # A duplicate from the page is refused too.
    again = client.post(reverse("neighbourhood:survey_detail", args=[association.slug, survey.pk]),
                        {f"q_{single}": "0"})
    assert again.status_code == 400 and Response.objects.count() == 3

    rows = Response.objects.filter(survey=survey)
    assert all(r.respondent_id is None for r in rows)
    user_ids = {str(p.pk) for p in people}
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Response._meta.db_table)  # a fixed name, not input
        cursor.execute(f"SELECT respondent_id, respondent_key FROM {table}")  # noqa: S608
        raw = cursor.fetchall()
    assert len(raw) == 3
    for respondent_id, key in raw:
        # No member id is stored; the key is an HMAC that cannot be turned back into one.
        assert respondent_id is None and len(key) == 64 and key not in user_ids
    assert {r[1] for r in raw} == {services.respondent_key(survey, p) for p in people}
    # Only the day of answering is kept.
    assert {timezone.localtime(r.submitted_at).time() for r in rows} == {dt.time(0, 0)}

    client.force_login(officer)
    page = client.get(reverse("neighbourhood:survey_results", args=[association.slug, survey.pk])).content.decode()
    names = [p.memberships.get().real_name for p in people]
    assert not any(name in page for name in names)
    assert page.index("意見1") < page.index("意見2") < page.index("意見3")
    export = client.get(reverse("neighbourhood:survey_csv", args=[association.slug, survey.pk]))
    assert export.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert table[0] == ["参加しますか", "手伝える係", "ご意見"]
    assert len(table) == 4 and not any(name in export.content.decode("utf-8-sig") for name in names)
    results = api(officer).get(reverse("api:neighbourhood-survey-results", args=[association.slug, survey.pk]))
    assert results.json()["responses"] == 3
    assert [c["count"] for c in results.json()["questions"][0]["choices"]] == [2, 1]
    assert results.json()["questions"][0]["choices"][0]["percent"] == pytest.approx(66.7)


def test_named_survey_results_and_csv(client, association, officer, member):
    survey = make_survey(association, officer)
    single, multiple, text = qids(survey)
    services.submit_response(user=member, survey=survey, answers={single: 1, multiple: [0, 1], text: "=cmd()"})
    client.force_login(officer)
    export = client.get(reverse("neighbourhood:survey_csv", args=[association.slug, survey.pk]))
    table = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    name = member.memberships.get().real_name
    assert table[0][:2] == ["respondent", "answered_at"]
    assert table[1][0] == name and table[1][2:] == ["いいえ", "受付 / 屋台", "'=cmd()"]


def test_privacy_outsiders_404_members_403(client, association, other_association, officer, member, make_member,
                                           make_user):
    survey = make_survey(association, officer)
    outsider = make_member(other_association, MemberRole.OFFICER)
    pages = [reverse(name, args=[association.slug, survey.pk]) for name in
             ("neighbourhood:survey_detail", "neighbourhood:survey_results", "neighbourhood:survey_csv")]
    apis = [reverse(name, args=[association.slug, survey.pk]) for name in
            ("api:neighbourhood-survey", "api:neighbourhood-survey-results")]
    for user in (outsider, make_user("resident")):
        client.force_login(user)
        assert client.get(reverse("neighbourhood:survey_list", args=[association.slug])).status_code == 404
        for url in pages:
            assert client.get(url).status_code == 404
        for url in apis:
            assert api(user).get(url).status_code == 404
        assert api(user).get(reverse("api:neighbourhood-surveys", args=[association.slug])).status_code == 404
        assert api(user).post(answer_url(association, survey), {"answers": {}}, format="json").status_code == 404
    client.logout()
    assert client.get(pages[0]).status_code == 302  # to sign in
    assert api().get(apis[0]).status_code in (401, 403)
    # A plain member answers but never sees results.
    client.force_login(member)
    assert client.get(pages[0]).status_code == 200
    assert client.get(pages[1]).status_code == 403 and client.get(pages[2]).status_code == 403
    assert api(member).get(apis[1]).status_code == 403
    listing = api(member).get(reverse("api:neighbourhood-surveys", args=[association.slug])).json()
    assert [s["id"] for s in listing] == [survey.pk]


def test_survey_form_page(client, association, officer):
    client.force_login(officer)
    url = reverse("neighbourhood:survey_create", args=[association.slug])
    data = {"title": "防災アンケート", "description": "", "anonymous": "on", "opens_at": "2030-04-01T09:00",
            "closes_at": "2030-04-10T18:00", "questions-TOTAL_FORMS": "8", "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "8",
            "questions-0-text": "備蓄はありますか", "questions-0-kind": "single", "questions-0-choices": "ある\nない",
            "questions-0-required": "on", "questions-1-text": "ご意見", "questions-1-kind": "text"}
    for i in range(2, 8):
        data[f"questions-{i}-kind"] = "single"
    bad = client.post(url, {**data, "questions-0-choices": "ある"})
    assert bad.status_code == 200 and bad.context["formset"].forms[0].has_error("choices")
    assert client.post(url, data).status_code == 302
    survey = Survey.objects.get()
    assert survey.anonymous and [q.kind for q in survey.questions.all()] == ["single", "text"]
    assert survey.opens_at == dt.datetime(2030, 4, 1, 0, 0, tzinfo=dt.UTC)
