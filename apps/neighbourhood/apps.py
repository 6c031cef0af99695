from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighbourhoodConfig(AppConfig):
    name = "apps.neighbourhood"
    label = "neighbourhood"
    verbose_name = _("Neighbourhood associations")

    def ready(self) -> None:
        from apps.accounts.roles import Role, add_role_permissions
        from apps.neighbourhood import audiences  # noqa: F401  (registers segment kinds)
        from civicportal import sitemap

        # City staff set up associations and networks; member lists stay with the officers.
        add_role_permissions(Role.CITY_STAFF, [
            "neighbourhood.view_association", "neighbourhood.add_association", "neighbourhood.change_association",
            "neighbourhood.view_network", "neighbourhood.add_network", "neighbourhood.change_network",
            # The network's members are set up with it (the members inline).
            "neighbourhood.view_networkmember", "neighbourhood.add_networkmember",
            "neighbourhood.change_networkmember", "neighbourhood.delete_networkmember",
            "neighbourhood.view_moderationreport",
        ])
        for entry in (
            sitemap.Entry("neighbourhood:directory", _("Neighbourhood associations")),
            sitemap.Entry("neighbourhood:my_associations", _("My neighbourhood association"), sitemap.SIGNED_IN),
        ):
            sitemap.register(entry)
