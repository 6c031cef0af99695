"""Schools, classes, children and the guardians a school clerk has checked and linked."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from apps.childwatch.choices import PlanStatus
from apps.geo.models import SchoolDistrict


class School(models.Model):
    """A school. Its staff hold the `school_staff` role scoped to it (accounts.RoleGrant)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    school_district = models.ForeignKey(SchoolDistrict, verbose_name=_("school district"), on_delete=models.SET_NULL,
                                        null=True, blank=True, related_name="schools")
    address = models.CharField(_("address"), max_length=200, blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    # Gate passages are stored only once the PTA has agreed (and each guardian has consented).
    pta_approved_on = models.DateField(_("PTA approval of gate sensors"), null=True, blank=True)
    passage_retention_days = models.PositiveSmallIntegerField(
        _("keep gate passages for (days)"), default=90,
        help_text=_("Older passages are deleted every night."),
    )
    police_liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("police liaisons"), blank=True, related_name="liaison_schools",
        help_text=_("May enter suspicious-person reports for this school's area."),
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SchoolClass(models.Model):
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="classes")
    year = models.PositiveSmallIntegerField(_("school year"), help_text=_("The April the year starts, e.g. 2026."))
    grade = models.PositiveSmallIntegerField(_("grade"))
    name = models.CharField(_("class"), max_length=20, help_text=_("E.g. 1組"))
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("class teacher"), on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="classes_taught")

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["school", "-year", "grade", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "year", "grade", "name"], name="unique_class")]

    def __str__(self) -> str:
        return f"{self.grade}年{self.name}"


class Child(models.Model):
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="children")
    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="children")
    full_name = models.CharField(_("full name"), max_length=80)
    name_kana = models.CharField(_("name (kana)"), max_length=120, blank=True)
    given_name = models.CharField(
        _("name used in messages"), max_length=40,
        help_text=_("Shown to guardians in gate messages, e.g. はなこ → 「はなこさんが正門を通過しました」."),
    )
    is_active = models.BooleanField(_("enrolled"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["school", "school_class", "name_kana", "full_name"]

    def __str__(self) -> str:
        return self.full_name


class Guardianship(models.Model):
    """A guardian linked to a child by a school clerk who checked who they are."""

    guardian = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("guardian"), on_delete=models.CASCADE,
                                 related_name="guardianships")
    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="guardianships")
    relationship = models.CharField(_("relationship"), max_length=20, blank=True, help_text=_("E.g. 母, 父, 祖母"))
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("linked by"), on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    verified_at = models.DateTimeField(_("linked"), auto_now_add=True)
    passage_consent_at = models.DateTimeField(
        _("consented to gate notices"), null=True, blank=True,
        help_text=_("Gate passages are stored only after a guardian of the child has consented."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        ordering = ["child", "guardian"]
        constraints = [models.UniqueConstraint(fields=["guardian", "child"], name="unique_guardianship")]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.child}"


class WatchVolunteer(models.Model):
    """A neighbourhood watch volunteer (見守りボランティア) registered with a school."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("volunteer"), on_delete=models.CASCADE,
                             related_name="watch_volunteering")
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="volunteers")
    area = models.CharField(_("area or route watched"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("watch volunteer")
        verbose_name_plural = _("watch volunteers")
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="unique_volunteer")]

    def __str__(self) -> str:
        return str(self.user)


class ServicePlan(models.Model):
    """The monthly child-watch service a guardian uses (no payment provider yet: a record staff manage)."""

    guardian = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("guardian"), on_delete=models.CASCADE,
                                 related_name="childwatch_plans")
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="plans")
    plan = models.CharField(_("plan"), max_length=40, default="gate")
    monthly_fee_yen = models.PositiveIntegerField(_("monthly fee (yen)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.TRIAL)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        ordering = ["school", "guardian", "-period_start"]

    def __str__(self) -> str:
        return f"{self.guardian} {self.plan} ({self.get_status_display()})"
