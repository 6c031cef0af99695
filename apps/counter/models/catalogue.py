"""The procedure catalogue: what a resident can do, where, with what, and in which order."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.counter.choices_procedures import FieldKind, ProfileSource

__all__ = ["Procedure", "ProcedureField", "ProcedureStep"]


class Procedure(models.Model):
    """One procedure (転入届, 住民票の写し …): its department, documents, fee, form and steps."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey("accounts.Department", verbose_name=_("responsible department"),
                                   on_delete=models.PROTECT, related_name="counter_procedures")
    documents = models.TextField(_("documents to bring"), blank=True, help_text=_("One per line."))
    fee_yen = models.PositiveIntegerField(_("fee (yen)"), default=0)
    online = models.BooleanField(_("can be done online"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name

    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class ProcedureField(models.Model):
    """A field of a procedure's form, defined by staff; answers are checked against it."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fields")
    # Fields with the same key in different procedures are the same fact (once only).
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("label (Japanese)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100, blank=True)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FieldKind.choices, default=FieldKind.TEXT)
    required = models.BooleanField(_("required"), default=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    min_value = models.IntegerField(_("minimum"), null=True, blank=True)
    max_value = models.IntegerField(_("maximum"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True, help_text=_("A list of texts."))
    profile_source = models.CharField(_("fill from profile"), max_length=20, choices=ProfileSource.choices,
                                      default=ProfileSource.NONE, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        ordering = ["procedure", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "key"], name="counter_field_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.slug}.{self.key}"


class ProcedureStep(models.Model):
    """One department's step in a procedure; steps run in `order`."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="counter_steps")
    name = models.CharField(_("what the department does"), max_length=100)
    name_en = models.CharField(_("what the department does (English)"), max_length=100, blank=True)
    target_days = models.PositiveSmallIntegerField(_("target days"), default=3,
                                                   help_text=_("After this many days the step counts as overdue."))

    class Meta:
        verbose_name = _("department step")
        verbose_name_plural = _("department steps")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="counter_step_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.slug} #{self.order} {self.name}"
