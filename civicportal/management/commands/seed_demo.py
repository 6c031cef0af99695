"""Build the fictional demo city. Safe to run again: nothing is duplicated."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from civicportal.demo import DemoCity

DEMO_PASSWORD = "civicportal-demo-2026"  # noqa: S105 -- only set when DEBUG is on


class Command(BaseCommand):
    help = "Create or refresh the demo city (districts, people, and each app's demo data)."

    def handle(self, *args, **options) -> None:
        demo = DemoCity(debug=settings.DEBUG, password=DEMO_PASSWORD if settings.DEBUG else None)
        with transaction.atomic():
            # Apps are listed in floor order, so each app's demo finds what lower floors made.
            for app_config in apps.get_app_configs():
                if app_config.name.startswith("apps.") and module_has_submodule(app_config.module, "demo"):
                    import_module(f"{app_config.name}.demo").seed(demo)
                    self.stdout.write(f"  {app_config.label}: ok")
        self.stdout.write(self.style.SUCCESS(f"Demo city ready: {demo.city}"))
        if demo.logins:
            self.stdout.write("Demo logins:")
            for label, email, password in demo.logins:
                self.stdout.write(f"  {label:<28} {email:<36} {password}")
        for note in demo.notes:
            self.stdout.write(note)
