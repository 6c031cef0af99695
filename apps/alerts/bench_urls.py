"""The site's URLs plus one trivial view: the baseline the disaster page is measured against.

Used only by `bench_disaster_page` (through `apps.alerts.bench_settings`). The trivial view is
placed right before the include that holds /disaster, so both pass the same middleware and the
same URL resolution work on the same server; only the views differ.
"""

from django.http import HttpResponse
from django.urls import URLResolver, path

from civicportal.urls import handler404, handler500  # noqa: F401
from civicportal.urls import urlpatterns as site_urlpatterns


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


def _with_trivial(patterns: list) -> list:
    for index, pattern in enumerate(patterns):
        if isinstance(pattern, URLResolver) and getattr(pattern.urlconf_module, "__name__", "") == \
                "apps.alerts.root_urls":
            return [*patterns[:index], path("bench/trivial", trivial), *patterns[index:]]
    return [path("bench/trivial", trivial), *patterns]


urlpatterns = _with_trivial(list(site_urlpatterns))
