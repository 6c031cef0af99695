from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisasterMapConfig(AppConfig):
    name = "apps.disastermap"
    label = "disastermap"
    verbose_name = _("Disaster map")

    def ready(self) -> None:
        from apps.accounts.roles import Role, add_role_permissions
        from apps.disastermap import audiences  # noqa: F401  (registers segment kinds)
        from civicportal import sitemap

        # People needing help are deliberately NOT given to city staff as a role: an
        # administrator grants `view_personneedinghelp` to the few staff with a reason.
        add_role_permissions(Role.CITY_STAFF, [
            f"disastermap.{action}_{model}"
            for model in ("genre", "facility", "shelter", "hazardzone", "incident",
                          "waterlevelstation", "communitymap", "communityfeature", "place")
            for action in ("view", "add", "change")
        ] + ["disastermap.view_shelterstatuschange", "disastermap.view_waterlevelreading",
             "disastermap.delete_incident", "disastermap.delete_hazardzone"])
        for entry in (
            sitemap.Entry("disastermap:map", _("Disaster map")),
            sitemap.Entry("disastermap:nearby", _("Find facilities nearby")),
            sitemap.Entry("disastermap:risk", _("Am I at risk?")),
            sitemap.Entry("disastermap:shelter_list", _("Shelters")),
            sitemap.Entry("disastermap:community_list", _("Community disaster maps")),
            sitemap.Entry("disastermap:station_list", _("River water levels")),
            sitemap.Entry("disastermap:downloads", _("Map data downloads")),
            sitemap.Entry("disastermap:import", _("Import map data"), Role.CITY_STAFF),
        ):
            sitemap.register(entry)
