"""Open311 GeoReport v2 at /open311/ (discovery, services, requests; JSON and XML)."""

urlpatterns: list = []
