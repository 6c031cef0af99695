"""School alert mail API: send, figures, the unread list and replies, as the right and wrong users."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import AuditEntry
from apps.childwatch.choices import AlertCategory, ReplyChoice
from apps.childwatch.models import AlertReply, SchoolAlert
from apps.notifications.choices import Priority
from apps.notifications.models import Delivery, Message


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def people(school, other_school, make_class, make_child, make_guardian, make_staff):
    c11, c21, other = make_class(school, 1, "1組"), make_class(school, 2, "1組"), make_class(other_school, 1, "1組")
    hanako, kenta, sora = make_child(c11, "はなこ"), make_child(c21, "けんた"), make_child(other, "そら")
    return {"c11": c11, "other_class": other, "hanako": hanako, "sora": sora,
            "g11": make_guardian(hanako), "g21": make_guardian(kenta), "g_other": make_guardian(sora),
            "staff": make_staff(school), "other_staff": make_staff(other_school)}


def _payload(school, **extra) -> dict:
    return {"school": school.pk, "scope": "class", "category": AlertCategory.CHILD_SUSPICIOUS,
            "title": "不審者情報", "body": "公園付近で声かけ事案がありました。", **extra}


def test_staff_send_a_class_alert_and_read_figures_and_the_unread_list(api, school, people, run_broadcast):
    api.force_authenticate(people["staff"])
    sent = api.post(reverse("api:childwatch-alerts"), _payload(
        school, school_class=people["c11"].pk, priority="emergency",
        title_en="Suspicious person", body_en="Near the park."), format="json")
    assert sent.status_code == 201, sent.json()
    alert = SchoolAlert.objects.get(pk=sent.json()["id"])
    assert sent.json()["priority"] == Priority.EMERGENCY == alert.message.priority
    assert alert.message.variants.get(language="en").title == "Suspicious person"
    run_broadcast(alert.message)
    assert set(Delivery.objects.filter(message=alert.message).values_list("recipient_id", flat=True)) == {
        people["g11"].pk}

    listing = api.get(reverse("api:childwatch-alerts")).json()
    assert [a["id"] for a in listing] == [alert.pk]
    detail = api.get(reverse("api:childwatch-alert-detail", args=[alert.pk])).json()
    assert detail["figures"] == {"guardians": 1, "reached": 1, "read": 0, "unread": 1,
                                 "replies": {c: 0 for c in ReplyChoice.values}}
    assert detail["guardians"][0]["children"] == [{"name": "桜川 はなこ", "school_class": "1年1組"}]
    unread = api.get(reverse("api:childwatch-alert-unread", args=[alert.pk])).json()
    assert [r["email"] for r in unread] == [people["g11"].email]

    # The guardian replies through the API: the reply counts and so does the read receipt.
    guardian = APIClient()
    guardian.force_authenticate(people["g11"])
    url = reverse("api:childwatch-alert-reply", args=[alert.pk])
    assert guardian.post(url, {"reply": "confirmed"}, format="json").status_code == 200
    replied = guardian.post(url, {"reply": "will_pick_up"}, format="json")
    assert replied.status_code == 200 and replied.json()["reply"] == "will_pick_up"
    assert AlertReply.objects.get(alert=alert).reply == ReplyChoice.WILL_PICK_UP
    detail = api.get(reverse("api:childwatch-alert-detail", args=[alert.pk])).json()
    assert detail["figures"]["read"] == 1 and detail["figures"]["replies"]["will_pick_up"] == 1
    assert detail["guardians"][0]["reply"] == "will_pick_up"
    assert api.get(reverse("api:childwatch-alert-unread", args=[alert.pk])).json() == []
    assert AuditEntry.objects.filter(user=people["staff"], action="childwatch.alert.unread").count() == 2


def test_unknown_fields_and_bad_values_are_refused_by_name(api, school, people):
    api.force_authenticate(people["staff"])
    url = reverse("api:childwatch-alerts")
    response = api.post(url, _payload(school, school_class=people["c11"].pk, send_at="now"), format="json")
    assert response.status_code == 400 and "send_at" in response.json()["errors"]
    response = api.post(url, _payload(school, category="gossip", priority="low"), format="json")
    assert response.status_code == 400 and {"category", "priority"} <= set(response.json()["errors"])
    response = api.post(url, _payload(school), format="json")  # a class alert without a class
    assert response.status_code == 400 and "school_class" in response.json()["errors"]
    response = api.post(url, _payload(school, school_class=people["c11"].pk, title_en="Only a title"),
                        format="json")
    assert response.status_code == 400 and "body_en" in response.json()["errors"]
    reply = api.post(reverse("api:childwatch-alert-reply", args=[1]), {"reply": "confirmed", "x": 1}, format="json")
    assert reply.status_code == 404  # staff are not recipients; the alert does not exist for them
    assert not SchoolAlert.objects.exists() and not Message.objects.exists()


def test_staff_of_another_school_can_neither_see_nor_target_it(api, school, other_school, people, run_broadcast):
    api.force_authenticate(people["staff"])
    alert_id = api.post(reverse("api:childwatch-alerts"), _payload(school, school_class=people["c11"].pk),
                        format="json").json()["id"]

    api.force_authenticate(people["other_staff"])
    assert api.get(reverse("api:childwatch-alerts")).json() == []
    assert api.get(reverse("api:childwatch-alerts"), {"school": school.pk}).json() == []
    for name in ("api:childwatch-alert-detail", "api:childwatch-alert-unread"):
        response = api.get(reverse(name, args=[alert_id]))
        assert response.status_code == 404 and "不審者" not in response.content.decode()

    url = reverse("api:childwatch-alerts")
    # Sending in our school's name: 403.
    assert api.post(url, _payload(school, school_class=people["c11"].pk), format="json").status_code == 403
    # Their own school, but our class or our children: 400 naming the field.
    response = api.post(url, _payload(other_school, school_class=people["c11"].pk), format="json")
    assert response.status_code == 400 and "school_class" in response.json()["errors"]
    response = api.post(url, _payload(other_school, scope="children", children=[people["hanako"].pk]),
                        format="json")
    assert response.status_code == 400 and "children" in response.json()["errors"]
    response = api.post(url, _payload(other_school, scope="grade", grade=2), format="json")
    assert response.status_code == 400 and "grade" in response.json()["errors"]  # they have no grade 2
    assert SchoolAlert.objects.count() == 1 and Message.objects.count() == 1


def test_guardians_and_residents_outside_the_audience(api, school, people, make_user, run_broadcast):
    api.force_authenticate(people["staff"])
    alert_id = api.post(reverse("api:childwatch-alerts"), _payload(school, school_class=people["c11"].pk),
                        format="json").json()["id"]
    run_broadcast(SchoolAlert.objects.get(pk=alert_id).message)
    reply = reverse("api:childwatch-alert-reply", args=[alert_id])
    for person in (people["g21"], people["g_other"], make_user("resident")):
        api.force_authenticate(person)
        assert api.post(reply, {"reply": "confirmed"}, format="json").status_code == 404
        assert api.get(reverse("api:childwatch-alerts")).status_code == 404
        assert api.get(reverse("api:childwatch-alert-detail", args=[alert_id])).status_code == 404
        assert api.post(reverse("api:childwatch-alerts"), _payload(school, school_class=people["c11"].pk),
                        format="json").status_code == 404
    api.force_authenticate(None)
    assert api.get(reverse("api:childwatch-alerts")).status_code in (401, 403)
    assert api.post(reply, {"reply": "confirmed"}, format="json").status_code in (401, 403)
    api.force_authenticate(people["g11"])
    bad = api.post(reply, {"reply": "maybe"}, format="json")
    assert bad.status_code == 400 and "reply" in bad.json()["errors"]
    assert not AlertReply.objects.exists()
    assert SchoolAlert.objects.count() == 1
