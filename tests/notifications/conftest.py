"""Residents placed in the demo city and a way to run a broadcast without a worker."""

from __future__ import annotations

import pytest

from apps.accounts.services import update_profile
from apps.notifications import fanout
from apps.notifications.models import Message


@pytest.fixture
def sender(make_user):
    return make_user("city_staff")


@pytest.fixture
def resident_in(make_user, demo_map, point_in):
    """resident_in("01") -> a resident living in demo district 01."""

    def make(code: str, **extra):
        user = make_user("resident", **extra)
        district = demo_map.districts[code]
        update_profile(user=user, home_location=point_in(district), district=district)
        return user

    return make


@pytest.fixture
def run_broadcast(django_capture_on_commit_callbacks):
    """Fan out and deliver in this process, chunk by chunk, as the worker would."""

    def run(message: Message, *, chunk_size: int = fanout.CHUNK_SIZE) -> list[tuple[str, list[int]]]:
        chunks: list[tuple[str, list[int]]] = []
        # Fan-out queues its chunks on commit; inside a test transaction that must be captured.
        with django_capture_on_commit_callbacks(execute=True):
            fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: chunks.append((c, ids)),
                           chunk_size=chunk_size)
        for channel, ids in chunks:
            fanout.deliver(message.id, channel, ids)
        return chunks

    return run


def district_audience(*districts) -> dict:
    return {"segments": [{"kind": "district", "ids": [d.id for d in districts]}]}
