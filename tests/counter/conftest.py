"""Counter fixtures: the standard catalogue, clerks of a given department, residents."""

from __future__ import annotations

import pytest

from apps.accounts.models import Department
from apps.accounts.roles import Role
from apps.accounts.services import grant_role, update_profile
from apps.counter import catalogue_seed
from apps.counter.models import Procedure


@pytest.fixture
def catalogue(db) -> dict[str, Procedure]:
    """The standard procedures and life events (転入届, 国民健康保険の加入, 児童手当 …)."""
    return catalogue_seed.load()


@pytest.fixture
def clerk_of(make_user, catalogue):
    """clerk_of("insurance-pension") -> city staff working in that department."""

    def make(code: str):
        user = make_user(Role.RESIDENT)
        grant_role(user=user, role=Role.CITY_STAFF, department=Department.objects.get(code=code))
        return user

    return make


@pytest.fixture
def resident(make_user):
    user = make_user(Role.RESIDENT, first_name="花子", last_name="山田")
    # Messages to her are written in her profile's language: English, so that tests can read them
    # whatever the Japanese catalogue says.
    update_profile(user=user, display_name="山田 花子", preferred_language="en")
    return user


@pytest.fixture
def other_resident(make_user):
    return make_user(Role.RESIDENT)


MOVING_IN_ANSWERS = {
    "full_name": "山田 花子", "postal_code": "290-0050", "address": "市原市更級5丁目1番地1", "phone": "0436-22-1111",
    "birth_date": "1990-04-01",
}


def answers_for(procedure: Procedure, **overrides) -> dict:
    """A complete, valid set of answers for any standard procedure."""
    samples = {
        **MOVING_IN_ANSWERS, "moved_on": "2026-11-20", "household_size": 3, "copies": 1, "purpose": "就職",
        "include_household": False, "reason": "転入", "members": 3, "children": 2,
        "bank_account": "市原銀行 普通 1234567",
        "child_name": "山田 そうた", "grade": 3, "items": "たんす", "item_count": 1, "child_birth_date": "2026-11-01",
        "partner_name": "山田 太郎", "deceased_name": "山田 一郎",
    }
    keys = set(procedure.fields.values_list("key", flat=True))
    return {k: v for k, v in {**samples, **overrides}.items() if k in keys}


@pytest.fixture
def deliver_all(django_capture_on_commit_callbacks):
    """Carry every message still queued to its inbox rows in this process, as a worker would."""
    from apps.notifications import fanout
    from apps.notifications.models import Delivery, Message

    def run() -> int:
        done = 0
        for message in Message.objects.exclude(id__in=Delivery.objects.values("message_id")):
            chunks: list = []

            def collect(_message, channel, ids, chunks=chunks) -> None:
                chunks.append((channel, ids))

            with django_capture_on_commit_callbacks(execute=True):
                fanout.fan_out(message.id, queue_chunk=collect)
            for channel, ids in chunks:
                fanout.deliver(message.id, channel, ids)
            done += 1
        return done

    return run
