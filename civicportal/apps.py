from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CivicportalConfig(AppConfig):
    name = "civicportal"
    verbose_name = "civicportal"

    def ready(self) -> None:
        # Each app's dashboard.py registers its panels, the way admin.py registers models.
        autodiscover_modules("dashboard")
        # Each app's datasets.py declares its live open datasets.
        from civicportal import datasets

        datasets.autodiscover()
