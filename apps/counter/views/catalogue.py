"""The counter's front page (procedures and the life-event entry) and one procedure's page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from apps.counter.forms_applications import field_label
from apps.counter.selectors import catalogue as selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "counter/catalogue/home.html", {
        "procedures": selectors.active_procedures(), "events": selectors.life_events(),
    })


@require_GET
def procedure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = selectors.procedure_by_slug(slug)
    fields = [(field, field_label(field)) for field in procedure.fields.all()]
    return render(request, "counter/catalogue/procedure.html", {
        "procedure": procedure, "fields": fields, "steps": procedure.steps.all(),
    })


urlpatterns = [
    path("", home, name="home"),
    path("procedures/<slug:slug>/", procedure_detail, name="procedure_detail"),
]
