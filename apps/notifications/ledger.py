"""The delivery ledger's hot statements, in as few round trips as the database allows.

A broadcast to a whole city writes and updates hundreds of thousands of rows, so these are
plain set-based statements rather than one model instance per row: ledger rows go in as one
INSERT ... SELECT per channel and chunk, a heartbeat is one UPDATE ... RETURNING, and each
group of results is marked with one UPDATE per outcome.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

from django.db import connection
from django.db.models import Case, F, Value, When
from django.utils import timezone

from apps.notifications.choices import DeliveryStatus
from apps.notifications.models import Delivery
from apps.notifications.transports.base import Result


class NewRow(NamedTuple):
    """One ledger row to write: who, in which state, through which segment, held until when."""

    recipient_id: int
    status: str
    segment: str
    not_before: dt.datetime | None


def _table() -> str:
    return connection.ops.quote_name(Delivery._meta.db_table)


def _prep(field: str, value):
    return Delivery._meta.get_field(field).get_db_prep_value(value, connection)


def insert_rows(*, message_id: int, channel: str, rows: list[NewRow], now: dt.datetime, instant: bool) -> None:
    """Write one channel's rows for a chunk; rows that exist already are left as they are."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Delivery.objects.bulk_create([
            Delivery(message_id=message_id, recipient_id=row.recipient_id, channel=channel, status=row.status,
                     segment=row.segment, not_before=row.not_before,
                     sent_at=now if instant else None, delivered_at=now if instant else None)
            for row in rows
        ], batch_size=5000, ignore_conflicts=True)
        return
    # One statement whatever the chunk size: the rows travel as four arrays.
    done_at = now if instant else None
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table()} (message_id, recipient_id, channel, status, segment, attempts, error,"  # noqa: S608
            " provider_id, not_before, queued_at, sent_at, delivered_at)"
            " SELECT %s, r.recipient_id, %s, r.status, r.segment, 0, '', '', r.not_before, %s, %s, %s"
            " FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[], %s::timestamptz[])"
            " AS r(recipient_id, status, segment, not_before)"
            " ON CONFLICT DO NOTHING",
            [message_id, channel, now, done_at, done_at,
             [r.recipient_id for r in rows], [r.status for r in rows], [r.segment for r in rows],
             [r.not_before for r in rows]],
        )


def heartbeat(row_ids: list[int], token: uuid.UUID, now: dt.datetime) -> list[int]:
    """Refresh the heartbeat of the rows `token` still owns; returns their ids.

    One UPDATE: it takes the row locks, so it is atomic with a concurrent `take_over` (which
    moves only rows whose heartbeat is old): whichever commits first wins, the other sees it.
    """
    if not row_ids:
        return []
    placeholders = ", ".join(["%s"] * len(row_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table()} SET claimed_at = %s WHERE id IN ({placeholders})"  # noqa: S608
            " AND claim = %s AND status = %s RETURNING id",
            [_prep("claimed_at", now), *row_ids, _prep("claim", token), DeliveryStatus.SENDING],
        )
        return [row[0] for row in cursor.fetchall()]


def _provider_ids(results: list[Result]) -> Value | Case | None:
    """provider_id for each row of one UPDATE: one value for a whole LINE call, else per row."""
    given = {r.provider_id[:200] for r in results if r.provider_id}
    if not given:
        return None
    if len(given) == 1 and all(r.provider_id for r in results):
        return Value(given.pop())
    return Case(*[When(id=r.delivery_id, then=Value(r.provider_id[:200])) for r in results if r.provider_id],
                default=F("provider_id"))


def write_marks(results: list[Result], now: dt.datetime) -> None:
    """Record what the transport knows: one UPDATE per outcome, not one per row."""
    for delivered in (False, True):
        done = [r for r in results if r.ok and r.delivered == delivered]
        if not done:
            continue
        fields = {"status": DeliveryStatus.DELIVERED if delivered else DeliveryStatus.SENT, "sent_at": now,
                  "error": ""}
        if delivered:
            fields["delivered_at"] = now
        provider = _provider_ids(done)
        if provider is not None:
            fields["provider_id"] = provider
        Delivery.objects.filter(id__in=[r.delivery_id for r in done], status=DeliveryStatus.SENDING).update(**fields)
    # A row that failed for this recipient only: permanent or not, retrying the whole chunk
    # would not help it, and the sender's page shows the reason. Same reason, one UPDATE.
    failed: dict[str, list[int]] = defaultdict(list)
    for result in results:
        if not result.ok:
            failed[result.error[:300]].append(result.delivery_id)
    for error, ids in failed.items():
        Delivery.objects.filter(id__in=ids, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.FAILED, error=error)


@contextlib.contextmanager
def relaxed_commits() -> Iterator[None]:
    """While a chunk is sent, commits need not wait for the WAL flush.

    A worker crash loses none of them (the server has them); only a crash of the database
    server could lose the last few claims, heartbeats or marks, and then those rows are
    sent again under the same idempotency key / Message-ID, exactly as after a worker crash
    between sending and marking.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        # A broken connection cannot be reset, and is not reused either.
        with contextlib.suppress(Exception), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


class Marker:
    """Writes each group's marks; with `overlap`, on its own connection while the next group
    is sent, so an SMTP session does not wait for the ledger after every few mails.

    At most one group's marks are in flight: before the next group is handed over, the
    previous one is committed. After a crash, at most two groups (the one being marked and
    the one being sent) went out unmarked, and those are sent again under their stable
    idempotency keys. Overlap needs marks that commit on their own (no enclosing
    transaction, which the other connection could not see into) and a database with row
    locks (PostgreSQL).
    """

    def __init__(self, *, overlap: bool) -> None:
        self.overlap = overlap and connection.vendor == "postgresql" and not connection.in_atomic_block
        self._pool: ThreadPoolExecutor | None = None
        self._pending: Future | None = None

    def mark(self, results: list[Result]) -> None:
        if not self.overlap:
            write_marks(results, timezone.now())
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-marks")
            self._pool.submit(_relax_this_connection).result()
        self.flush()
        self._pending = self._pool.submit(write_marks, results, timezone.now())

    def flush(self) -> None:
        """Wait until every mark handed over is committed (raises what the write raised)."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def close(self) -> None:
        if self._pool is None:
            return
        try:
            self.flush()
        finally:
            self._pool.submit(_close_this_connection).result()
            self._pool.shutdown()
            self._pool = None


# Run in the marking thread: `connection` there is that thread's own connection.
def _relax_this_connection() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")


def _close_this_connection() -> None:
    connection.close()
