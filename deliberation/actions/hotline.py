"""The 12345 hotline import: confirm a staged file, import it chunk by chunk, or cancel it.

Staging (the upload) makes the import; until its uploader confirms it, nothing is imported,
so "confirm the hotline import" is their task. Once confirmed, the import runs as a job to
the end (``deliberation.tasks.hotline``) and the page only watches its progress live;
``step`` imports the next chunk at once (without waiting for the job).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from deliberation import policy
from deliberation.hotline_forms import ConfirmImportForm
from deliberation.models import HotlineImport
from deliberation.policy.principal import COMMUNITY_KINDS, Principal
from deliberation.selectors.hotline import import_with_counts
from deliberation.services import hotline as services

from .registry import Action, Audience, ObjectKind, Outcome, Weight, declare, declare_kind

B = HotlineImport.Status


def _candidates(p: Principal) -> Iterable[HotlineImport]:
    """The person's own imports waiting for confirmation (one query; none for those who do
    not import hotline tickets)."""
    if not (p.is_subdistrict or p.orgs_of_kind(*COMMUNITY_KINDS)):
        return []
    return HotlineImport.objects.filter(
        uploaded_by_id=p.user_id, status=B.PREVIEW, valid_rows__gt=0
    ).order_by("id")[:100]


declare_kind(
    ObjectKind(
        name="hotline_import",
        model=HotlineImport,
        label=pgettext_lazy("kind", "12345 hotline import"),
        load=import_with_counts,
        page_url=lambda b: reverse("hotline-preview", args=[b.pk]),
        # only its uploader works on it (the preview page is theirs); their task list
        audience=lambda b: Audience(users=(b.uploaded_by_id,) if b.uploaded_by_id else ()),
        task_candidates=_candidates,
        title=lambda b: _("12345 import · %(file)s") % {"file": b.filename},
    )
)


def _confirm(batch: HotlineImport, actor: Any, data: dict[str, Any]) -> Outcome:
    started = services.confirm_hotline_import(batch=batch, actor=actor)
    return Outcome(  # the page again, with the progress of the job (live) or its result
        ngettext(
            "Importing %(n)s valid row of %(file)s…",
            "Importing %(n)s valid rows of %(file)s…",
            started.to_import,
        )
        % {"n": started.to_import, "file": started.filename},
        redirect=reverse("hotline-preview", args=[started.pk]),
        reload=True,
    )


def _step(batch: HotlineImport, actor: Any, data: dict[str, Any]) -> Outcome:
    done = services.import_next_chunk(batch=batch, actor=actor)
    if done.status == B.DONE:  # the page again, with every row's result and link
        return Outcome(
            _("Done: %(n)s imported, %(s)s skipped.") % {"n": done.imported, "s": done.skipped},
            redirect=reverse("hotline-preview", args=[done.pk]),
            reload=True,
        )
    return Outcome(
        _("%(done)s of %(total)s rows") % {"done": done.processed, "total": done.to_import}
    )


def _cancel(batch: HotlineImport, actor: Any, data: dict[str, Any]) -> Outcome:
    services.cancel_hotline_import(batch=batch, actor=actor)
    return Outcome(
        _("The import of %(file)s was cancelled; nothing was imported.") % {"file": batch.filename},
        redirect=reverse("hotline-upload"),
    )


def _may_import(user: Any, batch: HotlineImport) -> bool:
    """Seeing the import (its uploader, the subdistrict) is not enough: importing is for
    those who take hotline tickets in (docs/law.md §6)."""
    return policy.can(user, "hotline.import")


for _action in (
    Action(
        kind="hotline_import",
        name="confirm",
        rule="hotline.view_import",
        also=_may_import,
        label=pgettext_lazy("hotline action", "Confirm and import"),
        run=_confirm,
        form=ConfirmImportForm,  # the task list sends the importer to the checked rows
        template="hotline/_confirm_action.html",
        when=lambda b: b.status == B.PREVIEW and b.valid_rows > 0,
        weight=Weight.PRIMARY,
        task=True,
        task_label=gettext_lazy("Confirm the hotline import"),
    ),
    Action(
        kind="hotline_import",
        name="step",
        rule="hotline.view_import",
        also=_may_import,
        label=pgettext_lazy("hotline action", "Continue"),
        run=_step,
        template="hotline/_step_action.html",
        when=lambda b: b.status == B.IMPORTING,
        weight=Weight.PRIMARY,
    ),
    Action(
        kind="hotline_import",
        name="cancel",
        rule="hotline.view_import",
        also=_may_import,
        label=pgettext_lazy("hotline action", "Cancel"),
        help=gettext_lazy("Nothing is imported, and the callers' details are dropped."),
        run=_cancel,
        when=lambda b: b.status == B.PREVIEW,
        weight=Weight.DANGER,
    ),
):
    declare(_action)
