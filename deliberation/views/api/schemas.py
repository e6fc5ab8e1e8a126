"""The shapes the JSON API answers with, and how a model becomes one.

Only what every holder of ``*.view`` on the thing may read: no reporter's name, phone or
unit, no staff-only notes (those stay behind ``issue.view_staff`` on the pages). Labels
are in the request's language (``Accept-Language``; Chinese by default).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.urls import reverse
from ninja import Schema

from deliberation.models import (
    Announcement,
    Compound,
    Issue,
    OwnersVote,
    Resolution,
    Session,
    WorkOrder,
)


class Error(Schema):
    """Every refusal: what went wrong in words, and each field's messages."""

    ok: bool = False
    message: str
    fields: dict[str, list[str]] = {}


class Done(Schema):
    """An action taken: what happened in words, and the thing's page."""

    ok: bool = True
    message: str
    url: str


class CompoundOut(Schema):
    id: int
    name: str
    category: str
    category_label: str
    management_mode: str
    management_mode_label: str
    community_id: int
    households: int
    property_provider: str | None
    url: str


class NoticeOut(Schema):
    id: int
    compound_id: int
    organization: str
    title: str
    body: str
    link: str
    created_at: datetime


class IssueOut(Schema):
    id: int
    status: str
    status_label: str
    category: str | None
    compound_id: int | None
    description: str
    urgency: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    url: str


class WorkOrderOut(Schema):
    id: int
    status: str
    status_label: str
    title: str
    description: str
    compound_id: int
    issue_id: int | None
    responsible_id: int
    responsible: str
    urgency: str
    respond_by: datetime
    resolve_by: datetime
    is_overdue: bool
    created_at: datetime
    url: str


class SessionOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    community_id: int
    starts_at: datetime
    duration_minutes: int
    place: str
    url: str


class ResolutionOut(Schema):
    id: int
    session_id: int
    decision: str
    responsible_party: str
    responsible_organization: str | None
    deadline: date
    status: str
    status_label: str
    created_at: datetime
    decided_at: datetime | None


class MatterOut(Schema):
    position: int
    title: str
    kind: str
    #: the outcome and the tally, once the results are published; else null
    outcome: str | None
    tally: dict[str, Any] | None


class VoteOut(Schema):
    id: int
    compound_id: int
    title: str
    status: str
    status_label: str
    temporary: bool
    opens_at: datetime | None
    closes_at: datetime | None
    created_at: datetime
    matters: list[MatterOut]
    url: str


def _page(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


def compound_out(c: Compound) -> dict[str, Any]:
    provider = c.property_provider
    return {
        "id": c.pk,
        "name": c.name,
        "category": c.category,
        "category_label": str(c.get_category_display()),  # type: ignore[attr-defined]
        "management_mode": c.management_mode,
        "management_mode_label": str(c.get_management_mode_display()),  # type: ignore[attr-defined]
        "community_id": c.community_id,  # type: ignore[attr-defined]
        "households": c.households,
        "property_provider": provider.name if provider else None,
        "url": _page("compound-detail", c.pk),
    }


def notice_out(a: Announcement) -> dict[str, Any]:
    return {
        "id": a.pk,
        "compound_id": a.compound_id,  # type: ignore[attr-defined]
        "organization": a.organization.name,
        "title": a.title,
        "body": a.body,
        "link": a.link,
        "created_at": a.created_at,
    }


def issue_out(i: Issue) -> dict[str, Any]:
    return {
        "id": i.pk,
        "status": i.status,
        "status_label": str(i.get_status_display()),  # type: ignore[attr-defined]
        "category": i.category.code if i.category is not None else None,
        "compound_id": i.compound_id,  # type: ignore[attr-defined]
        "description": i.description,
        "urgency": i.urgency,
        "created_at": i.created_at,
        "updated_at": i.updated_at,
        "closed_at": i.closed_at,
        "url": _page("issue-detail", i.pk),
    }


def work_order_out(w: WorkOrder) -> dict[str, Any]:
    return {
        "id": w.pk,
        "status": w.status,
        "status_label": str(w.get_status_display()),  # type: ignore[attr-defined]
        "title": w.title,
        "description": w.description,
        "compound_id": w.compound_id,  # type: ignore[attr-defined]
        "issue_id": w.issue_id,  # type: ignore[attr-defined]
        "responsible_id": w.responsible_id,  # type: ignore[attr-defined]
        "responsible": w.responsible.name,
        "urgency": w.urgency,
        "respond_by": w.respond_by,
        "resolve_by": w.resolve_by,
        "is_overdue": w.is_overdue,
        "created_at": w.created_at,
        "url": _page("work-order-detail", w.pk),
    }


def session_out(s: Session) -> dict[str, Any]:
    return {
        "id": s.pk,
        "title": s.title,
        "status": s.status,
        "status_label": str(s.get_status_display()),  # type: ignore[attr-defined]
        "community_id": s.community_id,  # type: ignore[attr-defined]
        "starts_at": s.starts_at,
        "duration_minutes": s.duration_minutes,
        "place": s.place,
        "url": _page("session-room", s.pk),
    }


def resolution_out(r: Resolution) -> dict[str, Any]:
    organization = r.responsible_organization
    return {
        "id": r.pk,
        "session_id": r.item.session_id,  # type: ignore[attr-defined]
        "decision": r.decision,
        "responsible_party": r.responsible_party,
        "responsible_organization": organization.name if organization else None,
        "deadline": r.deadline,
        "status": r.status,
        "status_label": str(r.get_status_display()),  # type: ignore[attr-defined]
        "created_at": r.created_at,
        "decided_at": r.decided_at,
    }


def vote_out(v: OwnersVote) -> dict[str, Any]:
    published = v.status == OwnersVote.Status.PUBLISHED
    return {
        "id": v.pk,
        "compound_id": v.compound_id,  # type: ignore[attr-defined]
        "title": v.title,
        "status": v.status,
        "status_label": str(v.get_status_display()),  # type: ignore[attr-defined]
        "temporary": v.temporary,
        "opens_at": v.opens_at,
        "closes_at": v.closes_at,
        "created_at": v.created_at,
        "matters": [
            {
                "position": m.position,
                "title": m.title,
                "kind": m.kind,
                "outcome": m.outcome if published else None,
                "tally": m.tally if published else None,
            }
            for m in v.matters.all()
        ],
        "url": _page("vote-detail", v.pk),
    }
