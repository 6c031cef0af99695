"""Gate passage pages: a guardian's view of their child, the school's gate log and one child's log.

Anyone who is not the child's guardian (or its school's staff, on the staff pages) gets 404:
not even whether the child exists is told.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.childwatch.selectors import gates as selectors


@require_GET
@never_cache
@login_required
def child_passages(request: HttpRequest, child_id: int) -> HttpResponse:
    child = selectors.child_for_guardian(request.user, child_id)
    if child is None:
        raise Http404
    return render(request, "childwatch/gates/child_passages.html", {
        "child": child, "passages": selectors.guardian_passages(request.user, child),
        "days": selectors.GUARDIAN_DAYS, "staff_view": False,
    })


@require_GET
@never_cache
@login_required
def gate_log(request: HttpRequest) -> HttpResponse:
    schools = list(selectors.staff_schools(request.user))
    if not schools:
        raise PermissionDenied(_("Only the school's staff can see its gate log."))
    chosen = request.GET.get("school", "")
    school = next((s for s in schools if str(s.pk) == chosen), schools[0])
    return render(request, "childwatch/gates/gate_log.html", {
        "overview": selectors.gate_overview(request.user, school), "schools": schools,
        "children": selectors.school_children(request.user, school),
    })


@require_GET
@never_cache
@login_required
def staff_child_passages(request: HttpRequest, child_id: int) -> HttpResponse:
    child = selectors.child_for_staff(request.user, child_id)
    if child is None:
        raise Http404
    return render(request, "childwatch/gates/child_passages.html", {
        "child": child, "passages": selectors.staff_passages(request.user, child, via="page"),
        "days": selectors.STAFF_DAYS, "staff_view": True,
    })


urlpatterns = [
    path("children/<int:child_id>/passages/", child_passages, name="child_passages"),
    path("staff/gates/", gate_log, name="gate_log"),
    path("staff/gates/children/<int:child_id>/", staff_child_passages, name="staff_child_passages"),
]
