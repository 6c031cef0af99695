"""Community disaster maps (地域防災マップ) that associations draw with their members."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from apps.disastermap.choices import CommunityFeatureCategory, FeatureStatus
from apps.geo.models import District


class CommunityMap(models.Model):
    """One association's map of its area.

    Until associations exist as their own app, the map names its association and keeps its
    editors (the officers) itself; members are the residents of its district.
    """

    name = models.CharField(_("name"), max_length=120)
    association_name = models.CharField(_("association"), max_length=120)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="community_maps")
    description = models.TextField(_("description"), blank=True)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("editors (association officers)"), blank=True,
        related_name="community_maps_edited",
    )
    is_public = models.BooleanField(_("shown to the public"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("community disaster map")
        verbose_name_plural = _("community disaster maps")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommunityFeature(models.Model):
    """A point, line or polygon on a community map, drawn by an officer or proposed by a member."""

    map = models.ForeignKey(CommunityMap, verbose_name=_("map"), on_delete=models.CASCADE, related_name="features")
    category = models.CharField(_("category"), max_length=20, choices=CommunityFeatureCategory.choices)
    title = models.CharField(_("title"), max_length=120)
    note = models.TextField(_("note"), blank=True)
    geometry = models.GeometryField(_("shape"), srid=4326)
    photo = models.ImageField(_("photo"), upload_to="disastermap/community/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=FeatureStatus.choices,
                              default=FeatureStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"),
                                    on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("community map feature")
        verbose_name_plural = _("community map features")
        ordering = ["map", "category", "id"]
        indexes = [models.Index(fields=["map", "status"], name="community_feature_status")]

    def __str__(self) -> str:
        return self.title
