"""One small class per channel under one base (the way Healthchecks' transports read).

The fan-out claims a chunk of delivery rows, builds one `Outgoing` per row and hands the
list to the channel's transport. `send` yields groups of `Result`s, each group as soon
as its fate is known (one mail, one LINE API call, one push), and the fan-out marks each
group at once: a crash later in the chunk never resends what already went out. A failure
of the whole endpoint raises `TransportError`, which says whether retrying can help.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from apps.notifications.choices import Channel


class TransportError(Exception):
    """The channel itself failed (server down, bad credentials)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    """One delivery to make, already in the recipient's language."""

    delivery_id: int
    recipient_id: int
    address: Any  # email address, LINE user id, phone number, or a push subscription
    language: str
    title: str
    body: str
    link: str = ""  # the tracked link for this delivery (clicks count as read)
    open_pixel: str = ""  # email only: the tracked image that counts opens
    unsubscribe_url: str = ""
    idempotency_key: str = ""  # stable for this delivery across retries and take-overs
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    delivery_id: int
    ok: bool
    delivered: bool = False  # the far end confirmed receipt, not just acceptance
    error: str = ""
    permanent: bool = False  # a failed row that retrying cannot help (bad address, blocked)
    provider_id: str = ""


class Transport:
    channel: ClassVar[Channel]
    # How many rows one `send` call may take; the fan-out slices chunks to this size and
    # checks it still owns each slice first (keep it small for one-by-one channels).
    batch_size: ClassVar[int] = 500
    # True for channels whose rows are complete the moment they are written (the inbox).
    instant: ClassVar[bool] = False
    # True to write each group's marks while the next group is sent (see ledger.Marker):
    # for channels of many small groups whose sending waits on the network (SMTP).
    overlap_marks: ClassVar[bool] = False

    def open(self) -> None:
        """Called once before the slices of a chunk (e.g. one SMTP connection for all)."""

    def close(self) -> None:
        """Called once after the chunk, also after an error."""

    def is_configured(self) -> bool:
        """False when the settings for this channel are missing: its rows are not created."""
        return True

    def addresses(self, user_ids: list[int]) -> dict[int, Any]:
        """Where each of these recipients can be reached on this channel (absent: nowhere)."""
        raise NotImplementedError

    def reachable(self, user_ids: list[int]) -> set[int]:
        """Which of these recipients have an address here (the fan-out needs no more)."""
        return set(self.addresses(user_ids))

    def send(self, message, outgoing: list[Outgoing]) -> Iterator[list[Result]]:
        """Send `outgoing` (at most `batch_size` items); yield results group by group.

        Raise TransportError when the channel as a whole fails; rows not yet yielded are
        then retried (temporary) or failed (permanent).
        """
        raise NotImplementedError

    @staticmethod
    def all_ok(outgoing: Iterable[Outgoing], *, delivered: bool = False) -> Iterator[list[Result]]:
        yield [Result(item.delivery_id, ok=True, delivered=delivered) for item in outgoing]
