"""Show the site in a signed-in person's chosen language unless they used the switch."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class PreferredLanguageMiddleware:
    """Runs after authentication; the language switch's cookie always wins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith("/api/")
        ):
            profile = getattr(user, "profile", None)
            if profile is not None and profile.preferred_language != request.LANGUAGE_CODE:
                translation.activate(profile.preferred_language)
                request.LANGUAGE_CODE = profile.preferred_language
        return self.get_response(request)
