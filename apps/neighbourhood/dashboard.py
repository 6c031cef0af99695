"""The staff dashboard's panel for associations: counts only, never names."""

from django.utils.translation import gettext_lazy as _

from apps.neighbourhood.choices import MembershipStatus
from apps.neighbourhood.models import Association, Membership, ModerationReport, Network
from civicportal.dashboard import Panel, register


def _figures(request) -> list[tuple[str, object]]:
    return [
        (_("Associations"), Association.objects.count()),
        (_("Members"), Membership.objects.filter(status=MembershipStatus.ACTIVE).count()),
        (_("Requests to join waiting"), Membership.objects.filter(status=MembershipStatus.PENDING).count()),
        (_("Networks"), Network.objects.count()),
        (_("Open moderation reports"), ModerationReport.objects.filter(resolved_at__isnull=True).count()),
    ]


register(Panel(key="neighbourhood", title=_("Neighbourhood associations"), figures=_figures, order=30,
               link_name="neighbourhood:directory"))
