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


# Paths a person without their required second factor may still open: setting it up,
# signing out, the language switch and files.
SECOND_FACTOR_OPEN_PREFIXES = (
    "/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/", "/i18n/", "/static/", "/media/",
    "/healthz",
)


class RequireSecondFactorMiddleware:
    """Holders of roles that see personal data set up a second factor before anything else.

    Pages redirect to allauth's TOTP set-up; the API answers 403 with a message. Token
    requests are checked by `apps.accounts.api_auth` (DRF authenticates them later).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from apps.accounts import mfa

        if not request.path.startswith(SECOND_FACTOR_OPEN_PREFIXES) and mfa.missing_second_factor(request):
            if request.path.startswith("/api/"):
                from civicportal.api import json_error

                return json_error(request, 403, str(mfa.API_MESSAGE))
            from django.contrib import messages
            from django.shortcuts import redirect

            messages.warning(request, mfa.SET_UP_MESSAGE)
            return redirect("mfa_activate_totp")
        return self.get_response(request)
