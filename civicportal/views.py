"""Pages of the project shell: home, site map, health and the staff dashboard."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.accounts.selectors import can_see_dashboard, roles_of
from apps.geo.selectors import cities
from civicportal import dashboard, sitemap
from civicportal.health import run_checks


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"city": cities().first()})


@require_GET
def site_map(request: HttpRequest) -> HttpResponse:
    entries = sitemap.visible_entries(roles_of(request.user), request.user.is_authenticated)
    return render(request, "sitemap.html", {"entries": entries})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    healthy = all(check.ok for check in checks)
    body = {
        "status": "ok" if healthy else "fail",
        "checks": {
            check.name: {"ok": check.ok, "detail": check.detail, "ms": check.milliseconds} for check in checks
        },
        "failing": [check.name for check in checks if not check.ok],
    }
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_GET
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_see_dashboard(request.user):
        raise PermissionDenied
    panels = [(panel, panel.figures(request)) for panel in dashboard.panels()]
    return render(request, "dashboard.html", {"panels": panels})
