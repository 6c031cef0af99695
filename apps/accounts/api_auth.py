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
    def authenticate(self, request):
        return _checked(super().authenticate(request))

