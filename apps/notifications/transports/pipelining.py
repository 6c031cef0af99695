"""Prebuilt mails over one SMTP session with command pipelining (RFC 2920).

smtplib waits for a reply after every command: four round trips per mail (MAIL, RCPT, DATA,
end of data). A server that offers PIPELINING (Postfix, Exim, Sendmail and the big relays do)
lets the client send the end of one mail and MAIL, RCPT and DATA of the next in one write and
read the four replies together: one round trip per mail. RFC 2920 keeps DATA as the last
command of a group, so the content itself still waits for the 354.

Every reply is still read and checked in order, so a refused recipient or a refused mail is
known exactly, as with smtplib; after a refused transaction the next group starts with RSET.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# RFC 5321 4.5.2: a line that starts with a period gets a second one.
_LEADING_DOT = re.compile(rb"(?m)^\.")


def offers_pipelining(smtp: smtplib.SMTP) -> bool:
    smtp.ehlo_or_helo_if_needed()
    return bool(smtp.does_esmtp and smtp.has_extn("pipelining"))


def dot_stuffed(data: bytes) -> bytes:
    """`data` (CRLF line ends) ready to follow DATA, ending with the terminating line."""
    data = _LEADING_DOT.sub(b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


@dataclass(frozen=True)
class Mail:
    key: int  # the caller's own id for the mail (the delivery row)
    recipient: str
    data: bytes  # the whole mail, CRLF line ends, not yet dot-stuffed


@dataclass(frozen=True)
class Outcome:
    key: int
    code: int  # 250 when the server took the mail
    text: str
    stage: str  # "sent", or where it was refused: "mail", "rcpt", "data"

    @property
    def accepted(self) -> bool:
        return self.stage == "sent"


class PipelinedSession:
    """Sends mails through an open, greeted smtplib.SMTP whose server offers PIPELINING.

    `send` yields one Outcome per mail as soon as its fate is known: a mail's last reply
    arrives with the next mail's first three, so each outcome lags one mail behind.
    A broken connection raises smtplib.SMTPServerDisconnected (or OSError); outcomes yielded
    before it stand, the mails after them were not taken.
    """

    def __init__(self, smtp: smtplib.SMTP, envelope_from: str) -> None:
        self.smtp = smtp
        self.mail_from = f"MAIL FROM:<{envelope_from}>\r\n".encode()
        self.dirty = False  # a refused transaction left state behind: RSET first

    def _reply(self) -> tuple[int, str]:
        code, text = self.smtp.getreply()
        return code, text.decode("utf-8", "replace")

    def send(self, mails: Iterable[Mail]) -> Iterator[Outcome]:
        waiting: Mail | None = None  # a mail whose DATA got 354, content not yet sent
        for mail in mails:
            parts: list[bytes] = []
            if waiting is not None:
                parts.append(dot_stuffed(waiting.data))
            if self.dirty:
                parts.append(b"RSET\r\n")
            parts += [self.mail_from, f"RCPT TO:<{mail.recipient}>\r\n".encode(), b"DATA\r\n"]
            self.smtp.send(b"".join(parts))
            if waiting is not None:
                yield self._end_of(waiting)
                waiting = None
            if self.dirty:
                self._reply()  # RSET answers 250; anything else shows in the replies that follow
                self.dirty = False
            waiting, refused = self._transaction(mail)
            if refused is not None:
                yield refused
        if waiting is not None:
            self.smtp.send(dot_stuffed(waiting.data))
            yield self._end_of(waiting)

    def _end_of(self, mail: Mail) -> Outcome:
        code, text = self._reply()
        if code == 250:
            return Outcome(mail.key, code, text, "sent")
        self.dirty = True
        return Outcome(mail.key, code, text, "data")

    def _transaction(self, mail: Mail) -> tuple[Mail | None, Outcome | None]:
        """Read the MAIL, RCPT and DATA replies: (the mail, if its content is wanted now;
        the refusal, if it was refused)."""
        mail_reply, rcpt_reply, data_reply = self._reply(), self._reply(), self._reply()
        refused = None
        if mail_reply[0] != 250:
            refused = Outcome(mail.key, *mail_reply, "mail")
        elif rcpt_reply[0] not in (250, 251):
            refused = Outcome(mail.key, *rcpt_reply, "rcpt")
        elif data_reply[0] != 354:
            refused = Outcome(mail.key, *data_reply, "data")
        if refused is None:
            return mail, None
        self.dirty = True
        if data_reply[0] == 354:
            # A server that opened DATA although the transaction failed: close it empty.
            self.smtp.send(b".\r\n")
            self._reply()
        return None, refused
