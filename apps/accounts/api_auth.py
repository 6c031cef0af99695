"""Token authentication that refuses role holders without their required second factor.

Session requests are stopped by `RequireSecondFactorMiddleware`; token requests are
authenticated only inside DRF, so the same rule is applied here.
"""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from apps.accounts import mfa


def _checked(result):
    if result is not None:
        user = result[0]
        if mfa.needs_second_factor(user) and not mfa.has_authenticator(user):
            raise exceptions.PermissionDenied(str(mfa.API_MESSAGE))
    return result


class SecondFactorTokenAuthentication(TokenAuthentication):
    """A view may set `second_factor_exempt = True` when it shows nobody else's data (a
    resident answering a safety check about themselves): the token alone is enough there."""

    def authenticate(self, request):
        result = super().authenticate(request)
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if getattr(view, "second_factor_exempt", False):
            return result
        return _checked(result)

