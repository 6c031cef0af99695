"""Alerts on the staff dashboard: what is in force and what waits for a second person."""

from django.utils.translation import gettext_lazy as _

from apps.alerts.choices import AlertState, WebhookState
from apps.alerts.models import Alert, WebhookDelivery
from apps.alerts.selectors import in_force
from civicportal.dashboard import Panel, register


def _figures(request) -> list[tuple[str, object]]:
    return [
        (_("Alerts in force"), in_force().count()),
        (_("Alerts waiting for approval"), Alert.objects.filter(state=AlertState.PENDING).count()),
        (_("Webhooks failed"), WebhookDelivery.objects.filter(state=WebhookState.FAILED).count()),
        (_("Webhooks retrying"), WebhookDelivery.objects.filter(state=WebhookState.RETRYING).count()),
    ]


register(Panel(key="alerts", title=_("Emergency alerts"), figures=_figures, order=20, link_name="alerts:staff_list"))
