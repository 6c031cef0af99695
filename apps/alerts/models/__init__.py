from apps.alerts.models.alerts import Alert, EventType, TesterOptIn
from apps.alerts.models.media import WebhookAttempt, WebhookDelivery, WebhookReceiver
from apps.alerts.models.sources import ImportSource

__all__ = ["Alert", "EventType", "ImportSource", "TesterOptIn", "WebhookAttempt", "WebhookDelivery",
           "WebhookReceiver"]
