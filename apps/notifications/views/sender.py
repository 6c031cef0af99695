"""City staff's pages for sending: compose, preview, send, and what happened to each message.

Only city staff and system administrators use these pages (association officers and schools
send from their own apps). The views stay thin: the form builds the audience, the services
decide and store, the selectors read and scope.

Preview and send are two POSTs of the same form (see `apps.notifications.sender_forms`):
the preview page carries the raw inputs in hidden fields, so the send step validates
everything again and nothing is kept in the session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import User
from apps.accounts.roles import CITY_STAFF_ROLES
from apps.accounts.selectors import roles_of
from apps.notifications import selectors, services
from apps.notifications.choices import Category, Channel, MessageStatus, Priority
from apps.notifications.models import Message
from apps.notifications.sender_forms import TOKYO, ComposeForm

SENDER_ROLES = CITY_STAFF_ROLES
PAGE_SIZE = 25
CANCELLABLE = {MessageStatus.PENDING_APPROVAL, MessageStatus.SCHEDULED}

def _senders_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles_of(request.user) & SENDER_ROLES:
            raise PermissionDenied(_("Only city staff can send city messages."))
        return view(request, *args, **kwargs)

    return wrapped


def _tokyo(moment) -> str:
    return timezone.localtime(moment, TOKYO).strftime("%Y-%m-%d %H:%M") if moment else ""


def _person(user: User | None) -> str:
    """A colleague by name, never by email address."""
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    name = (profile.display_name if profile is not None else "") or user.get_full_name()
    return name or _("Staff member no. %(id)d") % {"id": user.id}


def _channel_label(channel: str) -> str:
    return str(dict(Channel.choices).get(channel, channel))


def _status_notice(message: Message) -> str:
    if message.status == MessageStatus.PENDING_APPROVAL:
        return _("The message is waiting for approval by another member of staff.")
    if message.status == MessageStatus.SCHEDULED:
        return _("The message is scheduled for %(time)s (Japan time).") % {"time": _tokyo(message.scheduled_at)}
    if message.status == MessageStatus.CANCELLED:
        return _("The message was cancelled.")
    return _("The message is being sent now.")


# --- compose -----------------------------------------------------------------------------

def _render_compose(request: HttpRequest, form: ComposeForm) -> HttpResponse:
    return render(request, "notifications/compose.html", {"form": form})


def _back_to_form(request: HttpRequest, form: ComposeForm, exc: ValidationError) -> HttpResponse:
    """Show a service's objections on the form, keeping a new image so it need not be chosen again."""
    form.apply_service_errors(exc)
    if form.cleaned_data.get("image"):
        form.stash_image()
    return _render_compose(request, form)


@never_cache
@_senders_only
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render_compose(request, ComposeForm(user=request.user))
    form = ComposeForm(request.POST, request.FILES, user=request.user)
    action = request.POST.get("action", "preview")
    if not form.is_valid():
        if form.cleaned_data.get("image"):
            form.stash_image()  # so the person need not choose the picture again
        return _render_compose(request, form)
    if action == "edit":
        return _render_compose(request, form)
    if action == "send":
        return _send(request, form)
    return _preview(request, form)


def _preview(request: HttpRequest, form: ComposeForm) -> HttpResponse:
    data = form.cleaned_data
    try:
        result = services.preview(sender=request.user, audience=data["audience"], category=data["category"],
                                  priority=data["priority"])
    except ValidationError as exc:
        return _back_to_form(request, form, exc)
    form.stash_image()
    channels = [(_channel_label(channel), count) for channel, count in result["channels"].items()]
    english = form.variants()
    return render(request, "notifications/compose_preview.html", {
        "form": form,
        "preview": result,
        "channels": channels,
        "carried": form.carried_fields(),
        "data": data,
        "category_label": Category(data["category"]).label,
        "priority_label": Priority(data["priority"]).label,
        "english": english["en"] if english else None,
        "line_text": services.line_text(data["title"], data["body"], data["link_url"]),
        "scheduled_at": _tokyo(data.get("scheduled_at")),
        "expires_at": _tokyo(data.get("expires_at")),
        "image": form.attached_image,
    })


def _send(request: HttpRequest, form: ComposeForm) -> HttpResponse:
    data = form.cleaned_data
    image = form.image_for_publish()
    try:
        message = services.publish(
            sender=request.user, title=data["title"], body=data["body"], category=data["category"],
            audience=data["audience"], priority=data["priority"], variants=form.variants(),
            link_url=data["link_url"], image=image, scheduled_at=data.get("scheduled_at"),
            expires_at=data.get("expires_at"),
        )
    except ValidationError as exc:
        return _back_to_form(request, form, exc)
    finally:
        if image is not None:
            image.close()
    form.discard_draft_image()
    messages.success(request, _status_notice(message))
    return redirect("notifications:sent_detail", message_id=message.id)


# --- sent messages -----------------------------------------------------------------------

@never_cache
@_senders_only
@require_GET
def sent_list(request: HttpRequest) -> HttpResponse:
    query = selectors.sent_messages(request.user).select_related("created_by__profile")
    status = request.GET.get("status", "")
    if status in MessageStatus.values:
        query = query.filter(status=status)
    else:
        status = ""
    page = Paginator(query, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"message": message, "author": _person(message.created_by), "created": _tokyo(message.created_at),
             "scheduled": _tokyo(message.scheduled_at)} for message in page]
    return render(request, "notifications/sent_list.html", {
        "page": page, "rows": rows, "status": status, "statuses": MessageStatus.choices,
    })


def _failure_reasons(failures: list[dict], failed_per_channel: dict[str, int]) -> list[dict]:
    """Reasons with their counts, merged once the personal parts are taken out."""
    merged: dict[tuple[str, str], int] = {}
    for row in failures:
        key = (row["channel"], row["error"] or "")  # already cleaned by the selector
        merged[key] = merged.get(key, 0) + row["n"]
    # The selector lists the most common reasons only; the rest are counted together.
    for channel, failed in failed_per_channel.items():
        listed = sum(n for (c, _reason), n in merged.items() if c == channel)
        if failed > listed:
            merged[(channel, "")] = merged.get((channel, ""), 0) + failed - listed
    return [{"channel": _channel_label(channel), "reason": reason, "count": n}
            for (channel, reason), n in sorted(merged.items(), key=lambda item: -item[1])]


@never_cache
@_senders_only
@require_GET
def sent_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(
        selectors.sent_messages(request.user).select_related("created_by__profile", "approved_by__profile",
                                                             "cancelled_by__profile")
        .prefetch_related("variants"),
        id=message_id,
    )
    counts = selectors.delivery_counts(message)
    order = {channel: index for index, channel in enumerate(Channel.values)}
    channels = [{"label": _channel_label(channel), **selectors.summarise(by_status)}
                for channel, by_status in sorted(counts["channels"].items(), key=lambda item: order.get(item[0], 99))]
    segments = [{"label": segment or _("(not recorded)"), **selectors.summarise(by_status)}
                for segment, by_status in sorted(counts["segments"].items())]
    failed = {channel: selectors.summarise(by_status)["failed"] for channel, by_status in counts["channels"].items()}
    user = request.user
    may_approve = message.status == MessageStatus.PENDING_APPROVAL and services.may_approve(user, message)
    may_cancel = message.status in CANCELLABLE and (
        user.id == message.created_by_id or services.may_approve(user, message))
    return render(request, "notifications/sent_detail.html", {
        "message": message,
        "english": next((v for v in message.variants.all() if v.language == "en"), None),
        "channels": channels,
        "segments": segments,
        "failures": _failure_reasons(counts["failures"], {c: n for c, n in failed.items() if n}),
        "may_approve": may_approve,
        "may_cancel": may_cancel,
        "is_author": user.id == message.created_by_id,
        "author": _person(message.created_by),
        "approver": _person(message.approved_by),
        "canceller": _person(message.cancelled_by),
        "created": _tokyo(message.created_at),
        "scheduled": _tokyo(message.scheduled_at),
        "expires": _tokyo(message.expires_at),
        "approved": _tokyo(message.approved_at),
        "finished": _tokyo(message.fanout_finished_at),
    })


def _act(request: HttpRequest, message_id: int, action: Callable[[Message], Message]) -> HttpResponse:
    message = get_object_or_404(selectors.sent_messages(request.user), id=message_id)
    try:
        message = action(message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _status_notice(message))
    return redirect("notifications:sent_detail", message_id=message_id)


@never_cache
@_senders_only
@require_POST
def approve(request: HttpRequest, message_id: int) -> HttpResponse:
    """A second member of staff lets an organisation-wide message go (PermissionDenied → 403)."""
    return _act(request, message_id, lambda message: services.approve(message=message, approver=request.user))


@never_cache
@_senders_only
@require_POST
def cancel(request: HttpRequest, message_id: int) -> HttpResponse:
    return _act(request, message_id, lambda message: services.cancel(message=message, user=request.user))
