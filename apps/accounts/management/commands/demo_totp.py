"""Print the current second-factor code of the demo staff accounts (DEBUG only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.demo import DEMO_TOTP_SECRET
from apps.accounts.mfa import current_code


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo staff, officer and admin accounts (DEBUG only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo codes exist only with DEBUG on (seed_demo gives no secret otherwise).")
        self.stdout.write(f"{current_code(DEMO_TOTP_SECRET)}  (secret {DEMO_TOTP_SECRET}, new code every 30 s)")
