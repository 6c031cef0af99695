from django.utils.translation import gettext_lazy as _

from apps.opendata.models import Dataset, ResourceVersion
from civicportal.dashboard import Panel, register


def _figures(request) -> list[tuple[str, object]]:
    published = Dataset.objects.filter(published=True)
    return [
        (_("Datasets published"), published.count()),
        (_("Live datasets"), published.exclude(live_slug="").count()),
        (_("Files uploaded (all versions)"), ResourceVersion.objects.count()),
    ]


register(Panel(key="opendata", title=_("Open data"), figures=_figures, order=80, link_name="opendata:manage"))
