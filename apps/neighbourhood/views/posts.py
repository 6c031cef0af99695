"""Association home page, bulletins and circulars (回覧板), read status, comments and moderation.

A post someone may not see answers 404 (its existence does not leak); a page only officers
use answers 403 to members who can see the post. Attachments are served only here, after
the same visibility check, never as public media.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.neighbourhood.choices import PostStatus
from apps.neighbourhood.forms_posts import (
    BulletinEditForm,
    BulletinForm,
    CommentForm,
    ModerationForm,
    ReasonForm,
    ReportForm,
)
from apps.neighbourhood.models import Association, Bulletin
from apps.neighbourhood.permissions import is_city_staff
from apps.neighbourhood.selectors import conversation as talk
from apps.neighbourhood.selectors import posts as selectors
from apps.neighbourhood.services import conversation
from apps.neighbourhood.services import posts as services
from apps.neighbourhood.services.rules import rules_for

FIELD = "partials/field.html"


def _officer_post(request: HttpRequest, slug: str, bulletin_id: int) -> tuple[Association, Bulletin]:
    association = selectors.association_for(request.user, slug)
    viewer = selectors.viewer_of(request.user, association)
    bulletin = selectors.bulletin_for(request.user, association, bulletin_id, viewer)
    if not viewer.is_officer:
        raise PermissionDenied
    return association, bulletin


def _to_detail(bulletin: Bulletin) -> HttpResponse:
    return redirect("neighbourhood:bulletin_detail", slug=bulletin.association.slug, bulletin_id=bulletin.pk)


def _may_post(association: Association, viewer: selectors.Viewer) -> bool:
    # The page's offer only; rules.check_posting decides for real when the post comes in.
    return viewer.is_officer or (viewer.is_member and rules_for(association=association).members_may_post)


# --- home -----------------------------------------------------------------------------------

@require_GET
def association_home(request: HttpRequest, slug: str) -> HttpResponse:
    association = selectors.association_for(request.user, slug)
    context = selectors.home(request.user, association, page=request.GET.get("page"))
    viewer = context["viewer"]
    return render(request, "neighbourhood/home.html", {**context, "association": association,
                                                       "may_post": _may_post(association, viewer)})


# --- posting --------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def bulletin_new(request: HttpRequest, slug: str) -> HttpResponse:
    association = selectors.association_for(request.user, slug)
    viewer = selectors.viewer_of(request.user, association)
    if not _may_post(association, viewer):
        raise PermissionDenied
    form = BulletinForm(request.POST or None, request.FILES or None, officer=viewer.is_officer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bulletin = services.create_bulletin(
                author=request.user, association=association, kind=data["kind"], category=data["category"],
                title=data["title"], body=data["body"], visibility=data["visibility"],
                pinned=data.get("pinned", False), expires_at=data["expires_at"],
                attachments=request.FILES.getlist("attachments"))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if bulletin.status == PostStatus.PENDING_APPROVAL:
                messages.success(request, _("Thank you. Your post waits for an officer's approval."))
            else:
                messages.success(request, _("“%(title)s” was published.") % {"title": bulletin.title})
            return _to_detail(bulletin)
    return render(request, "neighbourhood/posts/form.html", {"association": association, "form": form,
                                                              "field": FIELD}, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_edit(request: HttpRequest, slug: str, bulletin_id: int) -> HttpResponse:
    association, bulletin = _officer_post(request, slug, bulletin_id)
    attachments = selectors.attachments_of(bulletin)
    if request.method == "POST":
        form = BulletinEditForm(request.POST, request.FILES, attachments=attachments)
        if form.is_valid():
            data = form.cleaned_data
            changes = {k: data[k] for k in ("kind", "category", "title", "body", "visibility", "pinned",
                                            "comments_closed")}
            if data["expires_at"] != bulletin.expires_at:
                changes["expires_at"] = data["expires_at"]
            try:
                services.update_bulletin(officer=request.user, bulletin=bulletin,
                                         attachments=request.FILES.getlist("attachments"),
                                         remove_attachments=data.get("remove_attachments", []), **changes)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The post was saved."))
                return _to_detail(bulletin)
    else:
        form = BulletinEditForm(attachments=attachments, initial={
            f: getattr(bulletin, f) for f in ("kind", "category", "title", "body", "visibility", "pinned",
                                              "expires_at", "comments_closed")})
    return render(request, "neighbourhood/posts/form.html", {
        "association": association, "form": form, "bulletin": bulletin, "field": FIELD,
    }, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_delete(request: HttpRequest, slug: str, bulletin_id: int) -> HttpResponse:
    association, bulletin = _officer_post(request, slug, bulletin_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.delete_bulletin(officer=request.user, bulletin=bulletin, reason=form.cleaned_data["reason"])
        messages.success(request, _("The post was deleted. The reason is kept for the record."))
        return redirect("neighbourhood:association_home", slug=association.slug)
    return render(request, "neighbourhood/posts/reason.html", {
        "association": association, "bulletin": bulletin, "form": form, "field": FIELD,
        "heading": _("Delete “%(title)s”") % {"title": bulletin.title}, "button": _("Delete the post"),
    }, status=400 if form.is_bound else 200)


@login_required
@require_POST
def bulletin_pin(request: HttpRequest, slug: str, bulletin_id: int) -> HttpResponse:
    _association, bulletin = _officer_post(request, slug, bulletin_id)
    services.set_pinned(officer=request.user, bulletin=bulletin, pinned=request.POST.get("pinned") == "1")
    messages.success(request, _("Pinned to the top.") if bulletin.pinned else _("No longer pinned."))
    return _to_detail(bulletin)


@login_required
@require_POST
def bulletin_comments_closed(request: HttpRequest, slug: str, bulletin_id: int) -> HttpResponse:
    _association, bulletin = _officer_post(request, slug, bulletin_id)
    services.set_comments_closed(officer=request.user, bulletin=bulletin, closed=request.POST.get("closed") == "1")
    messages.success(request, _("Comments are closed.") if bulletin.comments_closed else _("Comments are open."))
    return _to_detail(bulletin)


@login_required
@require_GET
def bulletin_queue(request: HttpRequest, slug: str) -> HttpResponse:
    association = selectors.association_for(request.user, slug)
    if not selectors.viewer_of(request.user, association).is_officer:
        raise PermissionDenied
    return render(request, "neighbourhood/posts/queue.html", {
        "association": association, "posts": selectors.pending_posts(association)})


@login_required
@require_POST
def bulletin_approve(request: HttpRequest, slug: str, bulletin_id: int) -> HttpResponse:
    association, bulletin = _officer_post(request, slug, bulletin_id)
    try:
        services.approve_bulletin(officer=request.user, bulletin=bulletin)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(title)s” was published and members are told.") % {"title": bulletin.title})
    return redirect("neighbourhood:bulletin_queue", slug=association.slug)


# --- reading --------------------------------------------------------------------------------

def _detail(request: HttpRequest, association: Association, bulletin: Bulletin, viewer, *,
            comment_form: CommentForm | None = None, status: int = 200) -> HttpResponse:
    return render(request, "neighbourhood/posts/detail.html", {
        "association": association, "bulletin": bulletin, "viewer": viewer,
        "attachments": selectors.attachments_of(bulletin),
        "my_read": selectors.has_read(request.user, bulletin) if viewer.is_member else None,
        "comments": talk.comments_on(bulletin) if viewer.is_member else [],
        "reactions": talk.reactions_on(bulletin, request.user) if viewer.is_member else [],
        "comment_form": comment_form or CommentForm(),
    }, status=status)


@require_GET
def bulletin_detail(request: HttpRequest, slug: str, bulletin_id: int) -> HttpResponse:
    association = selectors.association_for(request.user, slug)
    viewer = selectors.viewer_of(request.user, association)
    bulletin = selectors.bulletin_for(request.user, association, bulletin_id, viewer)
    if viewer.is_member:
        services.opened(user=request.user, bulletin=bulletin)
    return _detail(request, association, bulletin, viewer)


@login_required
@require_POST
def bulletin_read(request: HttpRequest, slug: str, bulletin_id: int) -> HttpResponse:
    association = selectors.association_for(request.user, slug)
    bulletin = selectors.bulletin_for(request.user, association, bulletin_id)
    try:
        services.mark_read(user=request.user, bulletin=bulletin)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you. Your reading is confirmed."))
    return _to_detail(bulletin)


@login_required
@require_GET
def bulletin_reads(request: HttpRequest, slug: str, bulletin_id: int) -> HttpResponse:
    association, bulletin = _officer_post(request, slug, bulletin_id)
    status = selectors.read_status(bulletin, show=request.GET.get("show", "all"), page=request.GET.get("page"))
    return render(request, "neighbourhood/posts/reads.html", {
        **status, "association": association, "bulletin": bulletin,
        "next_reminder_at": services.next_reminder_at(bulletin),
    })


@login_required
@require_POST
def bulletin_remind(request: HttpRequest, slug: str, bulletin_id: int) -> HttpResponse:
    association, bulletin = _officer_post(request, slug, bulletin_id)
    try:
        services.remind_unread(officer=request.user, bulletin=bulletin)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A reminder is on its way to the members who have not read it."))
    return redirect("neighbourhood:bulletin_reads", slug=association.slug, bulletin_id=bulletin.pk)


@require_GET
def attachment_file(request: HttpRequest, slug: str, bulletin_id: int, attachment_id: int) -> FileResponse:
    association = selectors.association_for(request.user, slug)
    attachment = selectors.attachment_for(request.user, association, bulletin_id, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type, filename=attachment.original_name,
                            as_attachment=attachment.content_type == "application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- comments, reactions, reports ---------------------------------------------------------------

@login_required
@require_POST
def comment_add(request: HttpRequest, slug: str, bulletin_id: int) -> HttpResponse:
    association = selectors.association_for(request.user, slug)
    viewer = selectors.viewer_of(request.user, association)
    bulletin = selectors.bulletin_for(request.user, association, bulletin_id, viewer)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            conversation.add_comment(user=request.user, target=bulletin, body=form.cleaned_data["body"])
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Your comment was added."))
            return _to_detail(bulletin)
    return _detail(request, association, bulletin, viewer, comment_form=form, status=400)


@login_required
@require_POST
def bulletin_react(request: HttpRequest, slug: str, bulletin_id: int) -> HttpResponse:
    association = selectors.association_for(request.user, slug)
    bulletin = selectors.bulletin_for(request.user, association, bulletin_id)
    try:
        conversation.react(user=request.user, target=bulletin, kind=request.POST.get("kind", ""),
                           remove=request.POST.get("remove") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _to_detail(bulletin)


def _report_page(request: HttpRequest, association: Association, bulletin: Bulletin, target) -> HttpResponse:
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation.report(user=request.user, target=target, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error.messages)
        else:
            messages.success(request, _("Thank you. The officers will look at your report."))
            return _to_detail(bulletin)
    return render(request, "neighbourhood/posts/reason.html", {
        "association": association, "bulletin": bulletin, "form": form, "field": FIELD,
        "heading": _("Report to the officers"), "button": _("Send the report"),
    }, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_report(request: HttpRequest, slug: str, bulletin_id: int) -> HttpResponse:
    association = selectors.association_for(request.user, slug)
    viewer = selectors.viewer_of(request.user, association)
    bulletin = selectors.bulletin_for(request.user, association, bulletin_id, viewer)
    if not viewer.is_member:
        raise PermissionDenied
    return _report_page(request, association, bulletin, bulletin)


@login_required
@require_http_methods(["GET", "POST"])
def comment_report(request: HttpRequest, slug: str, bulletin_id: int, comment_id: int) -> HttpResponse:
    association = selectors.association_for(request.user, slug)
    viewer = selectors.viewer_of(request.user, association)
    bulletin = selectors.bulletin_for(request.user, association, bulletin_id, viewer)
    if not viewer.is_member:
        raise PermissionDenied
    comment = talk.comments_on(bulletin).filter(pk=comment_id).first()
    if comment is None:
        raise Http404
    return _report_page(request, association, bulletin, comment)


# --- moderation -----------------------------------------------------------------------------

@login_required
@require_GET
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    association = selectors.association_for(request.user, slug)
    if not selectors.viewer_of(request.user, association).is_officer:
        raise PermissionDenied
    return render(request, "neighbourhood/posts/moderation.html", {
        "association": association, "reports": talk.moderation_queue(association),
        "resolved": talk.moderation_queue(association, resolved=True)[:20], "form": ModerationForm(),
        "field": FIELD,
    })


@login_required
@require_POST
def moderation_decide(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    association = selectors.association_for(request.user, slug)
    if not selectors.viewer_of(request.user, association).is_officer:
        raise PermissionDenied
    report = talk.report_for(association, report_id)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give a reason."))
        return redirect("neighbourhood:moderation", slug=association.slug)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    try:
        if action == "dismiss":
            conversation.dismiss(moderator=request.user, report=report, reason=reason)
        elif report.target is not None:
            conversation.hide(moderator=request.user, comment_or_post=report.target, reason=reason,
                              delete=action == "delete")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("neighbourhood:moderation", slug=association.slug)


@login_required
@require_GET
def moderation_overview(request: HttpRequest) -> HttpResponse:
    """City staff see how many reports wait where; the content stays with the officers."""
    if not is_city_staff(request.user):
        raise PermissionDenied
    return render(request, "neighbourhood/posts/overview.html", {"rows": talk.open_report_counts()})


_post = "<slug:slug>/bulletins/<int:bulletin_id>/"
urlpatterns = [
    path("moderation/overview/", moderation_overview, name="moderation_overview"),
    path("<slug:slug>/bulletins/new/", bulletin_new, name="bulletin_new"),
    path("<slug:slug>/bulletins/pending/", bulletin_queue, name="bulletin_queue"),
    path(_post, bulletin_detail, name="bulletin_detail"),
    path(f"{_post}edit/", bulletin_edit, name="bulletin_edit"),
    path(f"{_post}delete/", bulletin_delete, name="bulletin_delete"),
    path(f"{_post}pin/", bulletin_pin, name="bulletin_pin"),
    path(f"{_post}comments-closed/", bulletin_comments_closed, name="bulletin_comments_closed"),
    path(f"{_post}approve/", bulletin_approve, name="bulletin_approve"),
    path(f"{_post}read/", bulletin_read, name="bulletin_read"),
    path(f"{_post}reads/", bulletin_reads, name="bulletin_reads"),
    path(f"{_post}remind/", bulletin_remind, name="bulletin_remind"),
    path(f"{_post}comments/", comment_add, name="comment_add"),
    path(f"{_post}reactions/", bulletin_react, name="bulletin_react"),
    path(f"{_post}report/", bulletin_report, name="bulletin_report"),
    path(f"{_post}comments/<int:comment_id>/report/", comment_report, name="comment_report"),
    path(f"{_post}attachments/<int:attachment_id>/", attachment_file, name="bulletin_attachment"),
    path("<slug:slug>/moderation/", moderation, name="moderation"),
    path("<slug:slug>/moderation/<int:report_id>/", moderation_decide, name="moderation_decide"),
]

# The catch-all `<slug>/` goes last in urls.py, after every topic's own fixed paths.
home_urlpatterns = [
    path("<slug:slug>/", association_home, name="association_home"),
]
