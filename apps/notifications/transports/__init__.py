"""The transport for each channel. Channels whose settings are missing are left out."""

from django.utils.module_loading import import_string

from apps.notifications.choices import Channel
from apps.notifications.transports.base import Outgoing, Result, Transport, TransportError

# In the order each fan-out step queues its chunks: most people per unit of work first
# (one LINE call reaches 500), the slowest per person (web push, SMS) last.
TRANSPORT_CLASSES = {
    Channel.INBOX: "apps.notifications.transports.inbox.InboxTransport",
    Channel.LINE: "apps.notifications.transports.line.LineTransport",
    Channel.EMAIL: "apps.notifications.transports.email.EmailTransport",
    Channel.WEBPUSH: "apps.notifications.transports.webpush.WebPushTransport",
    Channel.SMS: "apps.notifications.transports.sms.SmsTransport",
}


def transport_for(channel: str) -> Transport:
    return import_string(TRANSPORT_CLASSES[Channel(channel)])()


def configured_channels() -> list[str]:
    """Channels that can send on this installation, inbox first."""
    return [channel.value for channel in TRANSPORT_CLASSES if transport_for(channel).is_configured()]


__all__ = ["Outgoing", "Result", "Transport", "TransportError", "configured_channels", "transport_for"]
