"""Appeals against a published result and the subdistrict's decision (docs/law.md §9):
within the appeal period, by the evaluated organization; an upheld appeal corrects the
result, the list is computed again and republished with the change and its reason."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import Conflict, Forbidden
from deliberation.models import Appeal, EvaluationResult, User
from deliberation.photos import check_photos
from deliberation.services.stored_files import files_removed_on_rollback, save_file

from .common import S, changed, invalid, locked, require_status, text
from .scoring import compute_results

MAX_REASONS = 4000


def appeals_open(result: EvaluationResult) -> bool:
    cycle = result.cycle
    return (
        cycle.status == S.PUBLISHED
        and cycle.appeals_close_at is not None
        and timezone.now() <= cycle.appeals_close_at
    )


@files_removed_on_rollback()
def file_appeal(
    *,
    result: EvaluationResult,
    by: User,
    reasons: str,
    attachment: UploadedFile | None = None,
) -> Appeal:
    """The evaluated organization's staff appeal, with reasons and optional evidence (a
    photo or scan, checked like photos)."""
    if not policy.can(by, "evaluation.appeal", result):
        raise Forbidden("evaluation.appeal")
    cycle = locked(result.cycle)
    require_status(cycle, S.PUBLISHED)
    if cycle.appeals_close_at is None or timezone.now() > cycle.appeals_close_at:
        raise Conflict(_("The appeal period of this evaluation has ended."))
    why = text(reasons, label=_("Reasons"), field="reasons", limit=MAX_REASONS, required=True)
    checked = None
    if attachment is not None:
        try:
            checked = check_photos([attachment])[0][0]
        except ValidationError as exc:
            raise invalid(str(exc.messages[0]), "attachment") from exc
    if Appeal.objects.filter(result=result, status=Appeal.Status.PENDING).exists():
        raise _pending()
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(result=result, reasons=why, filed_by=by)
    except IntegrityError as exc:
        raise _pending() from exc
    if checked is not None:
        save_file(appeal.attachment, checked.name or "evidence", checked)
        appeal.save(update_fields=["attachment"])
    changed(cycle, "evaluation.appealed", by)
    return appeal


def _pending() -> Conflict:
    return Conflict(_("An appeal against this result is already waiting for a decision."))


def _corrected(value: Any) -> Decimal:
    try:
        score = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise invalid(_("Enter the corrected score as a number."), "corrected_score") from exc
    if not score.is_finite() or score < 0 or score > 100:
        raise invalid(_("The corrected score lies between 0 and 100."), "corrected_score")
    return score.quantize(Decimal("0.01"))


@transaction.atomic
def decide_appeal(
    *,
    appeal: Appeal,
    by: User,
    upheld: bool,
    decision: str,
    corrected_score: Any = None,
) -> Appeal:
    """Record the decision. Upheld: the result keeps the ``before`` snapshot, takes the
    corrected score, the list is computed again and republished (publication + 1)."""
    appeal = (
        Appeal.objects.select_for_update()
        .select_related("result__cycle", "result__organization")
        .get(pk=appeal.pk)
    )
    if not policy.can(by, "evaluation.decide_appeal", appeal):
        raise Forbidden("evaluation.decide_appeal")
    if appeal.status != Appeal.Status.PENDING:
        raise Conflict(_("This appeal has already been decided."))
    cycle = locked(appeal.result.cycle)
    require_status(cycle, S.PUBLISHED)
    reason = text(decision, label=_("Decision"), field="decision", limit=MAX_REASONS, required=True)
    result = appeal.result
    score = _corrected(corrected_score) if upheld else None
    if upheld and score is None:
        raise invalid(_("An upheld appeal needs the corrected score."), "corrected_score")
    appeal.before = {
        "score": str(result.score) if result.score is not None else None,
        "grade": result.grade,
        "listing": result.listing,
        "rank": result.rank,
    }
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
    appeal.decision = reason
    appeal.decided_by = by
    appeal.decided_at = timezone.now()
    appeal.corrected_score = score
    appeal.save()
    if upheld:
        compute_results(cycle=cycle)
        cycle.publication += 1
        cycle.published_at = timezone.now()
        cycle.save(update_fields=["publication", "published_at"])
    changed(cycle, "evaluation.appeal_decided", by)
    return appeal
