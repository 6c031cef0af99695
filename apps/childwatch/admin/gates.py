"""Admin for gate readers, IC tags, passages and unknown-tag events.

- A reader's secret is never on a form or a list: it is shown once, on the page that answers
  the reader's creation or the "rotate secret" action, and never again.
- Passages and unknown-tag events are the readers' record: read-only here.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _

from apps.childwatch.device_auth import SIGNATURE_HEADER, TIMESTAMP_HEADER
from apps.childwatch.models import GatePassage, GateReader, ICTag, UnknownTagEvent
from apps.childwatch.services.gates import rotate_reader_secret


def _secret_page(request: HttpRequest, readers: list[GateReader], *, rotated: bool) -> HttpResponse:
    response = TemplateResponse(request, "childwatch/gates/admin_reader_secret.html", {
        **admin.site.each_context(request),
        "title": _("Reader secret"), "readers": readers, "rotated": rotated,
        "timestamp_header": TIMESTAMP_HEADER, "signature_header": SIGNATURE_HEADER,
    })
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    return response


@admin.action(description=_("Rotate the reader secret (shows the new one once)"), permissions=["change"])
def rotate_secret(modeladmin, request: HttpRequest, queryset) -> HttpResponse:
    readers = list(queryset.select_related("school").order_by("code"))
    for reader in readers:
        rotate_reader_secret(reader=reader)
    return _secret_page(request, readers, rotated=True)


@admin.register(GateReader)
class GateReaderAdmin(admin.ModelAdmin):
    list_display = ["code", "school", "gate_name", "is_active", "last_seen_at"]
    list_filter = ["is_active", "school"]
    search_fields = ["code", "gate_name", "school__name"]
    readonly_fields = ["last_seen_at"]
    fields = ["school", "code", "gate_name", "is_active", "last_seen_at"]
    actions = [rotate_secret]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("school").defer("secret")

    def response_add(self, request: HttpRequest, obj: GateReader, post_url_continue=None) -> HttpResponse:
        # The one time the secret appears: the answer to the creation itself, never stored in a message.
        return _secret_page(request, [obj], rotated=False)


@admin.register(ICTag)
class ICTagAdmin(admin.ModelAdmin):
    list_display = ["uid", "child", "status", "issued_on"]
    list_filter = ["status", "child__school"]
    search_fields = ["uid", "child__full_name", "child__name_kana"]
    raw_id_fields = ["child"]
    list_select_related = ["child"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(GatePassage)
class GatePassageAdmin(ReadOnlyAdmin):
    list_display = ["passed_at", "child", "direction", "reader", "received_at", "message_id"]
    list_filter = ["direction", "reader__school"]
    search_fields = ["child__full_name", "reader_event_id"]
    date_hierarchy = "passed_at"
    list_select_related = ["child", "reader__school"]


@admin.register(UnknownTagEvent)
class UnknownTagEventAdmin(ReadOnlyAdmin):
    list_display = ["passed_at", "tag_uid", "reason", "direction", "reader", "received_at"]
    list_filter = ["reason", "reader__school"]
    search_fields = ["tag_uid", "reader_event_id"]
    date_hierarchy = "passed_at"
    list_select_related = ["reader__school"]
