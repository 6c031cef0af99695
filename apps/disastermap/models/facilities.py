"""Facilities people look for on the map, by genre, and places to look them up by."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.disastermap.choices import IncidentKind


class Genre(models.Model):
    """One kind of facility (AED, hospital, library ...); staff may add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    symbol = models.CharField(
        _("map symbol"), max_length=4, blank=True,
        help_text=_("A short mark shown on the map and in print, e.g. “A” for AED."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("genre")
        verbose_name_plural = _("genres")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "ja").startswith("en") and self.name_en else self.name


class Facility(models.Model):
    genre = models.ForeignKey(Genre, verbose_name=_("genre"), on_delete=models.PROTECT, related_name="facilities")
    name = models.CharField(_("name"), max_length=120)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    location = models.PointField(_("location"), srid=4326, spatial_index=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    url = models.URLField(_("web page"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # Accessibility attributes residents filter by (バリアフリー情報).
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible entrance"), default=False)
    wheelchair_toilet = models.BooleanField(_("wheelchair-accessible toilet"), default=False)
    ostomate_toilet = models.BooleanField(_("toilet for ostomates"), default=False)
    nursing_room = models.BooleanField(_("nursing room"), default=False)
    accessible_parking = models.BooleanField(_("accessible parking"), default=False)
    elevator = models.BooleanField(_("elevator"), default=False)
    # Which import created the row and its id there, so an export round-trips.
    source = models.CharField(_("source"), max_length=40, blank=True)
    external_id = models.CharField(_("ID in source"), max_length=60, blank=True)
    is_public = models.BooleanField(_("shown to the public"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["genre", "is_public"], name="facility_genre_public"),
            # The open datasets ask when facilities last changed (Last-Modified, ETag).
            models.Index(fields=["updated_at"], name="facility_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~models.Q(external_id=""),
                name="unique_facility_external_id",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "ja").startswith("en") and self.name_en else self.name

    ACCESSIBILITY_FIELDS = (
        "wheelchair_accessible", "wheelchair_toilet", "ostomate_toilet",
        "nursing_room", "accessible_parking", "elevator",
    )

    def accessibility(self) -> list[str]:
        return [str(self._meta.get_field(name).verbose_name) for name in self.ACCESSIBILITY_FIELDS
                if getattr(self, name)]


class Place(models.Model):
    """A place name or postal code residents may type instead of pointing at the map.

    There is no internet geocoder here: staff load the city's own gazetteer (town names and
    postal codes with a representative point); districts are always searchable too.
    """

    name = models.CharField(_("place name"), max_length=120, blank=True, db_index=True)
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True, db_index=True)
    location = models.PointField(_("location"), srid=4326)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places (gazetteer)")
        ordering = ["postal_code", "name"]

    def __str__(self) -> str:
        return " ".join(part for part in (self.postal_code, self.name) if part)


class Incident(models.Model):
    """An incident on the map: entered by staff, or reported by child watch."""

    kind = models.CharField(_("kind"), max_length=30, choices=IncidentKind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    location = models.PointField(_("location"), srid=4326, spatial_index=True)
    source = models.CharField(_("source"), max_length=40, default="staff")
    is_public = models.BooleanField(_("shown to the public"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return self.title
