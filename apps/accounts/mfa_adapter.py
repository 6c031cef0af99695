"""allauth's MFA adapter: people who must use a second factor cannot switch it off."""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from apps.accounts.mfa import needs_second_factor


class PortalMFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and needs_second_factor(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
