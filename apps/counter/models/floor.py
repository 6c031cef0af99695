"""The counter floor: queues of numbered tickets per department, windows that call them.

A ticket number is unique per queue and day and never handed out twice that day, even when
two kiosks issue at the same moment: `TicketDay` holds the last number and is locked while
it is raised (see services/floor.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department

__all__ = ["CounterWindow", "FloorQueue", "Ticket", "TicketDay", "TicketState"]


class FloorQueue(models.Model):
    """One line of waiting people, e.g. 市民課の届出 (prefix A)."""

    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="floor_queues")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    prefix = models.CharField(_("ticket prefix"), max_length=2,
                              help_text=_("One or two letters shown before the number, e.g. A for A-012."))
    name = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("counter queue")
        verbose_name_plural = _("counter queues")
        ordering = ["prefix", "code"]
        constraints = [models.UniqueConstraint(fields=["prefix"], name="counter_queue_unique_prefix")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class CounterWindow(models.Model):
    """A counter window (窓口) where staff call tickets of one queue."""

    queue = models.ForeignKey(FloorQueue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="windows")
    label = models.CharField(_("label"), max_length=40, help_text=_("As the lobby screen shows it, e.g. 3番窓口."))
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("counter window")
        verbose_name_plural = _("counter windows")
        ordering = ["queue", "label"]
        constraints = [models.UniqueConstraint(fields=["queue", "label"], name="counter_window_unique_label")]

    def __str__(self) -> str:
        return self.label


class TicketDay(models.Model):
    """The last number issued in one queue on one day: the lock that keeps numbers unique."""

    queue = models.ForeignKey(FloorQueue, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket day")
        verbose_name_plural = _("ticket days")
        constraints = [models.UniqueConstraint(fields=["queue", "date"], name="counter_ticketday_unique")]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.date}: {self.last_number}"


class TicketState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("No show")


class Ticket(models.Model):
    queue = models.ForeignKey(FloorQueue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="tickets")
    date = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("number"))
    state = models.CharField(_("state"), max_length=10, choices=TicketState.choices, default=TicketState.WAITING)
    window = models.ForeignKey(CounterWindow, verbose_name=_("window"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="tickets")
    # Optional: the clerk may name the resident; never shown on the lobby screen.
    resident = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resident"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="counter_tickets")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    serving_at = models.DateTimeField(_("service started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["date", "queue", "number"]
        constraints = [models.UniqueConstraint(fields=["queue", "date", "number"], name="counter_ticket_unique_number")]
        indexes = [models.Index(fields=["queue", "date", "state", "number"], name="counter_ticket_queue_state")]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.queue.prefix}-{self.number:03d}"
