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
        from apps.accounts.roles import Role, add_role_permissions
        from apps.counter import dashboard_floor, datasets_reports  # noqa: F401  (panel and dataset register)
        from civicportal import sitemap

        add_role_permissions(Role.CITY_STAFF, [
            "counter.view_floorqueue", "counter.change_floorqueue", "counter.view_counterwindow",
            "counter.add_counterwindow", "counter.change_counterwindow", "counter.view_ticket",
            "counter.view_inquiry", "counter.view_faqentry", "counter.change_faqentry",
            "counter.view_reportservice", "counter.view_reportserviceattribute", "counter.view_residentreport",
        ])
        for entry in (
            sitemap.Entry("counter:lobby", _("Counter: now calling")),
            sitemap.Entry("counter:inquiry_new", _("Ask the city")),
            sitemap.Entry("counter:faq", _("Frequently asked questions")),
            sitemap.Entry("counter:report_new", _("Report a problem (roads, parks, rivers, lights)")),
            sitemap.Entry("counter:reports_map", _("Reported problems")),
            sitemap.Entry("counter:inquiry_list_mine", _("My inquiries"), sitemap.SIGNED_IN),
            sitemap.Entry("counter:reports_mine", _("My reports"), sitemap.SIGNED_IN),
            sitemap.Entry("counter:floor_staff", _("Counter floor"), "city_staff"),
            sitemap.Entry("counter:inquiry_staff_list", _("Inquiry desk"), "city_staff"),
            sitemap.Entry("counter:reports_triage", _("Report triage"), "city_staff"),
        ):
            sitemap.register(entry)
