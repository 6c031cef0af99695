"""Template context every page needs: the site's name and the user's roles."""

from django.conf import settings
from django.http import HttpRequest

from apps.accounts.selectors import roles_of


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    roles = roles_of(user) if user is not None and user.is_authenticated else frozenset()
    return {
        "SITE_URL": settings.SITE_URL,
        "MAP_TILES_URL": settings.MAP_TILES_URL,
        "MAP_TILES_ATTRIBUTION": settings.LEAFLET_CONFIG["TILES"][0][2]["attribution"],
        "user_roles": roles,
        "can_see_dashboard": "city_staff" in roles or "system_admin" in roles,
    }
