"""Reads for the 12345 hotline import pages: a batch with its per-status row counts."""

from __future__ import annotations

from django.db.models import Count

from deliberation.models import HotlineImport, HotlineImportRow


def import_counts(batch: HotlineImport) -> dict[str, int]:
    """Rows per status (one query), every status present."""
    counts = {s: 0 for s in HotlineImportRow.Status.values}
    rows = batch.rows.values("status").annotate(n=Count("id")).values_list("status", "n")
    for status, n in rows:
        counts[status] = n
    return counts


def import_with_counts(pk: int) -> HotlineImport | None:
    """The batch and its counts (``counts``): what its controls draw (2 queries)."""
    batch = HotlineImport.objects.filter(pk=pk).first()
    if batch is not None:
        batch.counts = import_counts(batch)  # type: ignore[attr-defined]
    return batch
