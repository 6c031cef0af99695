"""School alert mail pages: staff compose, list, figures and the call list; guardians read and reply.

Staff see only their own school's alerts (anything else is a 404, so nobody learns what
exists); every staff view of the per-guardian lists is written to the audit log. The guardian
page works without JavaScript: plain POST forms, one per reply.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.services import audit
from apps.childwatch.choices import AlertCategory, AlertScope, ReplyChoice
from apps.childwatch.forms_alerts import PRIORITY_CHOICES, AlertForm, ReplyForm
from apps.childwatch.models import SchoolAlert
from apps.childwatch.permissions import staff_school_ids
from apps.childwatch.selectors import alerts as selectors
from apps.childwatch.services import alerts as services
from apps.notifications import services as notifications
from apps.notifications.services import line_text

LIST_LIMIT = 100


def _staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in school staff; anyone else gets a 404 (the pages do not exist for them)."""
    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not staff_school_ids(request.user):
            raise Http404
        return view(request, *args, **kwargs)
    return wrapped


def scope_label(alert: SchoolAlert) -> str:
    if alert.scope == AlertScope.GRADE:
        return _("Grade %(grade)d") % {"grade": alert.grade or 0}
    if alert.scope == AlertScope.CLASS:
        return _("Class %(name)s") % {"name": alert.school_class or "?"}
    if alert.scope == AlertScope.CHILDREN:
        return _("Guardians of %(n)d chosen children") % {"n": alert.children.count()}
    return str(AlertScope.SCHOOL.label)


# --- compose ---------------------------------------------------------------------------------

def _render_form(request: HttpRequest, form: AlertForm) -> HttpResponse:
    return render(request, "childwatch/alerts/compose.html", {"form": form})


@never_cache
@_staff_only
@require_http_methods(["GET", "POST"])
def alert_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render_form(request, AlertForm(user=request.user))
    form = AlertForm(request.POST, user=request.user)
    action = request.POST.get("action", "preview")
    if not form.is_valid() or action == "edit":
        return _render_form(request, form)
    kwargs = form.service_kwargs()
    if action == "send":
        try:
            alert = services.send_alert(sender=request.user, **kwargs)
        except ValidationError as exc:
            form.apply_service_errors(exc)
            return _render_form(request, form)
        messages.success(request, _("The alert is being sent."))
        return redirect("childwatch:alert_detail", pk=alert.pk)
    return _preview(request, form, kwargs)


def _preview(request: HttpRequest, form: AlertForm, kwargs: dict) -> HttpResponse:
    school = kwargs["school"]
    scope = {key: kwargs[key] for key in ("scope", "grade", "school_class_id", "child_ids")}
    in_scope = selectors.count_scope_guardians(school_id=school.pk, **scope)
    # How many receive it now: guardians who turned this topic off get non-emergency alerts later
    # in their inbox only if they turn it back on; the figures page lists them as not reached.
    reach = notifications.preview(
        sender=request.user, audience=services.audience_for(school=school, **scope),
        category=services.notification_category(kwargs["category"]), priority=kwargs["priority"])
    return render(request, "childwatch/alerts/compose_preview.html", {
        "form": form, "data": kwargs, "in_scope": in_scope, "reach": reach,
        "category_label": AlertCategory(kwargs["category"]).label,
        "priority_label": dict(PRIORITY_CHOICES)[kwargs["priority"]],
        "line_text": line_text(kwargs["title"], kwargs["body"]), "carried": form.carried(),
    })


# --- staff: list, figures, call list ---------------------------------------------------------

@never_cache
@_staff_only
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    alerts = list(selectors.alerts_for_staff(request.user)[:LIST_LIMIT])
    counts = selectors.list_figures(alerts)
    rows = [(alert, scope_label(alert), counts[alert.pk]) for alert in alerts]
    return render(request, "childwatch/alerts/list.html", {"rows": rows})


@never_cache
@_staff_only
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_for_staff(request.user, pk)
    rows = selectors.guardian_rows(alert)
    audit(user=request.user, action="childwatch.alert.guardians", obj=alert,
          detail=f"school={alert.school_id} rows={len(rows)}")
    return render(request, "childwatch/alerts/detail.html", {
        "alert": alert, "scope_label": scope_label(alert), "rows": rows,
        "figures": selectors.figures(alert, rows),
    })


@never_cache
@_staff_only
@require_GET
def alert_unread(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_for_staff(request.user, pk)
    rows = selectors.unread_rows(alert)
    audit(user=request.user, action="childwatch.alert.unread", obj=alert,
          detail=f"school={alert.school_id} rows={len(rows)}")
    return render(request, "childwatch/alerts/unread.html", {
        "alert": alert, "scope_label": scope_label(alert), "rows": rows})


# --- guardians -------------------------------------------------------------------------------

@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def alert_reply(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_for_guardian(request.user, pk)
    form = ReplyForm()
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                services.reply_to_alert(alert=alert, guardian=request.user, reply=form.cleaned_data["reply"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Thank you. The school has your reply."))
                return redirect("childwatch:alert_reply", pk=alert.pk)
    else:
        services.open_alert(alert=alert, guardian=request.user)
    language = getattr(getattr(request.user, "profile", None), "preferred_language", "ja")
    title, body = alert.message.text_for(language)
    return render(request, "childwatch/alerts/reply.html", {
        "alert": alert, "title": title, "body": body, "form": form,
        "current": selectors.reply_of(alert, request.user), "choices": ReplyChoice.choices,
    }, status=400 if form.errors else 200)


urlpatterns = [
    path("staff/alerts/", alert_list, name="alert_list"),
    path("staff/alerts/new/", alert_new, name="alert_new"),
    path("staff/alerts/<int:pk>/", alert_detail, name="alert_detail"),
    path("staff/alerts/<int:pk>/unread/", alert_unread, name="alert_unread"),
    path("alerts/<int:pk>/", alert_reply, name="alert_reply"),
]
