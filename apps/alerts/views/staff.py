"""Staff pages: compose, approve or reject, update and cancel. Thin: services decide."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.alerts import selectors
from apps.alerts.choices import AlertState
from apps.alerts.forms import AlertForm, CancelForm
from apps.alerts.models import Alert
from apps.alerts.permissions import is_alert_staff
from apps.alerts.services import compose, publishing
from apps.geo.models import District


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_alert_staff(request.user):
        raise PermissionDenied
    return None


def _apply_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        target = {"district_ids": "districts", "shelter_ids": "shelters", "circle": "circle_radius",
                  "area": "districts"}.get(field, field)
        form.add_error(target if target in form.fields else None, errors)


def _map_data() -> dict:
    districts = [{"type": "Feature", "properties": {"id": d.id, "name": d.name}, "geometry": json.loads(d.area.geojson)}
                 for d in District.objects.order_by("code")]
    return {"type": "FeatureCollection", "features": districts}


def _compose_page(request, form, *, title: str, original: Alert | None = None) -> HttpResponse:
    return render(request, "alerts/compose.html", {
        "form": form, "title": title, "original": original, "map_data": _map_data(),
        "tiles": settings.MAP_TILES_URL, "attribution": settings.LEAFLET_CONFIG["TILES"][0][2]["attribution"],
    })


def compose_alert(request: HttpRequest) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    form = AlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            alert = compose.draft(user=request.user, content=form.content())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The alert is waiting for a second person's approval."))
            return redirect("alerts:detail", alert.pk)
    return _compose_page(request, form, title=_("Issue an emergency alert"))


def update_alert(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    original = selectors.alert_for(request.user, pk)
    form = AlertForm(request.POST or None, initial=AlertForm.initial_from(compose.content_of(original)))
    if request.method == "POST" and form.is_valid():
        try:
            alert = compose.draft_update(user=request.user, original=original, content=form.content())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The update is waiting for approval."))
            return redirect("alerts:detail", alert.pk)
    return _compose_page(request, form, title=_("Update an alert"), original=original)


@require_POST
def cancel_alert(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    original = selectors.alert_for(request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            alert = compose.draft_cancel(user=request.user, original=original, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("alerts:detail", original.pk)
        messages.success(request, _("The cancellation is waiting for approval."))
        return redirect("alerts:detail", alert.pk)
    messages.error(request, _("Check the cancellation message."))
    return redirect("alerts:detail", original.pk)


@require_POST
def approve_alert(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    alert = selectors.alert_for(request.user, pk)
    try:
        publishing.approve(alert=alert, approver=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Approved: the alert is going out on every medium."))
    return redirect("alerts:detail", alert.pk)


@require_POST
def reject_alert(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    alert = selectors.alert_for(request.user, pk)
    try:
        compose.reject(alert=alert, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("alerts:detail", alert.pk)


def staff_list(request: HttpRequest) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    return render(request, "alerts/staff_list.html", {
        "pending": selectors.staff_alerts(request.user, state=AlertState.PENDING).order_by("created_at"),
        "recent": selectors.staff_alerts(request.user).exclude(state=AlertState.PENDING)[:30],
    })


urlpatterns = [
    path("compose/", compose_alert, name="compose"),
    path("staff/", staff_list, name="staff_list"),
    path("<int:pk>/update/", update_alert, name="update"),
    path("<int:pk>/cancel/", cancel_alert, name="cancel"),
    path("<int:pk>/approve/", approve_alert, name="approve"),
    path("<int:pk>/reject/", reject_alert, name="reject"),
]
