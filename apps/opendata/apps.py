from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_after_migrate(sender, using: str = "default", **kwargs) -> None:
    from django.db import connections

    from apps.opendata.models import Dataset
    from apps.opendata.services.live import sync_live_catalogue

    # A migrate to an earlier state may have left no catalogue tables to fill.
    if Dataset._meta.db_table in connections[using].introspection.table_names():
        sync_live_catalogue()


class OpenDataConfig(AppConfig):
    name = "apps.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from apps.accounts.roles import Role, add_role_permissions
        from apps.opendata.services.live import connect_watch_signals
        from civicportal import datasets, sitemap

        # civicportal's own ready() (which runs after ours) discovers the datasets too;
        # the signals need them now. Importing a datasets.py twice is a no-op.
        datasets.autodiscover()
        connect_watch_signals()
        post_migrate.connect(_sync_after_migrate, sender=self, dispatch_uid="opendata-sync-live")
        add_role_permissions(Role.CITY_STAFF, [
            f"opendata.{action}_{model}"
            for model in ("dataset", "resource", "resourceversion", "organisation", "tag")
            for action in ("view", "add", "change")
        ])
        for entry in (
            sitemap.Entry("opendata:catalogue", _("Open data catalogue")),
            sitemap.Entry("opendata:manage", _("Publish open data"), Role.CITY_STAFF),
        ):
            sitemap.register(entry)
