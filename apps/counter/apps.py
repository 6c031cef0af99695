from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounterConfig(AppConfig):
    name = "apps.counter"
    label = "counter"
    verbose_name = _("One-stop counter")

    def ready(self) -> None:
        self._ready_procedures()
        self._ready_floor()

    def _ready_procedures(self) -> None:
        """Catalogue, life events, applications and analytics register here."""
        from apps.accounts.roles import Role, add_role_permissions
        from civicportal import sitemap

        for entry in (
            sitemap.Entry("counter:home", _("One-stop counter: procedures")),
            sitemap.Entry("counter:lifeevents", _("What to do for a life event")),
            sitemap.Entry("counter:my_applications", _("My applications"), sitemap.SIGNED_IN),
            sitemap.Entry("counter:work_queue", _("Counter work queue"), "city_staff"),
            sitemap.Entry("counter:analytics", _("Counter analytics"), "city_staff"),
        ):
            sitemap.register(entry)
        # Staff keep the catalogue in the admin; applications move only through the counter pages.
        add_role_permissions(Role.CITY_STAFF, [
            *(f"counter.{action}_{model}" for action in ("view", "add", "change")
              for model in ("procedure", "procedurefield", "procedurestep", "lifeevent", "lifeeventprocedure")),
            "counter.view_application", "counter.view_payment",
        ])

    # (kept apart so that the two halves of the counter change different lines)

    def _ready_floor(self) -> None:
        """Tickets, the lobby display, inquiries, the FAQ and resident reports register here."""
