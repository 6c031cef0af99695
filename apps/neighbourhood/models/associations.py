"""Associations, their members and officers, and the rules for posting."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.geo.models import District
from apps.neighbourhood.choices import MemberRole, MembershipStatus

# Page addresses under /associations/ that an association's slug must not take.
RESERVED_SLUGS = frozenset({"mine", "networks", "new", "api", "admin", "safety"})


def not_reserved(slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise ValidationError(_("This address is used by the site; choose another."))


class Association(models.Model):
    """A neighbourhood association (町内会・自治会) with the area it covers."""

    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    slug = models.SlugField(_("address on this site"), max_length=60, unique=True, validators=[not_reserved])
    description = models.TextField(_("about the association"), blank=True)
    districts = models.ManyToManyField(District, verbose_name=_("districts"), blank=True, related_name="associations")
    area = models.MultiPolygonField(_("area"), srid=4326, help_text=_("A member's address must lie inside it."))
    listed = models.BooleanField(_("listed in the public directory"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("neighbourhood association")
        verbose_name_plural = _("neighbourhood associations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A resident's membership, in real name and address, approved by an officer."""

    association = models.ForeignKey(Association, verbose_name=_("association"), on_delete=models.CASCADE,
                                    related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resident"), on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=MembershipStatus.choices,
                              default=MembershipStatus.PENDING)
    real_name = models.CharField(_("full name"), max_length=80)
    address = models.CharField(_("address"), max_length=200)
    location = models.PointField(_("location of the address"), srid=4326)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    requested_at = models.DateTimeField(_("asked to join"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=200, blank=True)
    # Registration as someone who needs help in a disaster (要援護者), only with consent.
    needs_help = models.BooleanField(_("needs help in a disaster"), default=False)
    needs_help_note = models.CharField(_("what help is needed"), max_length=300, blank=True)
    needs_help_consent_at = models.DateTimeField(_("consented to share with supporters"), null=True, blank=True)
    supporters = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("designated supporters"),
                                        blank=True, related_name="members_supported")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["association", "real_name"]
        constraints = [models.UniqueConstraint(fields=["association", "user"], name="one_membership_per_person")]
        indexes = [models.Index(fields=["association", "status", "role"], name="membership_status_role")]

    def __str__(self) -> str:
        return f"{self.real_name} ({self.association})"


class PostingRules(models.Model):
    """What may be posted and how: one set per association (and per network, see networks.py)."""

    association = models.OneToOneField(Association, verbose_name=_("association"), on_delete=models.CASCADE,
                                       related_name="rules", null=True, blank=True)
    network = models.OneToOneField("neighbourhood.Network", verbose_name=_("network"), on_delete=models.CASCADE,
                                   related_name="rules", null=True, blank=True)
    members_may_post = models.BooleanField(_("members may post (not only officers)"), default=False)
    allowed_categories = models.JSONField(_("allowed categories"), default=list, blank=True,
                                          help_text=_("Empty: every category."))
    max_posts_per_week = models.PositiveSmallIntegerField(_("posts per person per week"), null=True, blank=True)
    banned_words = models.TextField(_("banned words, one per line"), blank=True)
    approval_required = models.BooleanField(_("posts need an officer's approval"), default=False)

    class Meta:
        verbose_name = _("posting rules")
        verbose_name_plural = _("posting rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(association__isnull=False, network__isnull=True)
                | models.Q(association__isnull=True, network__isnull=False),
                name="rules_for_one_owner",
            )
        ]

    def __str__(self) -> str:
        return str(self.association or self.network)
