"""Gate passages: who is told, who can see the log (and the audit of staff reads), a real worker."""

from __future__ import annotations

import io
import json
import time

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import AuditEntry, User
from apps.childwatch.models import Child, GatePassage, GateReader, Guardianship, ICTag, SchoolClass, UnknownTagEvent
from apps.notifications.choices import Channel, DeliveryStatus
from apps.notifications.models import Delivery, Message
from apps.notifications.services import set_topics
from tests.childwatch.test_gate_device_api import ev, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(school) -> GateReader:
    return GateReader.objects.create(school=school, code="chuo-main", gate_name="正門")


@pytest.fixture
def family(school, make_class, make_child, make_guardian):
    """Child A (tag A) with a consenting and a non-consenting guardian; child B (tag B) with its own."""
    school_class = make_class(school)
    child_a, child_b = make_child(school_class, "はなこ"), make_child(school_class, "たろう")
    ICTag.objects.create(uid="A", child=child_a)
    ICTag.objects.create(uid="B", child=child_b)
    people = {
        "a": make_guardian(child_a),
        "a_no_consent": make_guardian(child_a, consent=False),
        "b": make_guardian(child_b),
    }
    for user in people.values():
        set_topics(user=user, categories=["children"])
    return {"child_a": child_a, "child_b": child_b, **people}


def test_a_passage_reaches_only_that_childs_consenting_guardians(reader, family, run_broadcast):
    assert send(reader, [ev("e-1", tag="A")]).json()["results"][0]["status"] == "stored"
    message = Message.objects.get(id=GatePassage.objects.get().message_id)
    run_broadcast(message)
    recipients = set(Delivery.objects.filter(message=message).values_list("recipient_id", flat=True))
    assert recipients == {family["a"].id}
    assert Delivery.objects.get(message=message, channel=Channel.INBOX).status == DeliveryStatus.DELIVERED
    # The guardian of the other child, and the guardian who did not consent, got nothing at all.
    assert not Delivery.objects.filter(recipient__in=[family["b"], family["a_no_consent"]]).exists()


def test_a_passage_page_shows_the_guardian_their_childs_passages(client, reader, family):
    send(reader, [ev("e-1", tag="A"), ev("e-2", tag="B")])
    client.force_login(family["a"])
    response = client.get(reverse("childwatch:child_passages", args=[family["child_a"].pk]))
    assert response.status_code == 200
    assert response.context["passages"].count() == 1
    assert "正門" in response.content.decode()
    assert response.context["passages"][0].child == family["child_a"]


@pytest.mark.parametrize("who", ["other_guardian", "staff_of_other_school", "resident", "staff_of_school"])
def test_nobody_else_sees_a_childs_passages_on_the_guardian_page(client, reader, family, other_school, make_staff,
                                                                 make_user, who):
    send(reader, [ev("e-1", tag="A")])
    user = {"other_guardian": family["b"], "staff_of_other_school": make_staff(other_school),
            "resident": make_user("resident"), "staff_of_school": make_staff(reader.school)}[who]
    client.force_login(user)
    # The guardian page is for guardians; staff have their own, audited page.
    response = client.get(reverse("childwatch:child_passages", args=[family["child_a"].pk]))
    assert response.status_code == 404
    assert "はなこ" not in response.content.decode()


def test_anonymous_is_sent_to_log_in(client, reader, family):
    response = client.get(reverse("childwatch:child_passages", args=[family["child_a"].pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    api = APIClient().get(reverse("api:childwatch-child-passages", args=[family["child_a"].pk]))
    assert api.status_code in (401, 403)
    assert "passed_at" not in api.content.decode()


def test_the_passages_api_for_the_guardian_and_nobody_else(reader, family, other_school, make_staff):
    send(reader, [ev("e-1", tag="A", direction="out")])
    url = reverse("api:childwatch-child-passages", args=[family["child_a"].pk])
    api = APIClient()
    api.force_authenticate(family["a"])
    rows = api.get(url).json()
    assert [(r["direction"], r["gate"]) for r in rows] == [("out", "正門")]
    for user in (family["b"], make_staff(other_school)):
        api.force_authenticate(user)
        response = api.get(url)
        assert response.status_code == 404
        assert "passed_at" not in response.content.decode()
    assert not AuditEntry.objects.exists()  # guardians' own reads are not staff reads


def test_staff_reads_of_a_childs_log_are_audited(client, reader, family, make_staff):
    send(reader, [ev("e-1", tag="A")])
    staff = make_staff(reader.school)
    client.force_login(staff)
    response = client.get(reverse("childwatch:staff_child_passages", args=[family["child_a"].pk]))
    assert response.status_code == 200
    assert response.context["passages"].count() == 1
    api = APIClient()
    api.force_authenticate(staff)
    assert len(api.get(reverse("api:childwatch-child-passages", args=[family["child_a"].pk])).json()) == 1
    entries = AuditEntry.objects.filter(user=staff, action="childwatch.view_passages")
    assert sorted(entries.values_list("detail", flat=True)) == ["api", "page"]
    assert {entry.object_id for entry in entries} == {family["child_a"].pk}


def test_staff_of_another_school_cannot_open_the_staff_log(client, reader, family, other_school, make_staff):
    send(reader, [ev("e-1", tag="A")])
    client.force_login(make_staff(other_school))
    response = client.get(reverse("childwatch:staff_child_passages", args=[family["child_a"].pk]))
    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


def test_the_gate_log_shows_readers_today_per_class_and_unknown_tags(client, reader, family, make_staff):
    send(reader, [ev("e-1", tag="A"), ev("e-2", tag="NOBODY")])
    client.force_login(make_staff(reader.school))
    response = client.get(reverse("childwatch:gate_log"))
    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.readers == [reader] and overview.readers[0].last_seen_at is not None
    assert [(c.children, c.arrived, c.left) for c in overview.classes] == [(2, 1, 0)]
    assert [e.tag_uid for e in overview.unknown_events] == ["NOBODY"]
    assert "NOBODY" in response.content.decode()


def test_the_gate_log_is_for_school_staff_only(client, reader, family, other_school, make_staff, make_user):
    send(reader, [ev("e-2", tag="NOBODY")])
    client.force_login(make_user("resident"))
    assert client.get(reverse("childwatch:gate_log")).status_code == 403
    client.force_login(make_staff(other_school))
    response = client.get(reverse("childwatch:gate_log"), {"school": reader.school.pk})
    assert response.status_code == 200
    assert response.context["overview"].school == other_school  # never the school they asked for
    assert "NOBODY" not in response.content.decode()
    assert UnknownTagEvent.objects.count() == 1


def test_passages_are_on_no_public_page_or_api(client, reader, family):
    send(reader, [ev("e-1", tag="A")])
    for url in (reverse("home"), reverse("api:map-layer-incidents"),
                reverse("api:childwatch-child-passages", args=[family["child_a"].pk])):
        body = client.get(url).content.decode()
        assert "はなこ" not in body and "正門" not in body, url
    assert GatePassage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_posted_passage_ends_as_a_sent_inbox_delivery_through_a_real_worker(celery_worker_process, school):
    school_class = SchoolClass.objects.create(school=school, year=2026, grade=1, name="1組")
    child = Child.objects.create(school=school, school_class=school_class, full_name="桜川 はなこ", given_name="はなこ")
    ICTag.objects.create(uid="A", child=child)
    guardian = User.objects.create_user(email="worker-guardian@example.jp", password="a-long-test-password-42")
    set_topics(user=guardian, categories=["children"])
    Guardianship.objects.create(guardian=guardian, child=child, passage_consent_at=timezone.now())
    reader = GateReader.objects.create(school=school, code="chuo-main", gate_name="正門")

    assert send(reader, [ev("e-1", tag="A")]).json()["results"][0]["status"] == "stored"
    message_id = GatePassage.objects.get().message_id
    deadline = time.monotonic() + 30
    while not Delivery.objects.filter(message_id=message_id, recipient=guardian, channel=Channel.INBOX,
                                      status=DeliveryStatus.DELIVERED).exists():
        assert time.monotonic() < deadline, "the worker did not deliver the passage"
        time.sleep(0.1)
    delivery = Delivery.objects.get(message_id=message_id, channel=Channel.INBOX)
    assert delivery.sent_at is not None
    assert Delivery.objects.filter(message_id=message_id).exclude(recipient=guardian).count() == 0


@pytest.mark.django_db(transaction=True)
def test_bench_gate_runs_a_tiny_rush_or_refuses_without_postgres_and_redis(demo_map):
    out = io.StringIO()
    arguments = ["bench_gate", "--events", "20", "--rate", "20", "--children", "30", "--workers", "1"]
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command(*arguments, stdout=out)
        assert not GatePassage.objects.exists()
        return
    call_command(*arguments, stdout=out)
    result = json.loads(out.getvalue())
    assert result["events_posted"] == 20 and result["http_status"] == {"200": 20}
    assert result["stored"] == result["notified"] == 20
    assert result["latency_s"]["p50"] is not None and result["target"]["p95_s"] == 3.0
    assert GatePassage.objects.filter(child__school__code="bench-gate-es").count() == 20
