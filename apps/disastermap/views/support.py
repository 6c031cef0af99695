"""The map of people who need help in a disaster (要援護者マップ): never public.

Only staff holding `disastermap.view_personneedinghelp` and designated supporters get in;
everything is read through `selectors.support.people_needing_help_for`, which logs the read.
Responses are `private, no-store`: no shared cache or back-button copy keeps the list.
The map's points travel inside the page (a JSON data block), never through an API.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.disastermap.permissions import may_see_people_needing_help
from apps.disastermap.selectors.support import may_see_everyone, nearest_open_shelters, people_needing_help_for


def _private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Authorised people only, and the answer is never cached anywhere."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            response = redirect_to_login(request.get_full_path())
        elif not may_see_people_needing_help(request.user):
            raise PermissionDenied(_("Only authorised staff and designated supporters can see this list."))
        else:
            response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


def _map_points(people) -> list[dict]:
    return [{"id": p.id, "name": p.full_name, "lat": round(p.location.y, 6), "lon": round(p.location.x, 6)}
            for p in people]


@require_GET
@_private
def support_map(request: HttpRequest) -> HttpResponse:
    people = people_needing_help_for(request.user, what="support map list")
    nearest = nearest_open_shelters(people)
    return render(request, "disastermap/layers/support_map.html", {
        "rows": [{"person": person, "nearest": nearest.get(person.id)} for person in people],
        "points": _map_points(people),
        "sees_everyone": may_see_everyone(request.user),
    })


@require_GET
@_private
def support_person(request: HttpRequest, pk: int) -> HttpResponse:
    people = people_needing_help_for(request.user, what=f"person #{pk}", pk=pk)
    if not people:
        raise Http404
    return render(request, "disastermap/layers/support_person.html", {
        "person": people[0], "nearest": nearest_open_shelters(people).get(people[0].id),
        "points": _map_points(people),
    })


urlpatterns = [
    path("support/", support_map, name="support_map"),
    path("support/<int:pk>/", support_person, name="support_person"),
]
