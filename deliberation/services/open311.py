"""Open311 GeoReport v2: file a service request as an issue (channel ``open311``).

The API key's service account is the actor: ``open311.write`` decides where it may report
(its organization's compounds; anywhere for the subdistrict), and intake's ``report_issue``
does the rest (triage queue, live pushes). Contact details go to ``Open311Submission``,
which only staff see.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.models import (
    ApiKey,
    Building,
    Compound,
    Issue,
    IssueCategory,
    Open311Submission,
    Unit,
)
from deliberation.periodic import periodic

from .idempotency import claim_key, purge_expired, record_result
from .issues import report_issue
from .work_orders import sla_deadlines


@transaction.atomic
def submit_service_request(
    *,
    key: ApiKey,
    category: IssueCategory,
    compound: Compound,
    description: str,
    building: Building | None = None,
    unit: Unit | None = None,
    location_text: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    email: str = "",
    device_id: str = "",
    account_id: str = "",
    media_url: str = "",
) -> tuple[Issue, Open311Submission]:
    """Raises ``PermissionDenied`` when the key may not report on ``compound``."""
    policy.require(key.account, "open311.write", compound)
    issue = report_issue(
        actor=key.account,
        channel=Issue.Channel.OPEN311,
        description=description,
        compound=compound,
        building=building,
        unit=unit,
        location_text=location_text,
        category=category,
        urgency=category.default_urgency,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
    )
    respond_by, _resolve_by = sla_deadlines(
        category=category, urgency=issue.urgency, start=issue.created_at
    )
    notice = _(
        "Received. The residents' committee triages it; the responsible party should "
        "respond by %(when)s."
    ) % {"when": timezone.localtime(respond_by).strftime("%Y-%m-%d %H:%M")}
    submission = Open311Submission.objects.create(
        issue=issue,
        api_key=key,
        email=email,
        device_id=device_id,
        account_id=account_id,
        media_url=media_url,
        service_notice=notice,
    )
    return issue, submission


@transaction.atomic
def submit_service_request_once(
    *, key: ApiKey, request_key: str, fingerprint: str, ttl: timedelta, **request: Any
) -> tuple[Issue, Open311Submission, bool]:
    """``submit_service_request`` unless this key already sent ``request_key`` within
    ``ttl``: then the first request's issue and submission, and True (a replay). Raises
    ``KeyReused`` when ``request_key`` came before with a different ``fingerprint``."""
    row, earlier = claim_key(
        scope=f"open311:{key.pk}", key=request_key, fingerprint=fingerprint, ttl=ttl
    )
    if earlier is not None:
        first = Open311Submission.objects.select_related("issue").filter(issue_id=earlier).first()
        if first is not None:
            return first.issue, first, True
    issue, submission = submit_service_request(key=key, **request)
    record_result(row, issue.pk)
    return issue, submission, False


@periodic("open311_idempotency_purge")
def _purge_idempotency_keys() -> int:
    longest = max(settings.OPEN311_IDEMPOTENCY_TTL, settings.OPEN311_DUPLICATE_WINDOW)
    return purge_expired(scope_prefix="open311:", older_than=timedelta(seconds=longest))
