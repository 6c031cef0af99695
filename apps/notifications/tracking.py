"""Read receipts from outside the portal: tracked links and the email open pixel."""

import base64

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.notifications import services
from apps.notifications.fanout import read_tracking_token
from apps.notifications.models import Delivery

# A transparent 1×1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _delivery(token: str) -> Delivery | None:
    delivery_id = read_tracking_token(token)
    if delivery_id is None:
        return None
    return Delivery.objects.select_related("message").filter(id=delivery_id).first()


@never_cache
@require_GET
def track_click(request: HttpRequest, token: str) -> HttpResponse:
    """Count the click, then go to the message's own link (never a link from the URL)."""
    delivery = _delivery(token)
    if delivery is None or not delivery.message.link_url:
        raise Http404
    services.record_click(delivery=delivery)
    return HttpResponseRedirect(delivery.message.link_url)


@never_cache
@require_GET
def track_open(request: HttpRequest, token: str) -> HttpResponse:
    delivery = _delivery(token)
    if delivery is not None:
        services.mark_read(delivery=delivery)
    return HttpResponse(PIXEL, content_type="image/gif")
