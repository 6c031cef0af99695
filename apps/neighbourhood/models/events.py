"""Association events with RSVP (and an iCalendar feed per association)."""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from apps.neighbourhood.choices import PostStatus, RSVPAnswer, Visibility
from apps.neighbourhood.models.associations import Association


class Event(models.Model):
    association = models.ForeignKey(Association, verbose_name=_("association"), on_delete=models.CASCADE,
                                    related_name="events")
    uid = models.UUIDField(_("calendar id"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    visibility = models.CharField(_("who can see it"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.MEMBERS)
    status = models.CharField(_("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.PUBLISHED)
    comments_closed = models.BooleanField(_("comments closed"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sequence = models.PositiveIntegerField(_("revision"), default=0, help_text=_("iCalendar SEQUENCE."))
    message_id = models.PositiveBigIntegerField(_("notification message"), null=True, blank=True)
    # Cancelled events stay in the feed with STATUS:CANCELLED so calendars drop them.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class RSVP(models.Model):
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
                             related_name="+")
    answer = models.CharField(_("answer"), max_length=10, choices=RSVPAnswer.choices)
    guests = models.PositiveSmallIntegerField(_("people coming with you"), default=0)
    updated_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_rsvp_per_member")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_answer_display()}"


class EventFeedKey(models.Model):
    """The generation of a member's private calendar feed token; bumping it revokes old links."""

    membership = models.OneToOneField("neighbourhood.Membership", verbose_name=_("membership"),
                                      on_delete=models.CASCADE, related_name="event_feed_key")
    generation = models.PositiveIntegerField(_("generation"), default=0)

    class Meta:
        verbose_name = _("calendar feed key")
        verbose_name_plural = _("calendar feed keys")

    def __str__(self) -> str:
        return f"{self.membership_id}#{self.generation}"
