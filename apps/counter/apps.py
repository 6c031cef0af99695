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

    # (kept apart so that the two halves of the counter change different lines)

    def _ready_floor(self) -> None:
        """Tickets, the lobby display, inquiries, the FAQ and resident reports register here."""
