from django.core.management.base import BaseCommand

from deliberation.demo.tuanjiehu import seed


class Command(BaseCommand):
    help = "Create or update the illustrative Tuanjiehu demo data (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        counts = seed()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
