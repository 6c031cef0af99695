import secrets

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from apps.notifications.choices import (
    Category,
    Channel,
    DeliveryStatus,
    MessageStatus,
    OrganisationKind,
    Priority,
)


class Message(models.Model):
    """One broadcast: what is said, by whom, to which audience, and when."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"), max_length=5000)
    body_html = models.TextField(_("formatted body"), blank=True, help_text=_("Cleaned on the way in."))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    organisation_kind = models.CharField(
        _("sending organisation kind"), max_length=20, choices=OrganisationKind.choices
    )
    organisation_id = models.PositiveBigIntegerField(_("sending organisation id"))
    organisation_name = models.CharField(_("sending organisation"), max_length=120)
    link_url = models.URLField(_("link"), blank=True, max_length=500)
    image = models.ImageField(_("image"), upload_to="notifications/%Y/%m/", blank=True)
    audience = models.JSONField(_("audience"))
    audience_summary = models.CharField(_("audience"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.DRAFT)
    needs_approval = models.BooleanField(_("needs approval"), default=False)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages_created"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="messages_approved"
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    fanout_started_at = models.DateTimeField(null=True, blank=True)
    fanout_finished_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    # Where fan-out got to: ids are resolved in ascending order, so a restart resumes here.
    fanout_cursor = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "scheduled_at"]),
            models.Index(fields=["organisation_kind", "organisation_id", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_emergency(self) -> bool:
        return self.priority == Priority.EMERGENCY

    def text_for(self, language: str) -> tuple[str, str]:
        """(title, body) in the reader's language, else Japanese (the original)."""
        if language and language != "ja":
            for variant in self.variants.all():
                if variant.language == language:
                    return variant.title, variant.body
        return self.title, self.body


class MessageVariant(models.Model):
    """The message in another language; the Message row itself holds Japanese."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="variants")
    language = models.CharField(_("language"), max_length=5, choices=[("en", "English")])
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"), max_length=5000)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "language"], name="unique_message_language")]


class Delivery(models.Model):
    """The ledger: one row per (message, recipient, channel). Never sent twice."""

    # No index of their own: the composite indexes below start with each of them, and every
    # index costs a write for each of the four or five versions a row goes through.
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries",
                                  db_index=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.QUEUED)
    segment = models.CharField(_("segment"), max_length=60, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    not_before = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["message", "recipient", "channel"], name="one_delivery_per_channel")
        ]
        indexes = [
            models.Index(fields=["message", "channel", "status"]),
            models.Index(fields=["recipient", "channel", "-queued_at"]),
            models.Index(fields=["status", "not_before"]),
        ]

    def __str__(self) -> str:
        return f"{self.message_id}/{self.recipient_id}/{self.channel}: {self.status}"


class ResidentPreferences(models.Model):
    """How a resident wants to be reached. The inbox is always on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preferences")
    email_enabled = models.BooleanField(_("email"), default=True)
    line_enabled = models.BooleanField(_("LINE"), default=True)
    webpush_enabled = models.BooleanField(_("browser notifications"), default=True)
    sms_enabled = models.BooleanField(_("SMS"), default=False)
    phone_number = models.CharField(_("mobile number for SMS"), max_length=20, blank=True)
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    # Attributes the resident chose to share so that messages can be aimed at them.
    age_band = models.CharField(_("age band"), max_length=10, blank=True, choices=[
        ("0-19", "0–19"), ("20-39", "20–39"), ("40-64", "40–64"), ("65-74", "65–74"), ("75+", "75+"),
    ])
    household_with_children = models.BooleanField(_("household with children"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")


class TopicSubscription(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_subscriptions")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="unique_topic_subscription")]
        indexes = [models.Index(fields=["category", "user"])]


class LineLink(models.Model):
    """A resident's LINE user id, from LINE Login or a follow event on the webhook."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="line_link")
    line_user_id = models.CharField(max_length=64, unique=True)
    following = models.BooleanField(default=True, help_text=_("False after the resident blocked the account."))
    linked_at = models.DateTimeField(auto_now_add=True)


class LineLinkToken(models.Model):
    """A one-time code a resident sends to the LINE account to link it to their portal account."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=12, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)


class PushSubscription(models.Model):
    """A browser's Web Push subscription (one resident may have several browsers)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=800, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


def new_webhook_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """Another city system (signage, CATV, FM relay) that receives every matching message."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100, default=new_webhook_secret)
    categories = models.JSONField(_("categories"), default=list, blank=True,
                                  help_text=_("Empty means every category."))
    minimum_priority = models.CharField(_("minimum priority"), max_length=10, choices=Priority.choices,
                                        default=Priority.LOW)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outbound webhook")
        verbose_name_plural = _("outbound webhooks")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="webhook_deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "endpoint"], name="one_webhook_delivery")]
