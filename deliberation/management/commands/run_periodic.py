import time

from django.core.management.base import BaseCommand, CommandParser

from deliberation.periodic import run_jobs_once


class Command(BaseCommand):
    help = "Run the periodic jobs (deadline sweeps, outbox retry) once, or every --every s."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--every", type=float, default=30.0)

    def handle(self, *args: object, **options: object) -> None:
        while True:
            results = run_jobs_once()
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in results.items()))
            if not options["loop"]:
                return
            time.sleep(float(options["every"]))  # type: ignore[arg-type]
