"""Mail to people who wrote to the city without an account (an inquiry's asker, an Open311 reporter).

Notifications' audiences are users; these people are only an e-mail address, so this small
service sends through Django's mail backend, after the transaction commits.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

log = logging.getLogger(__name__)


def mail_after_commit(*, to: str, subject: str, body: str) -> None:
    def send() -> None:
        try:
            send_mail(subject=subject[:150], message=body, from_email=settings.DEFAULT_FROM_EMAIL,
                      recipient_list=[to])
        except OSError:
            # The answer is stored and shown to staff; a mail server being down must not undo it.
            log.exception("counter: mail to an asker could not be sent")

    transaction.on_commit(send)
