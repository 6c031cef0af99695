"""LINE: the Messaging API webhook and the page where a resident links their LINE account."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from apps.notifications import line_linking


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    """Events from LINE; nothing is read or stored before the signature is checked."""
    if not settings.LINE_CHANNEL_SECRET:
        return JsonResponse({"detail": _("LINE is not configured on this site.")}, status=503)
    if not line_linking.valid_signature(body=request.body, signature=request.headers.get("X-Line-Signature", "")):
        return JsonResponse({"detail": _("Missing or invalid X-Line-Signature.")}, status=401)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"detail": _("The body is not JSON.")}, status=400)
    events = payload.get("events") if isinstance(payload, dict) else None
    # LINE's URL check sends an empty list; anything else of the wrong shape is ignored too.
    line_linking.handle_events(events=events if isinstance(events, list) else [])
    return JsonResponse({})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def link_page(request: HttpRequest) -> HttpResponse:
    """Shows a one-time code to send to the city's LINE account; a POST unlinks."""
    if request.method == "POST":
        if request.POST.get("action") == "unlink" and line_linking.unlink(user=request.user):
            messages.success(request, _("Your LINE account is no longer linked. "
                                        "You will not receive messages on LINE."))
        return redirect("notifications:line_link")
    available = bool(settings.LINE_CHANNEL_SECRET and settings.LINE_CHANNEL_ACCESS_TOKEN)
    token = line_linking.issue_code(user=request.user) if available else None
    return render(request, "notifications/line_link.html", {
        "available": available,
        "link": line_linking.line_link_of(request.user),
        "code": token.code if token else "",
        "minutes": int(line_linking.CODE_LIFETIME.total_seconds() // 60),
        "add_friend_url": getattr(settings, "LINE_ADD_FRIEND_URL", ""),
    })
