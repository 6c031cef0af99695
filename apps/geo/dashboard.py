from django.utils.translation import gettext_lazy as _

from apps.geo.models import City, District, SchoolDistrict
from civicportal.dashboard import Panel, register


def _figures(request) -> list[tuple[str, object]]:
    return [
        (_("Cities"), City.objects.count()),
        (_("Districts"), District.objects.count()),
        (_("School districts"), SchoolDistrict.objects.count()),
    ]


register(Panel(key="geo", title=_("City map"), figures=_figures, order=20, link_name="geo:district_list"))
