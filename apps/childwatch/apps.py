from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChildWatchConfig(AppConfig):
    name = "apps.childwatch"
    label = "childwatch"
    verbose_name = _("Child watch")

    def ready(self) -> None:
        from apps.childwatch import audiences  # noqa: F401  (registers segment kinds)
        from civicportal import sitemap

        # No model permissions for city staff by default: children's data is the school's.
        # School staff work through the school pages, scoped to their own school.
        for entry in (
            sitemap.Entry("childwatch:guardian_home", _("My children (school messages, gate, absence)"),
                          sitemap.SIGNED_IN),
            sitemap.Entry("childwatch:staff_home", _("School desk"), "school_staff"),
        ):
            sitemap.register(entry)
