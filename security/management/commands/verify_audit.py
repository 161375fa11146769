"""Walk the security audit chain and name the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from security.chain import verify_chain


class Command(BaseCommand):
    help = "Check every security audit record's SM3 hash and its link to the previous record."

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
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} records."))
