"""What residents see of notifications: their inbox, one message, and their settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.notifications import selectors, services
from apps.notifications.forms import InboxFilterForm, NotificationSettingsForm
from apps.notifications.models import Delivery, Message

PAGE_SIZE = 20
ORIGINAL_LANGUAGE = "ja"


@dataclass(frozen=True)
class Entry:
    """One inbox row as the reader sees it: in their language, read or not."""

    delivery: Delivery
    message: Message
    language: str
    title: str
    body: str

    @property
    def unread(self) -> bool:
        return self.delivery.read_at is None


def _shown_language(message: Message, language: str) -> str:
    """The language the message is shown in: the reader's if the sender wrote it, else Japanese."""
    if language != ORIGINAL_LANGUAGE and any(v.language == language for v in message.variants.all()):
        return language
    return ORIGINAL_LANGUAGE


def _entry(delivery: Delivery, language: str) -> Entry:
    message = delivery.message
    title, body = message.text_for(language)
    return Entry(delivery=delivery, message=message, language=_shown_language(message, language),
                 title=title, body=body)


def _reader_language(request: HttpRequest) -> str:
    # LocaleMiddleware and PreferredLanguageMiddleware already settled this (switch, else profile).
    return getattr(request, "LANGUAGE_CODE", "") or ORIGINAL_LANGUAGE


@login_required
@require_GET
def inbox_list(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET)
    filters = form.filters() if form.is_valid() else {}
    rows = selectors.inbox(request.user, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    language = _reader_language(request)
    entries = [_entry(row, language) for row in page.object_list]
    filtering = any(filters.values())
    return render(request, "notifications/inbox.html", {
        "form": form,
        "page_obj": page,
        # Long inboxes show the first, last and nearby pages, not hundreds of links.
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "entries": entries,
        "filtering": filtering,
        # Only asked when the filtered list is empty, to tell "no messages" from "no matches".
        "has_any": bool(entries) or (filtering and selectors.inbox(request.user).exists()),
    })


@login_required
@require_GET
def inbox_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    row = selectors.inbox_entry(request.user, message_id)
    if row is None:
        # Someone else's message and one that does not exist look the same.
        raise Http404
    services.open_inbox_message(user=request.user, message=row.message)
    # ?lang= shows another version the sender wrote (e.g. the Japanese original).
    requested = request.GET.get("lang", "")
    language = requested if requested in dict(settings.LANGUAGES) else _reader_language(request)
    entry = _entry(row, language)
    message = entry.message
    # body_html belongs to the Japanese original and was cleaned (nh3) when it was stored.
    body_html = mark_safe(message.body_html) if message.body_html and entry.language == ORIGINAL_LANGUAGE else ""  # noqa: S308
    other_languages = sorted(
        {ORIGINAL_LANGUAGE, *(v.language for v in message.variants.all())} - {entry.language}
    )
    return render(request, "notifications/inbox_detail.html", {
        "entry": entry,
        "message": message,
        "body_html": body_html,
        "expired": bool(message.expires_at and message.expires_at <= timezone.now()),
        "other_languages": other_languages,
        # The reader asked for another language but the sender wrote only Japanese.
        "untranslated": language != ORIGINAL_LANGUAGE and not other_languages,
    })


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)
    if count:
        messages.success(request, ngettext("%(n)d message marked as read.", "%(n)d messages marked as read.",
                                           count) % {"n": count})
    else:
        messages.info(request, _("There were no unread messages."))
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            try:
                # One form, one save: a refused field leaves the topics as they were too.
                with transaction.atomic():
                    services.set_topics(user=request.user, categories=form.cleaned_data["categories"])
                    services.update_preferences(user=request.user, **form.preference_changes())
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Your notification settings were saved."))
                return redirect("notifications:settings")
    else:
        topics = selectors.topics_of(request.user)
        form = NotificationSettingsForm(initial=NotificationSettingsForm.initial_for(
            preferences=services.preferences_of(request.user), categories=topics))
    return render(request, "notifications/settings.html", {
        "form": form,
        "line_status": selectors.line_status(request.user),
    })
