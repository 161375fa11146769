"""Check every sealed record (replies as sent, ratings) against its SM3-HMAC; name each changed row."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from security import integrity


class Command(BaseCommand):
    help = "Verify the SM3-HMAC seals of replies and ratings; exit non-zero when a row was changed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal-unsealed",
            action="store_true",
            help="Seal rows that have no seal yet (once, after upgrading: rows written before seals existed).",
        )

    def handle(self, *args, seal_unsealed=False, **options):
        broken = []
        for model in integrity.sealed_models():
            counts = dict.fromkeys(integrity.Seal, 0)
            with transaction.atomic():
                for obj, state in integrity.walk(model):
                    counts[state] += 1
                    if state == integrity.Seal.BROKEN:
                        broken.append(f"{model._meta.label_lower} {obj.pk}")
                        self.stderr.write(f"BROKEN {model._meta.label_lower} id={obj.pk}: changed after it was sealed")
                    elif state == integrity.Seal.UNSEALED and seal_unsealed:
                        integrity.seal(obj)
            self.stdout.write(
                f"{model._meta.label}: {counts[integrity.Seal.OK]} intact, {counts[integrity.Seal.BROKEN]} changed, "
                f"{counts[integrity.Seal.UNSEALED]} unsealed" + (" (now sealed)" if seal_unsealed else "")
            )
        if broken:
            raise CommandError(f"{len(broken)} sealed record(s) were changed: " + ", ".join(broken[:20]))
