"""Issue an Open311 API key for an organization and print it (only its hash is kept)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from deliberation.models import Organization
from deliberation.services.open311_keys import create_api_key


class Command(BaseCommand):
    help = "Create (or re-key) an Open311 API key owned by an organization; prints the key."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", help="a name for the client, e.g. 街道网格平台")
        parser.add_argument(
            "--organization",
            required=True,
            help="owner organization's exact name (its compounds are where the key may report)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(name=options["organization"]).first()
        if org is None:
            raise CommandError(f"no organization named {options['organization']!r}")
        key, raw = create_api_key(name=options["name"], organization=org)
        self.stdout.write(f"{key.name}: {raw}")
