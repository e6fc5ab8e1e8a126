"""Mark overdue work orders and open escalations (cron-friendly; also a periodic job)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from deliberation.services.work_orders import sweep_deadlines


class Command(BaseCommand):
    help = "Mark work orders past their deadline overdue and escalate them to supervision."

    def handle(self, *args: Any, **options: Any) -> None:
        opened = sweep_deadlines()
        self.stdout.write(f"escalations opened: {opened}")
