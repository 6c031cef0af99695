"""Safety and security networks (安全・安心ネットワーク) across associations of a school district."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.geo.models import SchoolDistrict
from apps.neighbourhood.choices import NetworkChannel, NetworkRole, PostStatus
from apps.neighbourhood.models.associations import Association


class Network(models.Model):
    name = models.CharField(_("name"), max_length=120)
    school_district = models.ForeignKey(SchoolDistrict, verbose_name=_("school district"), on_delete=models.PROTECT,
                                        related_name="networks")
    associations = models.ManyToManyField(Association, verbose_name=_("associations"), blank=True,
                                          related_name="networks")
    description = models.TextField(_("purpose"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NetworkMember(models.Model):
    """An officer of a member association, the school, or the police liaison."""

    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="network_memberships")
    role = models.CharField(_("role"), max_length=12, choices=NetworkRole.choices, default=NetworkRole.PARTICIPANT)
    represents = models.CharField(_("represents"), max_length=120,
                                  help_text=_("E.g. 旭町町内会, 中央小学校, 桜川警察署"))

    class Meta:
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        constraints = [models.UniqueConstraint(fields=["network", "user"], name="one_network_membership")]

    def __str__(self) -> str:
        return f"{self.user} ({self.represents})"


class NetworkPost(models.Model):
    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="posts")
    channel = models.CharField(_("channel"), max_length=12, choices=NetworkChannel.choices)
    title = models.CharField(_("title"), max_length=120, blank=True)
    body = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.PUBLISHED)
    moderation_note = models.CharField(_("reason (hidden or deleted)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("network post")
        verbose_name_plural = _("network posts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title or self.body[:40]
