"""Network pages: my networks, one network with its information and discussion channels.

Everything about a network answers 404 to someone who is not a member of it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.neighbourhood.choices import NetworkChannel, PostStatus, ReactionKind
from apps.neighbourhood.forms_associations import NetworkPostForm, ReactionForm, ReasonForm, ReportForm
from apps.neighbourhood.models import Network
from apps.neighbourhood.permissions import is_network_owner
from apps.neighbourhood.selectors import networks as selectors
from apps.neighbourhood.services import networks as services


@login_required
@require_GET
def network_list(request: HttpRequest) -> HttpResponse:
    return render(request, "neighbourhood/networks/list.html", {"networks": selectors.networks_for(request.user)})


def _detail(request: HttpRequest, network: Network, *, forms: dict | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    owner = is_network_owner(user, network)
    found = list(selectors.posts(user, network)[: selectors.POSTS_PER_CHANNEL * 2])
    reactions = selectors.reaction_summary(user, [post.pk for post in found])
    kinds = ReactionKind.choices

    def entry(post) -> dict:
        summary = reactions.get(post.pk, {"counts": {}, "mine": set()})
        return {"post": post, "reactions": [(code, label, summary["counts"].get(code, 0), code in summary["mine"])
                                            for code, label in kinds]}

    forms = forms or {}
    channels = []
    for code, label in NetworkChannel.choices:
        may_post = owner or code == NetworkChannel.DISCUSSION
        channels.append({
            "code": code, "label": label, "entries": [entry(p) for p in found if p.channel == code],
            "form": (forms.get(code) or NetworkPostForm(prefix=code)) if may_post else None,
        })
    return render(request, "neighbourhood/networks/detail.html", {
        "network": network, "is_owner": owner, "channels": channels,
        "members": selectors.members_of(user, network), "reports": selectors.open_reports(user, network),
        "associations": network.associations.all(), "hide_form": ReasonForm(), "report_form": ReportForm(),
        "pending_status": PostStatus.PENDING_APPROVAL, "hidden_status": PostStatus.HIDDEN,
    }, status=status)


@login_required
@require_GET
def network_detail(request: HttpRequest, network_id: int) -> HttpResponse:
    return _detail(request, selectors.network_for(request.user, network_id))


@login_required
@require_POST
def network_post(request: HttpRequest, network_id: int, channel: str) -> HttpResponse:
    network = selectors.network_for(request.user, network_id)
    form = NetworkPostForm(request.POST, prefix=channel)
    if form.is_valid():
        try:
            post = services.post_to_network(user=request.user, network=network, channel=channel,
                                            title=form.cleaned_data["title"], body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if post.status == PostStatus.PENDING_APPROVAL:
                messages.success(request, _("Your post waits for an owner's approval."))
            else:
                messages.success(request, _("Your post was published."))
            return redirect(reverse("neighbourhood:network_detail", args=[network.pk]) + f"#{channel}")
    return _detail(request, network, forms={channel: form}, status=400)


@login_required
@require_POST
def network_react(request: HttpRequest, network_id: int, post_id: int) -> HttpResponse:
    network = selectors.network_for(request.user, network_id)
    post = selectors.post_for(request.user, network, post_id)
    form = ReactionForm(request.POST)
    if form.is_valid():
        try:
            services.react(user=request.user, post=post, kind=form.cleaned_data["kind"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(reverse("neighbourhood:network_detail", args=[network.pk]) + f"#post-{post.pk}")


@login_required
@require_POST
def network_report(request: HttpRequest, network_id: int, post_id: int) -> HttpResponse:
    network = selectors.network_for(request.user, network_id)
    post = selectors.post_for(request.user, network, post_id)
    form = ReportForm(request.POST)
    if form.is_valid():
        services.report_post(user=request.user, post=post, reason=form.cleaned_data["reason"])
        messages.success(request, _("Thank you. The network's owners will look at the post."))
    else:
        messages.error(request, _("Say what is wrong with the post."))
    return redirect(reverse("neighbourhood:network_detail", args=[network.pk]) + f"#post-{post.pk}")


@login_required
@require_POST
def network_hide(request: HttpRequest, network_id: int, post_id: int) -> HttpResponse:
    network = selectors.network_for(request.user, network_id)
    post = selectors.post_for(request.user, network, post_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.hide_post(by=request.user, post=post, reason=form.cleaned_data["reason"])
        messages.success(request, _("The post was hidden."))
    else:
        messages.error(request, _("Give a reason for hiding the post."))
    return redirect(reverse("neighbourhood:network_detail", args=[network.pk]) + f"#post-{post.pk}")


@login_required
@require_POST
def network_approve(request: HttpRequest, network_id: int, post_id: int) -> HttpResponse:
    network = selectors.network_for(request.user, network_id)
    post = selectors.post_for(request.user, network, post_id)
    try:
        services.approve_post(by=request.user, post=post)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The post was published."))
    return redirect(reverse("neighbourhood:network_detail", args=[network.pk]) + f"#post-{post.pk}")


# These must come before the association routes "<slug>/…" (see views/associations.py), which
# would otherwise take "networks/" for an association's address.
routes = [
    path("networks/", network_list, name="network_list"),
    path("networks/<int:network_id>/", network_detail, name="network_detail"),
    path("networks/<int:network_id>/post/<str:channel>/", network_post, name="network_post"),
    path("networks/<int:network_id>/posts/<int:post_id>/react/", network_react, name="network_react"),
    path("networks/<int:network_id>/posts/<int:post_id>/report/", network_report, name="network_report"),
    path("networks/<int:network_id>/posts/<int:post_id>/hide/", network_hide, name="network_hide"),
    path("networks/<int:network_id>/posts/<int:post_id>/approve/", network_approve, name="network_approve"),
]
urlpatterns: list = []  # mounted first through views/associations.py
