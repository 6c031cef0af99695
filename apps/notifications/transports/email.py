import contextlib
import smtplib
import socket
from collections.abc import Iterator
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from apps.notifications.choices import Channel
from apps.notifications.transports.base import Outgoing, Result, Transport, TransportError
from apps.notifications.transports.pipelining import Mail, Outcome, PipelinedSession, offers_pipelining

# Accepted mails are marked sent in groups this size, each group written while the next is
# sent (ledger.Marker). A crash can therefore re-send up to two groups, each mail with the
# same Message-ID.
MARK_EVERY = 5
RESENT_AT_MOST = 2 * MARK_EVERY
# ASCII stand-ins for the per-recipient parts of a prebuilt mail.
PLACEHOLDERS = {
    "to": "civicportal-to-0f3a@placeholder.invalid",
    "link": "https://placeholder.invalid/civicportal-link-0f3a",
    "pixel": "https://placeholder.invalid/civicportal-pixel-0f3a",
    "message_id": "<civicportal-message-id-0f3a@placeholder.invalid>",
    "delivery": "civicportal-delivery-0f3a",
}

# Errors that mean the mail server (not one address) is unreachable or refused us.
TEMPORARY = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.timeout, ConnectionError, OSError)


class EmailTransport(Transport):
    """Many mails over one SMTP connection; each mail is marked as soon as it is accepted."""

    channel = Channel.EMAIL
    # Ownership is re-checked every 100 mails (well under a second; a take-over waits minutes);
    # the SMTP connection stays open across slices.
    batch_size = 100
    overlap_marks = True

    def __init__(self) -> None:
        self.connection = None
        # Prebuilt mails per (language, has link), kept for the whole chunk.
        self.templates: dict[tuple[str, bool], bytes | None] = {}
        self.envelope_from = ""
        self.pipelining: bool | None = None  # known once the connection is open

    def addresses(self, user_ids: list[int]) -> dict[int, Any]:
        return dict(EmailAddress.objects.filter(user_id__in=user_ids, verified=True, primary=True)
                    .values_list("user_id", "email"))

    def _mail(self, message, item: Outgoing) -> EmailMultiAlternatives:
        context = {"message": message, "item": item}
        with translation.override(item.language):
            text = render_to_string("notifications/email/message.txt", context)
            html = render_to_string("notifications/email/message.html", context)
        domain = urlsplit(settings.SITE_URL).hostname or "localhost"
        mail = EmailMultiAlternatives(
            subject=item.title,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[item.address],
            headers={
                "List-Unsubscribe": f"<{item.unsubscribe_url}>",
                # Stable per delivery: a resend after a crash carries the same id.
                "Message-ID": f"<delivery-{item.delivery_id}@{domain}>",
                "X-Civicportal-Delivery": str(item.delivery_id),
            },
        )
        mail.attach_alternative(html, "text/html")
        return mail

    def open(self) -> None:
        self.connection = None  # opened on the first mail, so a chunk with none opens nothing
        self.pipelining = None
        self.templates = {}
        self.envelope_from = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]

    def close(self) -> None:
        if self.connection is not None:
            # Closing a connection that already broke can fail too; nothing is lost then.
            with contextlib.suppress(Exception):
                self.connection.close()
            self.connection = None
            self.pipelining = None

    def _connection(self):
        if self.connection is None:
            connection = get_connection(fail_silently=False)
            try:
                connection.open()
            except smtplib.SMTPAuthenticationError as exc:
                raise TransportError(f"SMTP login refused: {exc}", permanent=True) from exc
            except TEMPORARY as exc:
                raise TransportError(f"SMTP server unreachable: {exc}", permanent=False) from exc
            self.connection = connection
        return self.connection

    def _template(self, message, item: Outgoing) -> bytes | None:
        """The whole mail as bytes with ASCII placeholders for what differs per recipient.

        Built once per language and chunk: rendering and MIME encoding are most of the cost
        of a mail. Only possible when the body stays 8-bit (placeholders survive).
        """
        stand_in = Outgoing(
            delivery_id=0, recipient_id=0, address=PLACEHOLDERS["to"], language=item.language, title=item.title,
            body=item.body, link=PLACEHOLDERS["link"] if item.link else "", open_pixel=PLACEHOLDERS["pixel"],
            unsubscribe_url=item.unsubscribe_url,
        )
        mail = self._mail(message, stand_in)
        mail.extra_headers["Message-ID"] = PLACEHOLDERS["message_id"]
        mail.extra_headers["X-Civicportal-Delivery"] = PLACEHOLDERS["delivery"]
        data = mail.message().as_bytes(linesep="\r\n")
        wanted = [value for key, value in PLACEHOLDERS.items() if key != "link" or item.link]
        if not all(value.encode() in data for value in wanted):
            return None  # e.g. a long line made the body quoted-printable: use the slow path
        return data

    def _fill(self, template: bytes, item: Outgoing) -> bytes:
        domain = urlsplit(settings.SITE_URL).hostname or "localhost"
        values = {
            "to": item.address, "link": item.link, "pixel": item.open_pixel,
            "message_id": f"<delivery-{item.delivery_id}@{domain}>", "delivery": str(item.delivery_id),
        }
        for key, placeholder in PLACEHOLDERS.items():
            template = template.replace(placeholder.encode(), values[key].encode())
        return template

    def _prebuilt(self, message, item: Outgoing, smtp) -> bytes | None:
        """The template for this mail, or None when it must be built on its own."""
        if smtp is None or not item.address.isascii():
            return None
        key = (item.language, bool(item.link))
        if key not in self.templates:
            self.templates[key] = self._template(message, item)
        return self.templates[key]

    def _offers_pipelining(self, smtp) -> bool:
        if self.pipelining is None:
            try:
                self.pipelining = smtp is not None and offers_pipelining(smtp)
            except TEMPORARY as exc:
                raise TransportError(f"SMTP connection lost: {exc}", permanent=False) from exc
        return self.pipelining

    def send(self, message, outgoing: list[Outgoing]) -> Iterator[list[Result]]:
        connection = self._connection()
        # The prebuilt-bytes path needs a real SMTP session (not the console/locmem backends).
        smtp = getattr(connection, "connection", None)
        if self._offers_pipelining(smtp):
            yield from self._send_pipelined(message, outgoing, connection, smtp)
            return
        envelope_from = self.envelope_from or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        group: list[Result] = []
        for item in outgoing:
            try:
                template = self._prebuilt(message, item, smtp)
                if template is not None:
                    smtp.sendmail(envelope_from, [item.address], self._fill(template, item))
                else:
                    connection.send_messages([self._mail(message, item)])
            except smtplib.SMTPRecipientsRefused as exc:
                # The reason without the address: the ledger's errors are grouped and shown.
                code, text = next(iter(exc.recipients.values()), (0, b""))
                reason = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
                group.append(Result(item.delivery_id, ok=False, permanent=True,
                                    error=f"address refused: {code} {reason}"[:300]))
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                if 500 <= exc.smtp_code < 600:
                    group.append(Result(item.delivery_id, ok=False, permanent=True, error=str(exc)[:300]))
                else:
                    yield group
                    raise TransportError(f"SMTP temporary failure: {exc}", permanent=False) from exc
            except TEMPORARY as exc:
                yield group
                raise TransportError(f"SMTP connection lost: {exc}", permanent=False) from exc
            else:
                group.append(Result(item.delivery_id, ok=True))
            if len(group) >= MARK_EVERY:
                yield group
                group = []
        if group:
            yield group

    def _send_pipelined(self, message, outgoing: list[Outgoing], connection, smtp) -> Iterator[list[Result]]:
        """Runs of prebuilt mails go pipelined; a mail that needs building on its own (a
        non-ASCII address, a body that could not be prebuilt) goes between runs, alone."""
        session = PipelinedSession(smtp, self.envelope_from or parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
        group: list[Result] = []
        run: list[Mail] = []

        def flush_run() -> Iterator[list[Result]]:
            nonlocal group
            try:
                for outcome in session.send(run):
                    result = _result_of(outcome)
                    if result is None:
                        yield group
                        group = []
                        raise TransportError(f"SMTP temporary failure: ({outcome.code}, {outcome.text!r})",
                                             permanent=False)
                    group.append(result)
                    if len(group) >= MARK_EVERY:
                        yield group
                        group = []
            except TEMPORARY as exc:
                yield group
                group = []
                raise TransportError(f"SMTP connection lost: {exc}", permanent=False) from exc
            run.clear()

        for item in outgoing:
            template = self._prebuilt(message, item, smtp)
            if template is not None:
                run.append(Mail(item.delivery_id, item.address, self._fill(template, item)))
                continue
            yield from flush_run()
            yield from self.send_one(message, item, connection, group)
        yield from flush_run()
        if group:
            yield group

    def send_one(self, message, item: Outgoing, connection, group: list[Result]) -> Iterator[list[Result]]:
        """One mail built on its own through Django's backend; its result joins `group`."""
        try:
            connection.send_messages([self._mail(message, item)])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (0, b""))
            reason = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
            group.append(Result(item.delivery_id, ok=False, permanent=True,
                                error=f"address refused: {code} {reason}"[:300]))
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            if not 500 <= exc.smtp_code < 600:
                yield group
                raise TransportError(f"SMTP temporary failure: {exc}", permanent=False) from exc
            group.append(Result(item.delivery_id, ok=False, permanent=True, error=str(exc)[:300]))
        except TEMPORARY as exc:
            yield group
            raise TransportError(f"SMTP connection lost: {exc}", permanent=False) from exc
        else:
            group.append(Result(item.delivery_id, ok=True))


def _result_of(outcome: Outcome) -> Result | None:
    """The ledger's result for one pipelined mail; None when the server said to try later."""
    if outcome.accepted:
        return Result(outcome.key, ok=True)
    if outcome.stage == "rcpt":
        # The reason without the address, as for smtplib's SMTPRecipientsRefused.
        return Result(outcome.key, ok=False, permanent=True,
                      error=f"address refused: {outcome.code} {outcome.text}"[:300])
    if 500 <= outcome.code < 600:
        return Result(outcome.key, ok=False, permanent=True, error=f"({outcome.code}, {outcome.text!r})"[:300])
    return None
