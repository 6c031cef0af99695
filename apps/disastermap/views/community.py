"""Community disaster map pages: list, one map with its features and proposals, print view.

Every page is complete without JavaScript: the features are listed in full, and shapes are
entered as coordinates. A map that someone may not view answers 404, so its existence
does not leak.
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.disastermap.choices import CommunityFeatureCategory, FeatureStatus
from apps.disastermap.forms_community import CommunityMapForm, DeclineForm, EditFeatureForm, FeatureForm
from apps.disastermap.models import CommunityFeature, CommunityMap
from apps.disastermap.permissions import is_map_member, may_create_map, may_edit_map, may_propose
from apps.disastermap.selectors import community as selectors
from apps.disastermap.services import community as services
from apps.disastermap.services.community_input import measure
from apps.disastermap.svgmap import PAPERS, legend_symbol
from apps.disastermap.svgmap import render as render_svg


@dataclass
class Entry:
    """A feature as the page lists it: its legend number and a summary of its shape."""

    number: int
    feature: CommunityFeature
    summary: str

    @property
    def symbol(self) -> str:
        return legend_symbol(self.feature.category)


def shape_summary(community_map: CommunityMap, feature: CommunityFeature) -> str:
    geometry = feature.geometry
    if geometry.geom_type == "Point":
        return _("Point at %(lat).5f, %(lon).5f") % {"lat": geometry.y, "lon": geometry.x}
    length, area = measure(community_map, geometry)
    centre = geometry.point_on_surface
    if geometry.geom_type == "LineString":
        return _("Line of %(n)d points, %(length)d m long, around %(lat).5f, %(lon).5f") % {
            "n": geometry.num_points, "length": round(length), "lat": centre.y, "lon": centre.x}
    return _("Area with %(n)d corners, about %(area)s m², around %(lat).5f, %(lon).5f") % {
        "n": geometry.num_points - 1, "area": f"{round(area):,}", "lat": centre.y, "lon": centre.x}


def _entries(community_map: CommunityMap, features) -> list[Entry]:
    return [Entry(n, f, shape_summary(community_map, f)) for n, f in enumerate(features, start=1)]


def _groups(entries: list[Entry]) -> list[dict]:
    labels = dict(CommunityFeatureCategory.choices)
    groups: dict[str, dict] = {}
    for entry in entries:
        code = entry.feature.category
        groups.setdefault(code, {"code": code, "label": labels.get(code, code), "symbol": legend_symbol(code),
                                 "entries": []})["entries"].append(entry)
    return list(groups.values())


def _map_data(community_map: CommunityMap, entries: list[Entry]) -> dict:
    """What community-map.js draws; it goes into the page as JSON data, not as a script."""
    return {
        "district": json.loads(community_map.district.area.geojson),
        "features": [{"type": "Feature", "geometry": json.loads(e.feature.geometry.geojson),
                      "properties": {"number": e.number, "title": e.feature.title,
                                     "category": e.feature.category}} for e in entries],
    }


# --- list and set-up ------------------------------------------------------------------------

@require_GET
def community_list(request: HttpRequest) -> HttpResponse:
    return render(request, "disastermap/community/list.html", {
        "maps": selectors.visible_maps(request.user), "may_create": may_create_map(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def community_create(request: HttpRequest) -> HttpResponse:
    if not may_create_map(request.user):
        raise PermissionDenied
    form = CommunityMapForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            community_map = services.create_map(
                by=request.user, name=data["name"], association_name=data["association_name"],
                district=data["district"], description=data["description"], is_public=data["is_public"],
                editors=data["editor_emails"])
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The community map was created."))
            return redirect("disastermap:community_detail", map_id=community_map.pk)
    return render(request, "disastermap/community/map_form.html", {"form": form})


# --- one map ------------------------------------------------------------------------------

def _detail(request: HttpRequest, community_map: CommunityMap, *, form: FeatureForm | None = None,
            status: int = 200) -> HttpResponse:
    user = request.user
    entries = _entries(community_map, selectors.accepted_features(community_map))
    editor = may_edit_map(user, community_map)
    proposer = may_propose(user, community_map)
    pending = list(selectors.pending_proposals(user, community_map))
    return render(request, "disastermap/community/detail.html", {
        "map": community_map,
        "groups": _groups(entries),
        "entry_count": len(entries),
        "map_data": _map_data(community_map, entries),
        "may_edit": editor,
        "may_propose": proposer,
        "is_member": is_map_member(user, community_map),
        "pending": [{"entry": Entry(0, f, shape_summary(community_map, f)),
                     "decline_form": DeclineForm(prefix=f"decline-{f.pk}")} for f in pending],
        "own_proposals": [] if editor else list(selectors.own_proposals(user, community_map)),
        "form": form or (FeatureForm() if proposer else None),
        "papers": PAPERS,
    }, status=status)


@require_GET
def community_detail(request: HttpRequest, map_id: int) -> HttpResponse:
    return _detail(request, selectors.map_for(request.user, map_id))


@require_POST
def community_feature_add(request: HttpRequest, map_id: int) -> HttpResponse:
    """Editors add straight onto the map; members propose (the service decides which)."""
    community_map = selectors.map_for(request.user, map_id)
    if not may_propose(request.user, community_map):
        raise PermissionDenied
    form = FeatureForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            feature = services.add_feature(
                user=request.user, community_map=community_map, category=data["category"], title=data["title"],
                note=data["note"], geometry=data.get("geometry"), photo=data.get("photo"))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if feature.status == FeatureStatus.ACCEPTED:
                messages.success(request, _("“%(title)s” was added to the map.") % {"title": feature.title})
            else:
                messages.success(request, _("Thank you. “%(title)s” was sent to the map's editors, "
                                            "who will accept or decline it.") % {"title": feature.title})
            return redirect("disastermap:community_detail", map_id=community_map.pk)
    return _detail(request, community_map, form=form, status=400)


def _editable(request: HttpRequest, map_id: int, feature_id: int) -> tuple[CommunityMap, CommunityFeature]:
    community_map = selectors.map_for(request.user, map_id)
    if not may_edit_map(request.user, community_map):
        raise PermissionDenied
    return community_map, selectors.feature_for(request.user, community_map, feature_id)


@login_required
@require_http_methods(["GET", "POST"])
def community_feature_edit(request: HttpRequest, map_id: int, feature_id: int) -> HttpResponse:
    community_map, feature = _editable(request, map_id, feature_id)
    if request.method == "POST":
        form = EditFeatureForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_feature(
                    user=request.user, feature=feature, category=data["category"], title=data["title"],
                    note=data["note"], geometry=data.get("geometry"), photo=data.get("photo"),
                    remove_photo=data["remove_photo"])
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The feature was saved."))
                return redirect("disastermap:community_detail", map_id=community_map.pk)
    else:
        form = EditFeatureForm(initial=EditFeatureForm.initial_for(feature))
    entries = _entries(community_map, selectors.accepted_features(community_map))
    return render(request, "disastermap/community/feature_edit.html", {
        "map": community_map, "feature": feature, "form": form, "map_data": _map_data(community_map, entries),
    }, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def community_feature_delete(request: HttpRequest, map_id: int, feature_id: int) -> HttpResponse:
    community_map, feature = _editable(request, map_id, feature_id)
    if request.method == "POST":
        title = feature.title
        services.delete_feature(user=request.user, feature=feature)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": title})
        return redirect("disastermap:community_detail", map_id=community_map.pk)
    return render(request, "disastermap/community/feature_delete.html", {"map": community_map, "feature": feature})


@login_required
@require_POST
def community_feature_accept(request: HttpRequest, map_id: int, feature_id: int) -> HttpResponse:
    community_map, feature = _editable(request, map_id, feature_id)
    try:
        services.accept_feature(user=request.user, feature=feature)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(title)s” was accepted and is now on the map.") % {"title": feature.title})
    return redirect(reverse("disastermap:community_detail", args=[community_map.pk]) + "#proposals")


@login_required
@require_http_methods(["GET", "POST"])
def community_feature_decline(request: HttpRequest, map_id: int, feature_id: int) -> HttpResponse:
    community_map, feature = _editable(request, map_id, feature_id)
    form = DeclineForm(request.POST or None, prefix=f"decline-{feature.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_feature(user=request.user, feature=feature, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("“%(title)s” was declined; the member is told why.") % {
                "title": feature.title})
            return redirect(reverse("disastermap:community_detail", args=[community_map.pk]) + "#proposals")
    return render(request, "disastermap/community/feature_decline.html", {
        "map": community_map, "feature": feature, "form": form,
        "summary": shape_summary(community_map, feature),
    }, status=400 if form.is_bound else 200)


@require_GET
def community_feature_photo(request: HttpRequest, map_id: int, feature_id: int) -> FileResponse:
    """Photos are served through the map's rules: a proposal's photo only to those who see it."""
    community_map = selectors.map_for(request.user, map_id)
    feature = selectors.feature_for(request.user, community_map, feature_id)
    if not feature.photo:
        raise Http404("No photo.")
    content_type = mimetypes.guess_type(feature.photo.name)[0] or "application/octet-stream"
    response = FileResponse(feature.photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600" if feature.status == FeatureStatus.ACCEPTED \
        and community_map.is_public else "private, no-store"
    return response


@require_GET
def community_print(request: HttpRequest, map_id: int) -> HttpResponse:
    """A4 portrait or A3 landscape for the notice board and for residents without smartphones."""
    community_map = selectors.map_for(request.user, map_id)
    paper = request.GET.get("paper", "a4")
    if paper not in PAPERS:
        return HttpResponseBadRequest(_("Choose the paper size a4 or a3."))
    features = list(selectors.accepted_features(community_map))
    entries = _entries(community_map, features)
    return render(request, "disastermap/community/print.html", {
        "map": community_map, "paper": paper, "entries": entries,
        "svg": render_svg(community_map, features, paper=paper),
        "categories": [(code, label, legend_symbol(code)) for code, label in CommunityFeatureCategory.choices],
    })


urlpatterns = [
    path("community/", community_list, name="community_list"),
    path("community/new/", community_create, name="community_create"),
    path("community/<int:map_id>/", community_detail, name="community_detail"),
    path("community/<int:map_id>/print/", community_print, name="community_print"),
    path("community/<int:map_id>/features/new/", community_feature_add, name="community_feature_add"),
    path("community/<int:map_id>/features/<int:feature_id>/edit/", community_feature_edit,
         name="community_feature_edit"),
    path("community/<int:map_id>/features/<int:feature_id>/delete/", community_feature_delete,
         name="community_feature_delete"),
    path("community/<int:map_id>/features/<int:feature_id>/accept/", community_feature_accept,
         name="community_feature_accept"),
    path("community/<int:map_id>/features/<int:feature_id>/decline/", community_feature_decline,
         name="community_feature_decline"),
    path("community/<int:map_id>/features/<int:feature_id>/photo/", community_feature_photo,
         name="community_feature_photo"),
]
