"""The open-data catalogue: publishers, datasets, their resources and every uploaded version."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.opendata.choices import DatasetLicence, DatasetTheme, LiveFormat, ResourceKind, UpdateFrequency


def _english() -> bool:
    return (get_language() or "ja").startswith("en")


class Organisation(models.Model):
    """A publisher: usually a city department (same code), or an outside body the city hosts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    department = models.OneToOneField(
        "accounts.Department", verbose_name=_("city department"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="opendata_organisation",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("publishing organisation")
        verbose_name_plural = _("publishing organisations")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if _english() and self.name_en else self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Dataset(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("name in addresses"), max_length=100, unique=True)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="datasets")
    title = models.CharField(_("title (Japanese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="datasets")
    theme = models.CharField(_("theme"), max_length=20, choices=DatasetTheme.choices, default=DatasetTheme.OTHER)
    licence = models.CharField(_("licence"), max_length=20, choices=DatasetLicence.choices,
                               default=DatasetLicence.CC_BY_4)
    update_frequency = models.CharField(_("update frequency"), max_length=20, choices=UpdateFrequency.choices,
                                        default=UpdateFrequency.IRREGULAR)
    temporal_start = models.DateField(_("covers from"), null=True, blank=True)
    temporal_end = models.DateField(_("covers until"), null=True, blank=True)
    spatial = models.CharField(_("area covered"), max_length=200, blank=True,
                               help_text=_("A place name, e.g. the city's name."))
    # The publishing office's contact point (a department, never a person).
    contact_name = models.CharField(_("contact point"), max_length=120, blank=True,
                                    help_text=_("The office that answers questions, e.g. “危機管理課”."))
    contact_email = models.EmailField(_("contact point email"), blank=True,
                                      help_text=_("The office's shared mailbox, not a person's address."))
    # A live dataset mirrors one entry of civicportal.datasets; its rows come from the portal.
    live_slug = models.SlugField(_("live dataset"), max_length=100, blank=True, db_index=True)
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    metadata_modified = models.DateTimeField(_("metadata modified"), default=timezone.now)
    # Bumped by signals when a watched model changes (deletes leave no row to ask).
    data_modified = models.DateTimeField(_("data modified"), default=timezone.now)

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["title"]
        indexes = [models.Index(fields=["published", "theme"], name="opendata_dataset_theme")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return bool(self.live_slug)

    @property
    def display_title(self) -> str:
        return self.title_en if _english() and self.title_en else self.title

    @property
    def display_description(self) -> str:
        return self.description_en if _english() and self.description_en else self.description


class Resource(models.Model):
    """One distribution of a dataset: an uploaded file, a link elsewhere, or a live export."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, verbose_name=_("dataset"), on_delete=models.CASCADE,
                                related_name="resources")
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=20, blank=True)
    media_type = models.CharField(_("media type"), max_length=100, blank=True)
    url = models.URLField(_("external address"), max_length=500, blank=True)
    live_format = models.CharField(_("live format"), max_length=10, choices=LiveFormat.choices, blank=True)
    # Of the current version (uploads) or as last told (links); live ones are computed.
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    encoding = models.CharField(_("text encoding"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_modified = models.DateTimeField(_("last modified"), default=timezone.now)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["dataset", "position", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "live_format"], condition=~models.Q(live_format=""),
                                    name="opendata_one_live_resource_per_format"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.name_en if _english() and self.name_en else self.name

    def current_version(self) -> ResourceVersion | None:
        return self.versions.order_by("-number").first()


def version_path(instance: ResourceVersion, filename: str) -> str:
    return f"opendata/{instance.resource.dataset_id}/{instance.resource_id}/v{instance.number}/{filename}"


class ResourceVersion(models.Model):
    """Every upload of a resource is kept; the newest is what the resource serves."""

    resource = models.ForeignKey(Resource, verbose_name=_("resource"), on_delete=models.CASCADE,
                                 related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    format = models.CharField(_("format"), max_length=20)
    media_type = models.CharField(_("media type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    checksum = models.CharField(_("SHA-256"), max_length=64)
    encoding = models.CharField(_("text encoding"), max_length=20, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("resource version")
        verbose_name_plural = _("resource versions")
        ordering = ["resource", "-number"]
        constraints = [models.UniqueConstraint(fields=["resource", "number"], name="opendata_unique_version")]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"
