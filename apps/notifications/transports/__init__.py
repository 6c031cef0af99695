"""The transport for each channel. Channels whose settings are missing are left out."""

from django.utils.module_loading import import_string

from apps.notifications.choices import Channel
from apps.notifications.transports.base import Outgoing, Result, Transport, TransportError

TRANSPORT_CLASSES = {
    Channel.INBOX: "apps.notifications.transports.inbox.InboxTransport",
    Channel.EMAIL: "apps.notifications.transports.email.EmailTransport",
    Channel.WEBPUSH: "apps.notifications.transports.webpush.WebPushTransport",
    Channel.SMS: "apps.notifications.transports.sms.SmsTransport",
    Channel.LINE: "apps.notifications.transports.line.LineTransport",
}


def transport_for(channel: str) -> Transport:
    return import_string(TRANSPORT_CLASSES[Channel(channel)])()


def configured_channels() -> list[str]:
    """Channels that can send on this installation, inbox first."""
    return [channel.value for channel in TRANSPORT_CLASSES if transport_for(channel).is_configured()]


__all__ = ["Outgoing", "Result", "Transport", "TransportError", "configured_channels", "transport_for"]
