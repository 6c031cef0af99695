"""The vocabulary of notifications: categories, priorities, channels and states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    DISASTER = "disaster", _("Disaster and weather")
    CRIME_SAFETY = "crime_safety", _("Crime and safety")
    CHILDREN = "children", _("Children and schools")
    EVENTS = "events", _("Events")
    ADMINISTRATION = "administration", _("City administration")
    COMMUNITY = "community", _("Community and associations")
    HEALTH = "health", _("Health and welfare")
    ENVIRONMENT = "environment", _("Waste and environment")


# New residents receive these until they choose for themselves.
DEFAULT_CATEGORIES = (Category.DISASTER, Category.CRIME_SAFETY, Category.ADMINISTRATION)


class Priority(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Channel(models.TextChoices):
    INBOX = "inbox", _("Inbox on this site")
    EMAIL = "email", _("Email")
    LINE = "line", _("LINE")
    WEBPUSH = "webpush", _("Browser notifications")
    SMS = "sms", _("SMS")


# Channels that interrupt a person (sound, vibration) wait out quiet hours.
INTRUSIVE_CHANNELS = frozenset({Channel.LINE, Channel.WEBPUSH, Channel.SMS})
# SMS costs the city per message: only for these priorities.
SMS_PRIORITIES = frozenset({Priority.EMERGENCY, Priority.HIGH})


class MessageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DEFERRED = "deferred", _("Waiting for quiet hours to end")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")


DONE_STATUSES = frozenset({DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ})


class OrganisationKind(models.TextChoices):
    DEPARTMENT = "department", _("City department")
    ASSOCIATION = "association", _("Neighbourhood association")
    SCHOOL = "school", _("School")
