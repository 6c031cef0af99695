"""The signed gate reader API: signatures, idempotent event ids, batches, unknown tags, consent."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.childwatch.models import GatePassage, GateReader, ICTag, UnknownTagEvent
from apps.notifications.models import Message
from apps.notifications.services import set_topics

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gate_reader_device.py"
_spec = importlib.util.spec_from_file_location("gate_reader_device", SCRIPT)
device = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(device)

JST = dt.timezone(dt.timedelta(hours=9))


def at(minutes_ago: float = 0) -> str:
    return (timezone.now() - dt.timedelta(minutes=minutes_ago)).astimezone(JST).isoformat(timespec="seconds")


def clock(hour: int, minute: int) -> str:
    """The latest past moment at hour:minute Japan time (today or yesterday)."""
    now = timezone.now().astimezone(JST)
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if moment > now:
        moment -= dt.timedelta(days=1)
    return moment.isoformat()


def ev(event_id: str, tag: str = "TAG-1", direction: str = "in", when: str | None = None) -> dict:
    return {"event_id": event_id, "tag": tag, "direction": direction, "at": when or at(1)}


def send(reader: GateReader, events: list[dict] | None = None, *, secret: str | None = None,
         timestamp: int | None = None, body: bytes | None = None, headers: dict | None = None, code: str | None = None):
    """Signed exactly as scripts/gate_reader_device.py signs, then sent through the real URL."""
    signed_body, signed_headers = device.build_request(secret=secret or reader.secret, events=events or [],
                                                       timestamp=timestamp)
    if body is not None:  # a body signed as given (for envelope tests)
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signed_body = body
        signed_headers = {"X-Civicportal-Timestamp": stamp,
                          "X-Civicportal-Signature": device.sign(secret or reader.secret, stamp, body)}
    if headers is not None:
        signed_headers = headers
    return APIClient().post(
        reverse("api:childwatch-reader-events", args=[code or reader.code]), data=signed_body,
        content_type="application/json",
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed_headers.items() if k != "Content-Type"},
    )


@pytest.fixture
def reader(school) -> GateReader:
    return GateReader.objects.create(school=school, code="chuo-main", gate_name="正門")


@pytest.fixture
def pupil(school, make_class, make_child):
    """A child with tag TAG-1 and one consenting guardian who follows school messages."""
    child = make_child(make_class(school), given_name="はなこ")
    ICTag.objects.create(uid="TAG-1", child=child)
    return child


@pytest.fixture
def guardian(pupil, make_guardian):
    user = make_guardian(pupil)
    set_topics(user=user, categories=["children"])
    return user


def nothing_stored() -> bool:
    return not GatePassage.objects.exists() and not UnknownTagEvent.objects.exists() and not Message.objects.exists()


def test_a_signed_passage_is_stored_and_told_to_the_childs_guardians(reader, pupil, guardian):
    response = send(reader, [ev("e-1", when=clock(8, 2))])
    assert response.status_code == 200, response.content
    assert response.json()["results"] == [{"event_id": "e-1", "status": "stored", "errors": {}}]
    passage = GatePassage.objects.get()
    assert (passage.child, passage.direction, passage.reader_event_id) == (pupil, "in", "e-1")
    message = Message.objects.get(id=passage.message_id)
    assert message.title == "【登校】はなこさんが 8:02 に正門を通過しました"
    assert (message.category, message.priority, message.organisation_kind) == ("children", "high", "school")
    assert message.audience["segments"][0]["kind"] == "child_guardians"
    assert message.variants.get(language="en").title == "はなこ arrived at school: 正門 at 8:02"
    reader.refresh_from_db()
    assert reader.last_seen_at is not None


def test_leaving_reads_as_going_home(reader, pupil, guardian):
    send(reader, [ev("e-1", direction="out", when=clock(15, 40))])
    assert Message.objects.get().title == "【下校】はなこさんが 15:40 に正門を通過しました"


@pytest.mark.parametrize("headers", [
    {},
    {"X-Civicportal-Timestamp": "1"},
    {"X-Civicportal-Signature": "sha256=00"},
    {"X-Civicportal-Timestamp": "now", "X-Civicportal-Signature": "sha256=00"},
], ids=["none", "no-signature", "no-timestamp", "timestamp-not-a-number"])
def test_unsigned_requests_are_refused(reader, pupil, guardian, headers):
    response = send(reader, [ev("e-1")], headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"]
    assert "HMAC-SHA256" in response["WWW-Authenticate"]
    assert nothing_stored()


def test_a_bad_signature_is_refused(reader, pupil, guardian):
    body, headers = device.build_request(secret=reader.secret, events=[ev("e-1")])
    assert send(reader, body=body, headers={**headers, "X-Civicportal-Signature": "sha256=" + "0" * 64}
                ).status_code == 401
    # A body changed after signing (another tag) no longer matches its signature.
    assert send(reader, body=body.replace(b"TAG-1", b"TAG-2"), headers=headers).status_code == 401
    # The signature covers the timestamp too: a new timestamp on an old signature fails.
    later = {**headers, "X-Civicportal-Timestamp": str(int(headers["X-Civicportal-Timestamp"]) + 1)}
    assert send(reader, body=body, headers=later).status_code == 401
    assert nothing_stored()


@pytest.mark.parametrize("offset", [-301, 301, -3600], ids=["stale", "future", "an-hour-old"])
def test_requests_signed_more_than_five_minutes_away_are_refused(reader, pupil, guardian, offset):
    response = send(reader, [ev("e-1")], timestamp=int(time.time()) + offset)
    assert response.status_code == 401
    assert nothing_stored()


def test_a_request_signed_four_minutes_ago_is_accepted(reader, pupil, guardian):
    assert send(reader, [ev("e-1")], timestamp=int(time.time()) - 240).status_code == 200
    assert GatePassage.objects.count() == 1


def test_another_readers_secret_does_not_work(reader, pupil, guardian, other_school):
    other = GateReader.objects.create(school=other_school, code="minato-main", gate_name="正門")
    assert send(reader, [ev("e-1")], secret=other.secret).status_code == 401
    assert nothing_stored()


def test_unknown_and_inactive_readers_are_refused(reader, pupil, guardian):
    assert send(reader, [ev("e-1")], code="no-such-reader").status_code == 401
    GateReader.objects.filter(pk=reader.pk).update(is_active=False)
    assert send(reader, [ev("e-1")]).status_code == 401
    assert nothing_stored()


def test_a_replayed_event_id_is_one_event(reader, pupil, guardian):
    assert send(reader, [ev("e-1")]).json()["results"][0]["status"] == "stored"
    again = send(reader, [ev("e-1")]).json()
    assert again["results"] == [{"event_id": "e-1", "status": "duplicate", "errors": {}}]
    assert again["counts"]["duplicate"] == 1
    assert GatePassage.objects.count() == 1
    assert Message.objects.count() == 1  # told once, not twice


def test_a_batch_keeps_good_events_and_reports_bad_ones_one_by_one(reader, pupil, guardian):
    events = [
        ev("good-1", when=at(30)),
        {"event_id": "bad-direction", "tag": "TAG-1", "direction": "sideways", "at": at(20)},
        {"event_id": "naive-time", "tag": "TAG-1", "direction": "in", "at": "2026-04-10T08:02:00"},
        {"event_id": "future", "tag": "TAG-1", "direction": "in", "at": at(-60)},
        {"event_id": "no-tag", "direction": "in", "at": at(10)},
        {"event_id": "extra", "tag": "TAG-1", "direction": "in", "at": at(10), "colour": "red"},
        "not an object",
        ev("good-1", when=at(30)),  # repeated inside the same batch
        ev("good-2", direction="out", when=at(5)),
    ]
    response = send(reader, events)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [
        "stored", "invalid", "invalid", "invalid", "invalid", "invalid", "invalid", "duplicate", "stored"]
    assert set(results[1]["errors"]) == {"direction"}
    assert set(results[2]["errors"]) == {"at"}
    assert set(results[3]["errors"]) == {"at"}
    assert set(results[4]["errors"]) == {"tag"}
    assert set(results[5]["errors"]) == {"colour"}
    assert results[6]["event_id"] is None and set(results[6]["errors"]) == {"event"}
    assert response.json()["counts"] == {"stored": 2, "duplicate": 1, "unknown_tag": 0, "no_consent": 0,
                                         "invalid": 6}
    assert sorted(GatePassage.objects.values_list("reader_event_id", flat=True)) == ["good-1", "good-2"]


@pytest.mark.parametrize("body", [
    b"not json", b"[]", b'{"events": []}', b'{"events": {}}', b'{"readings": []}',
    b'{"events": [], "extra": 1}',
], ids=["not-json", "a-list", "empty", "not-a-list", "wrong-key", "extra-key"])
def test_a_bad_envelope_is_400_and_stores_nothing(reader, pupil, guardian, body):
    response = send(reader, body=body)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert nothing_stored()


def test_more_than_500_events_is_400(reader, pupil, guardian):
    response = send(reader, [ev(f"e-{i}") for i in range(501)])
    assert response.status_code == 400
    assert "events" in response.json()["errors"]
    assert nothing_stored()


def test_unknown_lost_and_retired_tags_are_logged_for_the_school_and_told_to_nobody(
        reader, pupil, guardian, make_child, make_class, make_guardian):
    lost_child = make_child(make_class(reader.school, name="2組"))
    make_guardian(lost_child)
    ICTag.objects.create(uid="LOST-1", child=lost_child, status="lost")
    ICTag.objects.create(uid="OLD-1", child=lost_child, status="retired")
    response = send(reader, [ev("u-1", tag="NOBODY"), ev("u-2", tag="LOST-1"), ev("u-3", tag="OLD-1")])
    assert [r["status"] for r in response.json()["results"]] == ["unknown_tag"] * 3
    assert dict(UnknownTagEvent.objects.values_list("tag_uid", "reason")) == {
        "NOBODY": "unknown", "LOST-1": "lost", "OLD-1": "retired"}
    assert not GatePassage.objects.exists()
    assert not Message.objects.exists()
    # A resent unknown event is a duplicate too.
    assert send(reader, [ev("u-1", tag="NOBODY")]).json()["results"][0]["status"] == "duplicate"
    assert UnknownTagEvent.objects.count() == 3


def test_a_tag_of_another_schools_child_is_unknown_here(reader, other_school, make_class, make_child, make_guardian):
    child = make_child(make_class(other_school))
    make_guardian(child)
    ICTag.objects.create(uid="VISITOR", child=child)
    assert send(reader, [ev("v-1", tag="VISITOR")]).json()["results"][0]["status"] == "unknown_tag"
    assert UnknownTagEvent.objects.get().reason == "other_school"
    assert not Message.objects.exists()


def test_without_a_guardians_consent_nothing_is_stored(reader, pupil, make_guardian):
    make_guardian(pupil, consent=False)
    response = send(reader, [ev("e-1")])
    assert response.json()["results"][0]["status"] == "no_consent"
    assert response.json()["counts"]["no_consent"] == 1
    assert nothing_stored()


def test_without_pta_approval_nothing_is_stored(reader, pupil, guardian):
    type(reader.school).objects.filter(pk=reader.school.pk).update(pta_approved_on=None)
    assert send(reader, [ev("e-1")]).json()["results"][0]["status"] == "no_consent"
    assert nothing_stored()


def test_an_inactive_guardianship_does_not_count_as_consent(reader, pupil, guardian):
    guardian.guardianships.update(is_active=False)
    assert send(reader, [ev("e-1")]).json()["results"][0]["status"] == "no_consent"
    assert nothing_stored()


def test_an_event_older_than_the_retention_period_is_invalid(reader, pupil, guardian):
    old = (timezone.now() - dt.timedelta(days=91)).isoformat()
    result = send(reader, [ev("e-1", when=old)]).json()["results"][0]
    assert result["status"] == "invalid" and "at" in result["errors"]
    assert nothing_stored()


def test_the_device_script_dry_run_prints_a_verifiable_request(reader, capsys):
    assert device.main(["--reader", reader.code, "--secret", reader.secret, "--tag", "TAG-1", "--dry-run"]) == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    assert lines[0] == "POST http://127.0.0.1:8000/api/v1/childwatch/readers/chuo-main/events/"
    stamp = next(line.split(": ", 1)[1] for line in lines if line.startswith("X-Civicportal-Timestamp"))
    signature = next(line.split(": ", 1)[1] for line in lines if line.startswith("X-Civicportal-Signature"))
    body = lines[-1].encode()
    assert json.loads(body)["events"][0]["tag"] == "TAG-1"
    from apps.childwatch.device_auth import authenticate_reader

    assert authenticate_reader(code=reader.code, timestamp=stamp, signature=signature, body=body) == reader


def test_the_admin_shows_a_readers_secret_once_and_rotation_replaces_it(client, school):
    from apps.accounts.models import User

    admin_user = User.objects.create_superuser(email="admin@example.jp", password="a-long-test-password-42")
    client.force_login(admin_user)
    response = client.post(reverse("admin:childwatch_gatereader_add"), {
        "school": school.pk, "code": "chuo-west", "gate_name": "西門", "is_active": "on"})
    reader = GateReader.objects.get(code="chuo-west")
    assert response.status_code == 200 and reader.secret in response.content.decode()
    assert reader.secret not in client.get(reverse("admin:childwatch_gatereader_change", args=[reader.pk])
                                           ).content.decode()
    old = reader.secret
    response = client.post(reverse("admin:childwatch_gatereader_changelist"), {
        "action": "rotate_secret", "_selected_action": [reader.pk]})
    reader.refresh_from_db()
    assert reader.secret != old and reader.secret in response.content.decode()
    assert send(reader, [ev("e-1")], secret=old).status_code == 401
