"""Matrix rows and budgets of the 12345 hotline import kind (``hotline_import``,
``deliberation/actions/hotline.py``): juwei's staged file of one ticket in 团结公寓."""

from __future__ import annotations

from itertools import count
from typing import Any

from deliberation.models import HotlineImport, Issue

from .. import growth_intake
from . import KindBudget, Row, allowed_roles

B = HotlineImport.Status
#: its uploader (juwei) and the subdistrict: those who see it and take tickets in
IMPORTERS = allowed_roles("residents_committee", "subdistrict_office", "supervision_group")
_tickets = count(1)


def staged(demo: Any) -> HotlineImport:
    """Previewed, not confirmed: one valid row with a ticket of its own."""
    from deliberation.services.hotline import stage_hotline_file
    from tests.channels.hotline_files import csv_bytes, good_row

    ticket = f"T-ACTIONS-{next(_tickets):06d}"
    content = csv_bytes([good_row(1, compound="团结公寓", ticket=ticket)])
    return stage_hotline_file(actor=demo.user("juwei"), name="matrix.csv", content=content)


def importing(demo: Any) -> HotlineImport:
    from deliberation.services.hotline import confirm_hotline_import

    batch = staged(demo)
    confirm_hotline_import(batch=batch, actor=demo.user("juwei"))
    return batch


def _status(batch: Any) -> str:
    return str(HotlineImport.objects.values_list("status", flat=True).get(pk=batch.pk))


def _imported(batch: Any) -> bool:
    tickets = batch.rows.values_list("ticket", flat=True)
    return Issue.objects.filter(hotline_ticket__in=list(tickets)).exists()


ROWS: list[Row] = [
    Row(
        "hotline_import.confirm",
        IMPORTERS,
        available=staged,
        unavailable=importing,
        done=lambda b: _status(b) == B.IMPORTING,
    ),
    Row(
        "hotline_import.step",
        IMPORTERS,
        available=importing,
        unavailable=staged,
        done=_imported,
    ),
    Row(
        "hotline_import.cancel",
        IMPORTERS,
        available=staged,
        unavailable=importing,
        done=lambda b: _status(b) == B.CANCELLED,
    ),
]


def import_tasks(demo: Any, n: int) -> None:
    """Imports juwei staged and has not confirmed yet (each one is his task)."""
    juwei = demo.user("juwei")
    HotlineImport.objects.bulk_create(
        HotlineImport(
            uploaded_by=juwei,
            filename=f"staged-{i}.csv",
            total_rows=1,
            valid_rows=1,
            to_import=1,
        )
        for i in range(n)
    )


BUDGETS: dict[str, KindBudget] = {
    "hotline_import": KindBudget(
        growth_intake.the_batch, growth_intake.grow_batch_rows, import_tasks
    ),
}
