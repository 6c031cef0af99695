from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.geo.forms import LocationForm
from apps.geo.selectors import districts, school_districts
from apps.geo.services import district_for_point, make_point, school_district_for_point


@require_GET
def district_lookup(request: HttpRequest) -> HttpResponse:
    """Which district and school district is this place in? Works as a plain GET form."""
    form = LocationForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        point = make_point(lat=form.cleaned_data["lat"], lon=form.cleaned_data["lon"])
        result = {
            "district": district_for_point(point),
            "school_district": school_district_for_point(point),
            "lat": point.y,
            "lon": point.x,
        }
    return render(request, "geo/district_lookup.html", {"form": form, "result": result})


@require_GET
def district_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "geo/district_list.html",
        {"districts": districts(), "school_districts": school_districts()},
    )
