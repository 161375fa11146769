"""Erase residents' names, numbers and photos of opinions closed longer than STATIONS_RETENTION_DAYS ago."""

from django.core.management.base import BaseCommand

from stations.actions import opinions_erase_expired


class Command(BaseCommand):
    help = "Erase residents' personal data past the retention period (STATIONS_RETENTION_DAYS)."

    def handle(self, *args, **options):
        erased = opinions_erase_expired()
        self.stdout.write(f"erased {erased}")
