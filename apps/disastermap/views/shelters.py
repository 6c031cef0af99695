"""Shelter pages: the list with live status, one shelter, and the staff status form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.disastermap.forms_core import ShelterFilterForm, ShelterStatusForm
from apps.disastermap.models import Shelter
from apps.disastermap.permissions import may_update_shelter
from apps.disastermap.selectors.facilities import shelters
from apps.disastermap.services.shelters import update_status


@require_GET
def shelter_list(request: HttpRequest) -> HttpResponse:
    form = ShelterFilterForm(request.GET or None)
    found = []
    if not form.is_bound:
        found = shelters()
    elif form.is_valid():
        data = form.cleaned_data
        found = shelters(hazard=data["hazard"] or None, status=data["status"] or None, near=data["point"])
    return render(request, "disastermap/core/shelter_list.html", {
        "form": form, "shelters": found, "near": form.is_bound and form.is_valid() and form.cleaned_data["point"],
    })


@require_GET
def shelter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shelter = get_object_or_404(Shelter.objects.filter(is_public=True).select_related("genre"), pk=pk)
    return render(request, "disastermap/core/shelter_detail.html", {
        "shelter": shelter,
        "may_update": may_update_shelter(request.user, shelter),
        "districts": shelter.districts_served.order_by("code"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def shelter_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Big buttons for shelter staff on a phone: open, full, closed, and how many people."""
    shelter = get_object_or_404(Shelter, pk=pk)
    if not may_update_shelter(request.user, shelter):
        raise PermissionDenied
    form = ShelterStatusForm(request.POST or None, initial={"status": shelter.status, "headcount": shelter.headcount})
    if request.method == "POST" and form.is_valid():
        try:
            change = update_status(shelter=shelter, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            if change.message_id:
                messages.success(request, _("Saved. Residents of the districts served are being told."))
            else:
                messages.success(request, _("Saved."))
            return redirect("disastermap:shelter_status", pk=shelter.pk)
    return render(request, "disastermap/core/shelter_status.html", {
        "shelter": shelter, "form": form, "history": shelter.status_changes.select_related("changed_by")[:10],
    })


urlpatterns = [
    path("shelters/", shelter_list, name="shelter_list"),
    path("shelters/<int:pk>/", shelter_detail, name="shelter_detail"),
    path("shelters/<int:pk>/status/", shelter_status, name="shelter_status"),
]
