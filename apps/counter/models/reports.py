"""Resident reports (道路の損傷, 公園, 河川, 街灯, 不法投棄 …) and their Open311 GeoReport v2 side.

`ReportService` is an Open311 service (service_code); `ReportServiceAttribute` its service
definition; `ResidentReport` a service request. The reporter's identity lives only in
`reporter*` fields, which no public page, dataset or Open311 answer reads.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department
from civicportal.uploads import private_storage

__all__ = [
    "AttributeType",
    "Open311ApiKey",
    "ReportService",
    "ReportServiceAttribute",
    "ReportSource",
    "ReportStatus",
    "ReportUpdate",
    "ResidentReport",
]


class ReportService(models.Model):
    code = models.SlugField(_("service code"), max_length=40, unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    group = models.CharField(_("group"), max_length=60, blank=True, help_text=_("E.g. 道路, 公園, 環境"))
    keywords = models.CharField(_("keywords"), max_length=200, blank=True, help_text=_("Comma separated."))
    department = models.ForeignKey(Department, verbose_name=_("department in charge"), on_delete=models.PROTECT,
                                   related_name="report_services")
    service_notice = models.CharField(_("what happens next"), max_length=300, blank=True)
    is_active = models.BooleanField(_("accepting reports"), default=True)

    class Meta:
        verbose_name = _("report service")
        verbose_name_plural = _("report services")
        ordering = ["group", "code"]

    def __str__(self) -> str:
        return self.name


class AttributeType(models.TextChoices):
    STRING = "string", _("Text (one line)")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Text (several lines)")
    SINGLE = "singlevaluelist", _("One of a list")
    MULTI = "multivaluelist", _("Several of a list")


class ReportServiceAttribute(models.Model):
    service = models.ForeignKey(ReportService, verbose_name=_("service"), on_delete=models.CASCADE,
                                related_name="attributes")
    code = models.SlugField(_("code"), max_length=40)
    datatype = models.CharField(_("type"), max_length=20, choices=AttributeType.choices, default=AttributeType.STRING)
    variable = models.BooleanField(_("asks for input"), default=True)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=300)
    datatype_description = models.CharField(_("hint"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    # [{"key": "...", "name": "..."}] for the two list types.
    values = models.JSONField(_("values"), default=list, blank=True)

    class Meta:
        verbose_name = _("report service attribute")
        verbose_name_plural = _("report service attributes")
        ordering = ["service", "order"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="counter_attribute_unique_code"),
            models.UniqueConstraint(fields=["service", "order"], name="counter_attribute_unique_order"),
        ]

    def __str__(self) -> str:
        return self.code


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class ReportSource(models.TextChoices):
    WEB = "web", _("Web form")
    OPEN311 = "open311", _("Open311")
    STAFF = "staff", _("Entered by staff")


class ResidentReport(models.Model):
    service = models.ForeignKey(ReportService, verbose_name=_("service"), on_delete=models.PROTECT,
                                related_name="reports")
    department = models.ForeignKey(Department, verbose_name=_("assigned to"), on_delete=models.PROTECT,
                                   related_name="resident_reports")
    status = models.CharField(_("status"), max_length=15, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    description = models.TextField(_("description"), blank=True)
    # What the public sees instead of the description, when staff had to edit it.
    public_description = models.TextField(_("public description"), blank=True)
    status_notes = models.CharField(_("latest public note"), max_length=500, blank=True)
    location = models.PointField(_("place"), srid=4326, null=True, blank=True)
    address_string = models.CharField(_("address or place"), max_length=300, blank=True)
    attributes = models.JSONField(_("answers"), default=dict, blank=True)
    photo = models.ImageField(_("photo"), upload_to="counter/reports/%Y/%m/", storage=private_storage, blank=True)
    photo_public = models.BooleanField(_("photo may be shown publicly"), default=False)
    media_url = models.URLField(_("media URL sent by the client"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=ReportSource.choices, default=ReportSource.WEB)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reporter"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="counter_reports")
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    reporter_name = models.CharField(_("reporter's name"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=40, blank=True)
    api_key = models.ForeignKey("counter.Open311ApiKey", verbose_name=_("sent through API key"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("reported"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    expected_at = models.DateTimeField(_("expected to be done"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident report")
        verbose_name_plural = _("resident reports")
        ordering = ["-requested_at"]
        indexes = [
            # Lists run newest first with the id as tie-break: one index scan, no sort.
            models.Index(fields=["requested_at", "id"], name="counter_report_requested"),
            models.Index(fields=["status", "requested_at", "id"], name="counter_report_status"),
            models.Index(fields=["service", "requested_at", "id"], name="counter_report_service"),
            models.Index(fields=["department", "status"], name="counter_report_department"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.service}"

    @property
    def open311_status(self) -> str:
        return "closed" if self.status == ReportStatus.CLOSED else "open"


class ReportUpdate(models.Model):
    """A public step in a report's life: a new status and a note the reporter and the public read."""

    report = models.ForeignKey(ResidentReport, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=15, choices=ReportStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    department = models.ForeignKey(Department, verbose_name=_("assigned to"), on_delete=models.PROTECT,
                                   related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("report update")
        verbose_name_plural = _("report updates")
        ordering = ["created_at", "id"]


class Open311ApiKey(models.Model):
    """A key an Open311 client sends with POST requests. Only its SHA-256 digest is stored."""

    name = models.CharField(_("client"), max_length=100, help_text=_("Who uses the key, e.g. a reporting app."))
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
