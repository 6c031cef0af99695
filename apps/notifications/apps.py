from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from apps.accounts.roles import Role, add_role_permissions
        from apps.notifications import audiences, line_linking, signals  # noqa: F401
        from apps.notifications.audiences import builtin  # noqa: F401
        from civicportal import sitemap

        add_role_permissions(Role.CITY_STAFF, [
            "notifications.view_message", "notifications.view_delivery", "notifications.view_webhookendpoint",
            "notifications.add_webhookendpoint", "notifications.change_webhookendpoint",
        ])
        line_linking.connect_signals()
        post_save.connect(signals.subscribe_new_user, sender=settings.AUTH_USER_MODEL,
                          dispatch_uid="notifications.defaults")
        for entry in (
            sitemap.Entry("notifications:inbox", _("Inbox"), sitemap.SIGNED_IN),
            sitemap.Entry("notifications:settings", _("Notification settings"), sitemap.SIGNED_IN),
            sitemap.Entry("notifications:line_link", _("Receive messages on LINE"), sitemap.SIGNED_IN),
            sitemap.Entry("notifications:compose", _("Send a message"), Role.CITY_STAFF),
            sitemap.Entry("notifications:sent_list", _("Sent messages"), Role.CITY_STAFF),
        ):
            sitemap.register(entry)
