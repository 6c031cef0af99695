"""The shared map of the city: every later app refers to these areas."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class City(models.Model):
    code = models.CharField(
        _("municipal code"), max_length=6, unique=True,
        help_text=_("The six-digit local government code (全国地方公共団体コード)."),
    )
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A district (地区) or town block (町丁目) of one city."""

    city = models.ForeignKey(City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="districts")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    name_kana = models.CharField(_("name (kana)"), max_length=120, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    area = models.MultiPolygonField(_("area"), srid=4326)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["city", "code"]
        constraints = [models.UniqueConstraint(fields=["city", "code"], name="unique_district_code")]

    def __str__(self) -> str:
        return self.name


class SchoolDistrict(models.Model):
    """The catchment of one elementary school (小学校区)."""

    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="school_districts"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    school_name = models.CharField(_("school"), max_length=80)
    area = models.MultiPolygonField(_("area"), srid=4326)

    class Meta:
        verbose_name = _("school district")
        verbose_name_plural = _("school districts")
        ordering = ["city", "code"]
        constraints = [models.UniqueConstraint(fields=["city", "code"], name="unique_school_district_code")]

    def __str__(self) -> str:
        return self.name
