"""Routes at the site root: the CKAN Action API (/api/3/action/) and the DCAT catalogue."""

urlpatterns: list = []
