from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "apps.alerts"
    label = "alerts"
    verbose_name = _("Emergency alerts")

    def ready(self) -> None:
        from apps.accounts.roles import Role, add_role_permissions
        from apps.alerts import audiences, caching, defaults  # noqa: F401  (registers segment kinds)
        from apps.alerts.models import Alert
        from apps.disastermap.models import Shelter
        from civicportal import sitemap

        post_migrate.connect(defaults.ensure_event_types, sender=self, dispatch_uid="alerts.event_types")
        for model in (Alert, Shelter):
            post_save.connect(caching.on_change, sender=model, dispatch_uid=f"alerts.cache.{model.__name__}")
            post_delete.connect(caching.on_change, sender=model, dispatch_uid=f"alerts.cache.del.{model.__name__}")
        m2m_changed.connect(caching.on_change, sender=Alert.shelters.through, dispatch_uid="alerts.cache.shelters")
        add_role_permissions(Role.CITY_STAFF, [
            "alerts.view_alert", "alerts.view_eventtype", "alerts.change_eventtype", "alerts.add_eventtype",
            "alerts.view_webhookreceiver", "alerts.add_webhookreceiver", "alerts.change_webhookreceiver",
            "alerts.view_webhookdelivery", "alerts.view_importsource", "alerts.add_importsource",
            "alerts.change_importsource",
        ])
        for entry in (
            sitemap.Entry("disaster", _("Disaster mode: alerts and open shelters")),
            sitemap.Entry("alerts:list", _("Emergency alerts")),
            sitemap.Entry("alerts:testers", _("Receive alert exercises and tests"), sitemap.SIGNED_IN),
            sitemap.Entry("alerts:compose", _("Issue an emergency alert"), Role.CITY_STAFF),
            sitemap.Entry("alerts:staff_list", _("Alerts waiting for approval"), Role.CITY_STAFF),
        ):
            sitemap.register(entry)
