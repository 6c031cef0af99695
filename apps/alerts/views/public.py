"""Public alert pages: the list, one alert (with its media state for staff), CAP, the feed, testers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.alerts import caching, feeds, selectors
from apps.alerts.forms import CancelForm, TesterForm
from apps.alerts.permissions import is_alert_staff, may_approve
from apps.alerts.services import testers


@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    current = list(selectors.in_force())
    past = list(selectors.public_alerts().exclude(id__in=[a.id for a in current]).order_by("-sent")[:30])
    return render(request, "alerts/list.html", {"current": current, "past": past})


@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, pk)
    staff = is_alert_staff(request.user)
    context = {"alert": alert, "staff": staff, "shelters": list(alert.shelters.order_by("name")),
               "followups": list(alert.followups.order_by("created_at")) if staff else []}
    if staff:
        context.update(media=selectors.media_state(alert), may_approve=may_approve(request.user, alert),
                       cancel_form=CancelForm())
    return render(request, "alerts/detail.html", context)


@require_GET
def alert_cap(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, pk)
    if not alert.cap_xml:
        return HttpResponse(_("This alert has not been issued yet."), status=404, content_type="text/plain")
    response = HttpResponse(alert.cap_xml.encode(), content_type="application/cap+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def alert_feed(request: HttpRequest) -> HttpResponse:
    key = f"alerts:feed:{caching.disaster_version()}"
    body = cache.get(key)
    if body is None:
        body = feeds.atom(selectors.feed_alerts(), title=_("Emergency alerts (CAP 1.2)"))
        cache.set(key, body, 300)
    response = HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=15"
    return response


@login_required
def tester_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TesterForm(request.POST)
        if form.is_valid():
            testers.set_tester(user=request.user, on=form.cleaned_data["receive_exercises"])
            messages.success(request, _("Saved."))
            return redirect("alerts:testers")
    elif request.method == "GET":
        form = TesterForm(initial={"receive_exercises": selectors.is_tester(request.user)})
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "alerts/testers.html", {"form": form})


urlpatterns = [
    path("", alert_list, name="list"),
    path("feed.atom", alert_feed, name="feed"),
    path("testers/", tester_settings, name="testers"),
    path("<int:pk>/", alert_detail, name="detail"),
    path("<int:pk>/cap.xml", alert_cap, name="cap"),
]
