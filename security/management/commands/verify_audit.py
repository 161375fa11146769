"""Walk the security audit chain and name the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from security.chain import verify_chain
from security.models import SecurityEvent


class Command(BaseCommand):
    help = (
        "Check every security audit record's SM3 hash and its link to the previous record. "
        "--anchor HASH (the last hash of an earlier export) also proves no record up to it was cut off the end."
    )

    def add_arguments(self, parser):
        parser.add_argument("--anchor", action="append", default=[], help="a record hash that must still be there")

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken is not None:
            what = (
                "content does not match its hash"
                if broken.reason == "content"
                else "previous-record hash does not match"
            )
            raise CommandError(
                f"Audit chain broken at record {broken.id}: {what} ({checked} records before it are intact)."
            )
        for anchor in options["anchor"]:
            if not SecurityEvent.objects.filter(hash=anchor.strip().lower()).exists():
                raise CommandError(f"Audit chain does not hold the anchored record {anchor}: records were removed.")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} records."))
