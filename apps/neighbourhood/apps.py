from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighbourhoodConfig(AppConfig):
    name = "apps.neighbourhood"
    label = "neighbourhood"
    verbose_name = _("Neighbourhood associations")

    def ready(self) -> None:
        from apps.accounts.mfa import require_second_factor_for
        from apps.accounts.roles import Role, add_role_permissions
        from apps.neighbourhood import audiences  # noqa: F401  (registers segment kinds)
        from apps.neighbourhood.models import Membership
        from apps.neighbourhood.permissions import officer_association_ids
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
        # Officers see member lists (names, addresses, who needs help): a second factor, like staff.
        require_second_factor_for("association_officer", lambda user: bool(officer_association_ids(user)),
                                  models=(Membership,))
        for entry in (
            sitemap.Entry("neighbourhood:directory", _("Neighbourhood associations")),
            sitemap.Entry("neighbourhood:my_associations", _("My neighbourhood association"), sitemap.SIGNED_IN),
        ):
            sitemap.register(entry)
