"""Staff publishing pages: datasets, uploads, links, new versions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.opendata.forms import DatasetForm, LinkForm, UploadForm, VersionForm
from apps.opendata.models import Dataset, Resource
from apps.opendata.permissions import may_publish
from apps.opendata.selectors.catalogue import as_uuid
from apps.opendata.services import catalogue as services


def _staff(request: HttpRequest) -> None:
    if not may_publish(request.user):
        raise PermissionDenied(_("Only city staff may publish open data."))


def _apply_errors(form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    _staff(request)
    datasets = (Dataset.objects.select_related("organisation").annotate(n=Count("resources"))
                .order_by("-metadata_modified"))
    return render(request, "opendata/manage.html", {"datasets": datasets})


@login_required
def dataset_create(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = DatasetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.create_dataset(user=request.user, slug=form.cleaned_data["slug"],
                                              organisation=form.cleaned_data["organisation"],
                                              tags=form.tag_list(), **form.values())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Dataset created. Now add its files or links."))
            return redirect("opendata:dataset", dataset.slug)
    return render(request, "opendata/dataset_form.html", {"form": form, "dataset": None})


@login_required
def dataset_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _staff(request)
    dataset = get_object_or_404(Dataset, slug=slug)
    initial = {name: getattr(dataset, name) for name in services.DATASET_FIELDS}
    initial |= {"organisation": dataset.organisation, "tags": ", ".join(dataset.tags.values_list("name", flat=True))}
    form = DatasetForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_dataset(user=request.user, dataset=dataset, organisation=form.cleaned_data["organisation"],
                                    tags=form.tag_list(), **form.values())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Dataset saved."))
            return redirect("opendata:dataset", dataset.slug)
    return render(request, "opendata/dataset_form.html", {"form": form, "dataset": dataset})


@login_required
def resource_add(request: HttpRequest, slug: str) -> HttpResponse:
    _staff(request)
    dataset = get_object_or_404(Dataset, slug=slug)
    kind = request.POST.get("kind") or request.GET.get("kind") or "upload"
    upload_form = UploadForm(request.POST or None, request.FILES or None) if kind == "upload" else UploadForm()
    link_form = LinkForm(request.POST or None) if kind == "link" else LinkForm()
    if request.method == "POST":
        form = upload_form if kind == "upload" else link_form
        if form.is_valid():
            try:
                if kind == "upload":
                    services.add_upload(user=request.user, dataset=dataset, upload=form.cleaned_data["file"],
                                        name=form.cleaned_data["name"], name_en=form.cleaned_data["name_en"],
                                        description=form.cleaned_data["description"])
                else:
                    services.add_link(user=request.user, dataset=dataset, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Resource added."))
                return redirect("opendata:dataset", dataset.slug)
    return render(request, "opendata/resource_form.html", {
        "dataset": dataset, "upload_form": upload_form, "link_form": link_form, "kind": kind})


@login_required
def version_add(request: HttpRequest, slug: str, resource_id: str) -> HttpResponse:
    _staff(request)
    if not as_uuid(resource_id):
        raise PermissionDenied
    resource = get_object_or_404(Resource, pk=resource_id, dataset__slug=slug)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.upload_version(user=request.user, resource=resource, upload=form.cleaned_data["file"],
                                              note=form.cleaned_data["note"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Version %(number)d published.") % {"number": version.number})
            return redirect("opendata:dataset", slug)
    return render(request, "opendata/version_form.html", {"resource": resource, "form": form,
                                                          "versions": resource.versions.all()})
