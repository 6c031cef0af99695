from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_removed
        from django.contrib.auth.signals import user_logged_in

        from apps.accounts import signals

        post_migrate.connect(signals.sync_groups_after_migrate, dispatch_uid="accounts.sync_groups")
        user_logged_in.connect(signals.second_factor_on_login, dispatch_uid="accounts.second_factor_on_login")
        authenticator_removed.connect(signals.second_factor_removed, dispatch_uid="accounts.second_factor_removed")
        post_save.connect(signals.create_profile, sender=self.get_model("User"), dispatch_uid="accounts.profile")
