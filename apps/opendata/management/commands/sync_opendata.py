"""Create or refresh the catalogue record of every live dataset (also runs after migrate)."""

from django.core.management.base import BaseCommand

from apps.opendata.services.live import sync_live_catalogue


class Command(BaseCommand):
    help = "Make the catalogue's records of live datasets match what the apps declare."

    def handle(self, *args, **options) -> None:
        records = sync_live_catalogue()
        for record in records:
            self.stdout.write(f"  {record.slug}: {record.resources.count()} resources")
        self.stdout.write(self.style.SUCCESS(f"{len(records)} live datasets in the catalogue"))
