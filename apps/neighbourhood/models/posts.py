"""Bulletins and circulars (回覧板) with attachments and per-member read confirmation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.neighbourhood.choices import PostCategory, PostKind, PostStatus, Visibility
from apps.neighbourhood.models.associations import Association
from civicportal.uploads import private_storage as private_storage  # the 0001 migration names it here


class Bulletin(models.Model):
    association = models.ForeignKey(Association, verbose_name=_("association"), on_delete=models.CASCADE,
                                    related_name="bulletins")
    kind = models.CharField(_("kind"), max_length=10, choices=PostKind.choices, default=PostKind.BULLETIN)
    category = models.CharField(_("category"), max_length=20, choices=PostCategory.choices,
                                default=PostCategory.NOTICE)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    visibility = models.CharField(_("who can see it"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.MEMBERS)
    status = models.CharField(_("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.PUBLISHED)
    pinned = models.BooleanField(_("pinned to the top"), default=False)
    expires_at = models.DateTimeField(_("shown until"), null=True, blank=True)
    comments_closed = models.BooleanField(_("comments closed"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    moderation_note = models.CharField(_("reason (hidden or deleted)"), max_length=200, blank=True)
    message_id = models.PositiveBigIntegerField(_("notification message"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    reminded_at = models.DateTimeField(_("last reminder to the unread"), null=True, blank=True)
    reminder_message_id = models.PositiveBigIntegerField(_("last reminder message"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-pinned", "-published_at", "-id"]
        indexes = [models.Index(fields=["association", "status", "-pinned", "-published_at"],
                                name="bulletin_listing")]

    def __str__(self) -> str:
        return self.title


class Attachment(models.Model):
    bulletin = models.ForeignKey(Bulletin, verbose_name=_("bulletin"), on_delete=models.CASCADE,
                                 related_name="attachments")
    file = models.FileField(_("file"), upload_to="neighbourhood/bulletins/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class BulletinRead(models.Model):
    """A member confirmed reading a bulletin (the stamp on the paper 回覧板)."""

    bulletin = models.ForeignKey(Bulletin, verbose_name=_("bulletin"), on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
                             related_name="+")
    read_at = models.DateTimeField(_("read"), auto_now_add=True)

    class Meta:
        verbose_name = _("bulletin read")
        verbose_name_plural = _("bulletin reads")
        constraints = [models.UniqueConstraint(fields=["bulletin", "user"], name="one_read_per_member")]

    def __str__(self) -> str:
        return f"{self.user} read {self.bulletin}"
