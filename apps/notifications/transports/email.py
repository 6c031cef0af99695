import contextlib
import smtplib
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from apps.notifications.choices import Channel
from apps.notifications.transports.base import Outgoing, Result, Transport, TransportError

# Errors that mean the mail server (not one address) is unreachable or refused us.
TEMPORARY = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.timeout, ConnectionError, OSError)


class EmailTransport(Transport):
    """Many mails over one SMTP connection; each mail is marked as soon as it is accepted."""

    channel = Channel.EMAIL
    # Ownership is re-checked every 25 mails; the SMTP connection stays open across slices.
    batch_size = 25

    def __init__(self) -> None:
        self.connection = None

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

    def close(self) -> None:
        if self.connection is not None:
            # Closing a connection that already broke can fail too; nothing is lost then.
            with contextlib.suppress(Exception):
                self.connection.close()
            self.connection = None

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

    def send(self, message, outgoing: list[Outgoing]) -> Iterator[list[Result]]:
        connection = self._connection()
        for item in outgoing:
            try:
                connection.send_messages([self._mail(message, item)])
            except smtplib.SMTPRecipientsRefused as exc:
                yield [Result(item.delivery_id, ok=False, permanent=True, error=f"address refused: {exc}"[:300])]
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                if 500 <= exc.smtp_code < 600:
                    yield [Result(item.delivery_id, ok=False, permanent=True, error=str(exc)[:300])]
                else:
                    raise TransportError(f"SMTP temporary failure: {exc}", permanent=False) from exc
            except TEMPORARY as exc:
                raise TransportError(f"SMTP connection lost: {exc}", permanent=False) from exc
            else:
                yield [Result(item.delivery_id, ok=True)]
