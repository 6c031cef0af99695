"""Staff publishing: datasets, uploaded and linked resources, and new versions of a file."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.opendata.choices import DatasetLicence, DatasetTheme, ResourceKind, UpdateFrequency
from apps.opendata.models import Dataset, Organisation, Resource, ResourceVersion, Tag
from apps.opendata.permissions import may_publish
from apps.opendata.services.uploads import check_upload
from civicportal.datasets import live_datasets

MAX_TAGS = 20
RESERVED_SLUGS = frozenset({"manage", "new", "catalog", "api"})
DATASET_FIELDS = ("title", "title_en", "description", "description_en", "theme", "licence", "update_frequency",
                  "temporal_start", "temporal_end", "spatial", "contact_name", "contact_email", "published")


def _require_publisher(user: User) -> None:
    if not may_publish(user):
        raise PermissionDenied(_("Only city staff may publish open data."))


def _clean_tags(tags: list[str]) -> list[str]:
    cleaned = []
    for tag in tags:
        tag = tag.strip()
        if not tag:
            continue
        if len(tag) > 60:
            raise ValidationError({"tags": _("A tag may be at most 60 characters: “%(tag)s”.") % {"tag": tag[:60]}})
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(max)d tags.") % {"max": MAX_TAGS}})
    return cleaned


def _validate(values: dict) -> None:
    errors = {}
    if not (values.get("title") or "").strip():
        errors["title"] = _("Give the dataset a title.")
    if values.get("theme") not in DatasetTheme.values:
        errors["theme"] = _("Choose a theme from the list.")
    if values.get("licence") not in DatasetLicence.values:
        errors["licence"] = _("Choose a licence from the list.")
    if values.get("update_frequency") not in UpdateFrequency.values:
        errors["update_frequency"] = _("Choose an update frequency from the list.")
    start, end = values.get("temporal_start"), values.get("temporal_end")
    if start and end and end < start:
        errors["temporal_end"] = _("The end of the period covered is before its start.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_dataset(*, user: User, slug: str, organisation: Organisation, tags: list[str], **values) -> Dataset:
    _require_publisher(user)
    values.setdefault("theme", DatasetTheme.OTHER)
    values.setdefault("licence", DatasetLicence.CC_BY_4)
    values.setdefault("update_frequency", UpdateFrequency.IRREGULAR)
    _validate(values)
    if slug in RESERVED_SLUGS or slug in live_datasets() or Dataset.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("The name “%(slug)s” is taken; choose another.") % {"slug": slug}})
    unknown = set(values) - set(DATASET_FIELDS)
    if unknown:
        raise TypeError(f"unknown dataset fields: {sorted(unknown)}")
    dataset = Dataset.objects.create(slug=slug, organisation=organisation, **values)
    dataset.tags.set([Tag.objects.get_or_create(name=name)[0] for name in _clean_tags(tags)])
    return dataset


@transaction.atomic
def update_dataset(*, user: User, dataset: Dataset, organisation: Organisation, tags: list[str],
                   **values) -> Dataset:
    _require_publisher(user)
    merged = {name: getattr(dataset, name) for name in DATASET_FIELDS} | values
    _validate(merged)
    if dataset.is_live:
        # The declaring app owns a live dataset's titles and descriptions; the rest is the catalogue's.
        for owned in ("title", "title_en", "description", "description_en", "theme", "update_frequency"):
            merged[owned] = getattr(dataset, owned)
        organisation = dataset.organisation
    for name, value in merged.items():
        setattr(dataset, name, value)
    dataset.organisation = organisation
    dataset.metadata_modified = timezone.now()
    dataset.save()
    if not dataset.is_live:
        dataset.tags.set([Tag.objects.get_or_create(name=name)[0] for name in _clean_tags(tags)])
    return dataset


def _resource_names(name: str, name_en: str) -> None:
    if not name.strip():
        raise ValidationError({"name": _("Give the resource a name.")})
    if len(name) > 200 or len(name_en) > 200:
        raise ValidationError({"name": _("Keep the name to 200 characters.")})


def _store_version(*, resource: Resource, upload: UploadedFile, user: User, note: str) -> ResourceVersion:
    checked = check_upload(upload)
    number = (resource.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    now = timezone.now()
    version = ResourceVersion(
        resource=resource, number=number, filename=upload.name.rsplit("/", 1)[-1][:200], format=checked.format,
        media_type=checked.media_type, size=checked.size, checksum=checked.checksum, encoding=checked.encoding,
        rows=checked.rows, note=note[:300], uploaded_by=user, uploaded_at=now,
    )
    version.file.save(version.filename, upload, save=False)
    version.save()
    for name in ("format", "media_type", "size", "checksum", "encoding"):
        setattr(resource, name, getattr(checked, name))
    resource.last_modified = now
    resource.save()
    Dataset.objects.filter(pk=resource.dataset_id).update(metadata_modified=now, data_modified=now)
    return version


@transaction.atomic
def add_upload(*, user: User, dataset: Dataset, upload: UploadedFile, name: str, name_en: str = "",
               description: str = "") -> Resource:
    _require_publisher(user)
    _resource_names(name, name_en)
    position = dataset.resources.count()
    resource = Resource.objects.create(dataset=dataset, kind=ResourceKind.UPLOAD, name=name.strip(),
                                       name_en=name_en.strip(), description=description, position=position)
    _store_version(resource=resource, upload=upload, user=user, note="")
    return resource


@transaction.atomic
def upload_version(*, user: User, resource: Resource, upload: UploadedFile, note: str = "") -> ResourceVersion:
    _require_publisher(user)
    if resource.kind != ResourceKind.UPLOAD:
        raise ValidationError({"file": _("Only uploaded resources take new files.")})
    return _store_version(resource=resource, upload=upload, user=user, note=note)


@transaction.atomic
def add_link(*, user: User, dataset: Dataset, url: str, name: str, format: str, name_en: str = "",
             description: str = "") -> Resource:
    _require_publisher(user)
    _resource_names(name, name_en)
    if not url.startswith(("https://", "http://")):
        raise ValidationError({"url": _("Give the full address, starting with https://.")})
    format = format.strip().upper()
    if not format or len(format) > 20:
        raise ValidationError({"format": _("Give the format, e.g. CSV, API or HTML (at most 20 characters).")})
    now = timezone.now()
    resource = Resource.objects.create(dataset=dataset, kind=ResourceKind.LINK, name=name.strip(),
                                       name_en=name_en.strip(), description=description, url=url, format=format,
                                       position=dataset.resources.count(), last_modified=now)
    Dataset.objects.filter(pk=dataset.pk).update(metadata_modified=now)
    return resource
