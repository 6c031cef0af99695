"""The site's URLs plus one trivial view: the baseline the disaster page is measured against.

Used only by `bench_disaster_page` (through `apps.alerts.bench_settings`), so the baseline runs
through exactly the same middleware on the same server as /disaster.
"""

from django.http import HttpResponse
from django.urls import path

from civicportal.urls import handler404, handler500  # noqa: F401
from civicportal.urls import urlpatterns as site_urlpatterns


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *site_urlpatterns]
