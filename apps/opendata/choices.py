"""The vocabulary of the catalogue: themes, licences, update frequencies, resource kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatasetTheme(models.TextChoices):
    DISASTER = "disaster", _("Disaster prevention")
    COMMUNITY = "community", _("Community")
    ADMINISTRATION = "administration", _("Administration")
    HEALTH = "health", _("Health and welfare")
    ENVIRONMENT = "environment", _("Environment")
    TRANSPORT = "transport", _("Transport")
    EDUCATION = "education", _("Education")
    ECONOMY = "economy", _("Economy")
    OTHER = "other", _("Other")


class DatasetLicence(models.TextChoices):
    CC_BY_4 = "CC-BY-4.0", "CC BY 4.0"
    CC0 = "CC0-1.0", "CC0 1.0"
    PDL_1 = "PDL-1.0", _("Public Data License 1.0 (Japan)")


LICENCE_URLS = {
    DatasetLicence.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/",
    DatasetLicence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    DatasetLicence.PDL_1: "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
}


class UpdateFrequency(models.TextChoices):
    CONTINUOUS = "continuous", _("Continuously")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    ANNUAL = "annual", _("Yearly")
    IRREGULAR = "irregular", _("Irregularly")


# DCAT frequency terms (EU publications office vocabulary, what harvesters expect).
FREQUENCY_URIS = {
    UpdateFrequency.CONTINUOUS: "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT",
    UpdateFrequency.DAILY: "http://publications.europa.eu/resource/authority/frequency/DAILY",
    UpdateFrequency.WEEKLY: "http://publications.europa.eu/resource/authority/frequency/WEEKLY",
    UpdateFrequency.MONTHLY: "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
    UpdateFrequency.ANNUAL: "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
    UpdateFrequency.IRREGULAR: "http://publications.europa.eu/resource/authority/frequency/IRREG",
}


class ResourceKind(models.TextChoices):
    UPLOAD = "upload", _("Uploaded file")
    LINK = "link", _("External link")
    LIVE = "live", _("Live from the portal")


class LiveFormat(models.TextChoices):
    CSV = "csv", "CSV"
    CSV_BOM = "csv-bom", _("CSV for Excel (UTF-8 with BOM)")
    JSON = "json", "JSON"
    GEOJSON = "geojson", "GeoJSON"


# format label (as CKAN shows it), file extension and media type of each live format
LIVE_FORMAT_INFO: dict[str, tuple[str, str, str]] = {
    LiveFormat.CSV: ("CSV", "csv", "text/csv"),
    LiveFormat.CSV_BOM: ("CSV", "csv", "text/csv"),
    LiveFormat.JSON: ("JSON", "json", "application/json"),
    LiveFormat.GEOJSON: ("GeoJSON", "geojson", "application/geo+json"),
}
