"""The counter floor, inquiries and resident reports on the staff dashboard: counts only.

Imported from CounterConfig._ready_floor (apps/counter/dashboard.py belongs to the other half of
the counter); the lead may move the import there at merge.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.counter.models import Inquiry, InquiryStatus, ReportStatus, ResidentReport, Ticket, TicketState
from civicportal.dashboard import Panel, register


def _figures(request) -> list[tuple[str, object]]:
    today = timezone.localdate()
    tickets = Ticket.objects.filter(date=today)
    return [
        (_("Tickets issued today"), tickets.count()),
        (_("Waiting now"), tickets.filter(state=TicketState.WAITING).count()),
        (_("Inquiries to answer"), Inquiry.objects.filter(status=InquiryStatus.RECEIVED).count()),
        (_("Answers awaiting approval"), Inquiry.objects.filter(status=InquiryStatus.AWAITING_APPROVAL).count()),
        (_("Reports not yet acknowledged"), ResidentReport.objects.filter(status=ReportStatus.OPEN).count()),
        (_("Reports received in the last 7 days"),
         ResidentReport.objects.filter(requested_at__gte=timezone.now() - dt.timedelta(days=7)).count()),
    ]


register(Panel(key="counter-floor", title=_("Counter floor, inquiries and reports"), figures=_figures, order=62,
               link_name="counter:reports_triage"))
