"""Receivers wired in AccountsConfig.ready()."""

from django.apps import AppConfig


def sync_groups_after_migrate(sender: AppConfig, **kwargs) -> None:
    # post_migrate fires once per app; syncing each time is cheap and idempotent, and
    # the last call sees every app's permissions.
    from apps.accounts.services import sync_role_groups

    sync_role_groups()


def create_profile(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """Every user has a profile, however the user was made (sign-up, admin, shell)."""
    if created and not raw:
        from apps.accounts.models import Profile

        Profile.objects.get_or_create(user=instance)


def second_factor_removed(sender, request, **kwargs) -> None:
    """A removed authenticator: the next request checks again whether one is required."""
    from apps.accounts.mfa import forget_second_factor

    forget_second_factor(request)


def second_factor_on_login(sender, request, user, **kwargs) -> None:
    from apps.accounts.mfa import remember_second_factor

    if request is not None:
        remember_second_factor(request, user)
