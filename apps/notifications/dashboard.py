import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import Channel, DeliveryStatus, MessageStatus
from apps.notifications.models import Delivery, Message
from civicportal.dashboard import Panel, register

WINDOW = dt.timedelta(days=7)


def _figures(request) -> list[tuple[str, object]]:
    since = timezone.now() - WINDOW
    inbox = Delivery.objects.filter(channel=Channel.INBOX, queued_at__gte=since).aggregate(
        total=Count("id"), read=Count("id", filter=Q(read_at__isnull=False)))
    read_rate = f"{100 * inbox['read'] / inbox['total']:.0f}%" if inbox["total"] else "–"
    return [
        (_("Messages sent in the last 7 days"), Message.objects.filter(
            Q(fanout_started_at__gte=since) | Q(fanout_started_at=None, created_at__gte=since),
            status__in=[MessageStatus.SENDING, MessageStatus.SENT]).count()),
        (_("Waiting for approval"), Message.objects.filter(status=MessageStatus.PENDING_APPROVAL).count()),
        (_("Failed deliveries in the last 7 days"), Delivery.objects.filter(
            status=DeliveryStatus.FAILED, queued_at__gte=since).count()),
        (_("Inbox read rate in the last 7 days"), read_rate),
    ]


register(Panel(key="notifications", title=_("Notifications"), figures=_figures, order=30,
               link_name="notifications:sent_list"))
