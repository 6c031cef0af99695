"""The life-event navigator: choose an event, answer a few questions, get your own list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.counter.forms_lifeevents import QuestionsForm
from apps.counter.models import LifeEvent
from apps.counter.selectors import catalogue as catalogue_selectors
from apps.counter.selectors import lifeevents as selectors
from apps.counter.services import lifeevents as services


@require_http_methods(["GET", "POST"])
def lifeevents(request: HttpRequest) -> HttpResponse:
    """Without `event`: the events to choose from; with it: that event's questions."""
    slug = request.POST.get("event") or request.GET.get("event")
    if not slug:
        plans = selectors.plans_of(request.user) if request.user.is_authenticated else []
        return render(request, "counter/lifeevents/choose.html", {
            "events": catalogue_selectors.life_events(), "plans": plans})
    event = get_object_or_404(LifeEvent, slug=slug)
    form = QuestionsForm(request.POST or None, conditions=services.questions_of(event))
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(f"{request.path}?event={event.slug}")
        if form.is_valid():
            try:
                plan = services.create_plan(user=request.user, event=event, answers=form.answers())
            except ValidationError as error:
                for key, problems in error.message_dict.items():
                    name = key.removeprefix("answers.")
                    form.add_error(name if name in form.fields else None, problems)
            else:
                messages.success(request, _("Here is your list. We will remind you of what is left."))
                return redirect("counter:lifeevent_plan", plan_id=plan.pk)
    return render(request, "counter/lifeevents/questions.html", {"event": event, "form": form},
                  status=400 if form.errors else 200)


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, plan_id)
    return render(request, "counter/lifeevents/plan.html", {"plan": plan, "items": selectors.items_of(plan)})


@login_required
@require_POST
def plan_item_mark(request: HttpRequest, plan_id: int, item_id: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, plan_id)
    item = get_object_or_404(plan.items, pk=item_id)
    try:
        services.mark_item(item=item, user=request.user, status=request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    return redirect("counter:lifeevent_plan", plan_id=plan.pk)


urlpatterns = [
    path("life-events/", lifeevents, name="lifeevents"),
    path("life-events/lists/<int:plan_id>/", plan_detail, name="lifeevent_plan"),
    path("life-events/lists/<int:plan_id>/items/<int:item_id>/", plan_item_mark, name="lifeevent_item_mark"),
]
