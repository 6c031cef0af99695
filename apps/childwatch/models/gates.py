"""IC-tag gate readers and the passages they report."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.childwatch.choices import Direction, TagStatus
from apps.childwatch.models.schools import Child, School


class GateReader(models.Model):
    """One reader at one gate; it signs every request with its own secret (HMAC-SHA256)."""

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="readers")
    code = models.SlugField(_("reader code"), max_length=40, unique=True)
    gate_name = models.CharField(_("gate"), max_length=40, help_text=_("As guardians will read it, e.g. 正門"))
    secret = models.CharField(_("secret"), max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    last_seen_at = models.DateTimeField(_("last request"), null=True, blank=True)

    class Meta:
        verbose_name = _("gate reader")
        verbose_name_plural = _("gate readers")
        ordering = ["school", "code"]

    def __str__(self) -> str:
        return f"{self.school} {self.gate_name} ({self.code})"

    def save(self, *args, **kwargs) -> None:
        if not self.secret:
            self.secret = secrets.token_hex(32)
        super().save(*args, **kwargs)


class ICTag(models.Model):
    uid = models.CharField(_("tag id"), max_length=64, unique=True)
    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="tags")
    status = models.CharField(_("status"), max_length=10, choices=TagStatus.choices, default=TagStatus.ACTIVE)
    issued_on = models.DateField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("IC tag")
        verbose_name_plural = _("IC tags")

    def __str__(self) -> str:
        return self.uid


class GatePassage(models.Model):
    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="passages")
    reader = models.ForeignKey(GateReader, verbose_name=_("reader"), on_delete=models.CASCADE, related_name="passages")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    passed_at = models.DateTimeField(_("passed at"), db_index=True)
    reader_event_id = models.CharField(_("reader's event id"), max_length=64)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    message_id = models.PositiveBigIntegerField(_("message"), null=True, blank=True)

    class Meta:
        verbose_name = _("gate passage")
        verbose_name_plural = _("gate passages")
        ordering = ["-passed_at"]
        constraints = [
            # A reader that resends an event (after a timeout, or a whole offline batch) adds nothing.
            models.UniqueConstraint(fields=["reader", "reader_event_id"], name="one_passage_per_reader_event"),
        ]
        indexes = [models.Index(fields=["child", "-passed_at"], name="passage_child_time")]

    def __str__(self) -> str:
        return f"{self.child} {self.get_direction_display()} {self.passed_at:%Y-%m-%d %H:%M}"


class UnknownTagEvent(models.Model):
    """A tag the school does not know, or one reported lost: logged for the school, told to nobody."""

    reader = models.ForeignKey(GateReader, verbose_name=_("reader"), on_delete=models.CASCADE,
                               related_name="unknown_events")
    tag_uid = models.CharField(_("tag id"), max_length=64)
    reason = models.CharField(_("reason"), max_length=20)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    passed_at = models.DateTimeField(_("passed at"))
    reader_event_id = models.CharField(_("reader's event id"), max_length=64)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("unknown tag event")
        verbose_name_plural = _("unknown tag events")
        ordering = ["-passed_at"]
        constraints = [models.UniqueConstraint(fields=["reader", "reader_event_id"], name="one_unknown_per_event")]

    def __str__(self) -> str:
        return f"{self.tag_uid} {self.reason} {self.passed_at:%Y-%m-%d %H:%M}"
