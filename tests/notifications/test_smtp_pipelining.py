"""Prebuilt mails over one SMTP session with PIPELINING (RFC 2920), and without it."""

from __future__ import annotations

import smtplib

import pytest

from apps.notifications.transports.pipelining import Mail, PipelinedSession, dot_stuffed, offers_pipelining
from tests.support.smtp import SmtpSink


def _mail(key: int, to: str) -> Mail:
    body = f"Subject: n{key}\r\nFrom: city@example.jp\r\nTo: {to}\r\n\r\nline one\r\n.starts with a dot\r\n"
    return Mail(key, to, body.encode())


def test_a_refused_recipient_mid_stream_costs_only_its_own_mail():
    with SmtpSink() as sink:
        sink.refuse("gone@example.jp")
        smtp = smtplib.SMTP(sink.host, sink.port)
        assert offers_pipelining(smtp)
        addresses = ["a@example.jp", "gone@example.jp", "b@example.jp", "gone@example.jp", "c@example.jp"]

        outcomes = list(PipelinedSession(smtp, "city@example.jp").send(
            [_mail(n, to) for n, to in enumerate(addresses)]))
        smtp.quit()

        assert [o.key for o in outcomes if o.accepted] == [0, 2, 4]
        refused = [o for o in outcomes if not o.accepted]
        assert [(o.key, o.stage, o.code) for o in refused] == [(1, "rcpt", 550), (3, "rcpt", 550)]
        received = sink.messages
        assert [m["Subject"] for m in received] == ["n0", "n2", "n4"]
        # Dot-stuffing went out and came back off: the body is as written.
        assert ".starts with a dot" in received[0].get_content()


def test_dot_stuffing_ends_with_the_terminating_line():
    assert dot_stuffed(b"a\r\n.b\r\n") == b"a\r\n..b\r\n.\r\n"
    assert dot_stuffed(b"no newline") == b"no newline\r\n.\r\n"


@pytest.mark.django_db
def test_a_server_without_pipelining_gets_one_command_at_a_time(settings, make_user,
                                                                django_capture_on_commit_callbacks):
    """The transport falls back to smtplib's exchange and still sends every mail once."""
    from apps.notifications import fanout, services
    from apps.notifications.choices import Channel, Priority

    with SmtpSink(pipelining=False) as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
        people = [make_user(email=f"p{n}@example.jp") for n in range(25)]
        smtp = smtplib.SMTP(sink.host, sink.port)
        assert not offers_pipelining(smtp)
        smtp.quit()
        sender = make_user("system_admin", email="sender@example.jp")
        message = services.publish(sender=sender, title="断水", body="明日断水します。", category="disaster",
                                   priority=Priority.EMERGENCY,  # reaches them without topic opt-ins
                                   audience={"segments": [{"kind": "explicit", "user_ids": [p.pk for p in people]}]})
        chunks: list[list[int]] = []
        with django_capture_on_commit_callbacks(execute=True):  # the chunks are queued on commit
            fanout.fan_out(message.id, queue_chunk=lambda m, channel, ids: chunks.append(ids)
                           if channel == Channel.EMAIL else None)
        sent = sum(fanout.deliver(message.id, Channel.EMAIL, ids) for ids in chunks)
        assert sent == 25
        assert sorted(m["To"] for m in sink.messages) == sorted(p.email for p in people)
