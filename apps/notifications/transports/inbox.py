from collections.abc import Iterator
from typing import Any

from apps.notifications.choices import Channel
from apps.notifications.transports.base import Outgoing, Result, Transport


class InboxTransport(Transport):
    """The portal's own inbox: the row itself is the message, so writing it delivers it."""

    channel = Channel.INBOX
    instant = True
    batch_size = 5000

    def addresses(self, user_ids: list[int]) -> dict[int, Any]:
        return dict.fromkeys(user_ids, "inbox")

    def send(self, message, outgoing: list[Outgoing]) -> Iterator[list[Result]]:
        return self.all_ok(outgoing, delivered=True)
