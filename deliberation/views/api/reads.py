"""Read endpoints of the JSON API: the main things, one page at a time, and each by id.

A list holds what the key's account may see (``deliberation.selectors.api``); a thing by id
is refused like on its page: private things (issues, orders, sessions, votes) answer the
404 a missing id gets, compounds (public places) an honest 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema
from pydantic import create_model

from deliberation import actions, policy
from deliberation.selectors import api as sel
from deliberation.selectors.issues import issues_visible_to
from deliberation.selectors.places import compounds_visible_to
from deliberation.selectors.sessions import sessions_visible_to

from . import schemas as out
from .auth import account_of

router = Router()

#: An id in a path: what ``deliberation.ids`` accepts (18 digits at most: a bigint).
MAX_ID = 10**18 - 1
MAX_PAGE_SIZE = 100


class Paging(Schema):
    page: int = Field(1, ge=1, le=100_000, description="the page, from 1")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="rows a page")


def page_of(item: type[Schema]) -> type[Schema]:
    """``{count, page, page_size, items: [item]}``: one page of a list."""
    model: type[Schema] = create_model(  # type: ignore[call-overload]
        f"{item.__name__.removesuffix('Out')}Page",
        __base__=Schema,
        count=(int, ...),
        page=(int, ...),
        page_size=(int, ...),
        items=(list[item], ...),  # type: ignore[valid-type]
    )
    return model


def errors(*statuses: int) -> dict[int, type[Schema]]:
    return {status: out.Error for status in (401, 429, 422, *statuses)}


def paged(
    qs: QuerySet[Any], paging: Paging, shape: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    start = (paging.page - 1) * paging.page_size
    rows = list(qs[start : start + paging.page_size])
    return {
        "count": qs.count(),
        "page": paging.page,
        "page_size": paging.page_size,
        "items": [shape(row) for row in rows],
    }


def known(request: HttpRequest, kind_name: str, pk: int) -> Any:
    """The thing as its action kind loads it (with the joins its rules need), or 404 alike
    for a missing id and one the account may not know of."""
    kind = actions.kind_of(kind_name)
    obj = kind.load(pk) if kind is not None else None
    if obj is None:
        raise Http404
    # an extension request or an escalation is known to whoever may know its work order
    subject = kind.belongs_to(obj) if kind is not None and kind.belongs_to else obj
    if type(subject).__name__ in policy.EXISTENCE_RULES:
        policy.visible_or_404(account_of(request), subject)
    return obj


Id = Path(..., ge=1, le=MAX_ID, description="the thing's id")


# --- compounds and their notice boards -------------------------------------------------------


@router.get("/compounds", response={200: page_of(out.CompoundOut), **errors()}, tags=["compounds"])
def compound_list(request: HttpRequest, paging: Query[Paging]) -> Any:
    """The compounds the key's organization serves (all of them for the subdistrict)."""
    qs = compounds_visible_to(account_of(request)).order_by("name", "id")
    return paged(qs, paging, out.compound_out)


@router.get(
    "/compounds/{id}", response={200: out.CompoundOut, **errors(403, 404)}, tags=["compounds"]
)
def compound_detail(request: HttpRequest, id: int = Id) -> Any:
    compound = known(request, "compound", id)
    policy.require(account_of(request), "compound.view", compound)
    return out.compound_out(compound)


@router.get(
    "/compounds/{id}/notices",
    response={200: page_of(out.NoticeOut), **errors(403, 404)},
    tags=["compounds"],
)
def compound_notices(request: HttpRequest, paging: Query[Paging], id: int = Id) -> Any:
    """A compound's notice board, the newest first."""
    compound = known(request, "compound", id)
    policy.require(account_of(request), "compound.view", compound)
    qs = sel.notices_visible_to(account_of(request)).filter(compound=compound)
    return paged(qs, paging, out.notice_out)


@router.get("/notices", response={200: page_of(out.NoticeOut), **errors()}, tags=["compounds"])
def notice_list(request: HttpRequest, paging: Query[Paging]) -> Any:
    """Every notice board the key may read, the newest notice first."""
    return paged(sel.notices_visible_to(account_of(request)), paging, out.notice_out)


# --- issues and work orders ------------------------------------------------------------------


@router.get("/issues", response={200: page_of(out.IssueOut), **errors()}, tags=["issues"])
def issue_list(request: HttpRequest, paging: Query[Paging]) -> Any:
    qs = issues_visible_to(account_of(request)).order_by("-created_at", "-id")
    return paged(qs, paging, out.issue_out)


@router.get("/issues/{id}", response={200: out.IssueOut, **errors(404)}, tags=["issues"])
def issue_detail(request: HttpRequest, id: int = Id) -> Any:
    return out.issue_out(known(request, "issue", id))


@router.get(
    "/work-orders", response={200: page_of(out.WorkOrderOut), **errors()}, tags=["work orders"]
)
def work_order_list(request: HttpRequest, paging: Query[Paging]) -> Any:
    return paged(sel.work_orders_visible_to(account_of(request)), paging, out.work_order_out)


@router.get(
    "/work-orders/{id}", response={200: out.WorkOrderOut, **errors(404)}, tags=["work orders"]
)
def work_order_detail(request: HttpRequest, id: int = Id) -> Any:
    return out.work_order_out(known(request, "work_order", id))


# --- sessions and their resolutions ----------------------------------------------------------


@router.get("/sessions", response={200: page_of(out.SessionOut), **errors()}, tags=["sessions"])
def session_list(request: HttpRequest, paging: Query[Paging]) -> Any:
    return paged(sessions_visible_to(account_of(request)), paging, out.session_out)


@router.get("/sessions/{id}", response={200: out.SessionOut, **errors(404)}, tags=["sessions"])
def session_detail(request: HttpRequest, id: int = Id) -> Any:
    return out.session_out(known(request, "session", id))


@router.get(
    "/resolutions", response={200: page_of(out.ResolutionOut), **errors()}, tags=["sessions"]
)
def resolution_list(request: HttpRequest, paging: Query[Paging]) -> Any:
    return paged(sel.resolutions_visible_to(account_of(request)), paging, out.resolution_out)


@router.get(
    "/resolutions/{id}", response={200: out.ResolutionOut, **errors(404)}, tags=["sessions"]
)
def resolution_detail(request: HttpRequest, id: int = Id) -> Any:
    resolution = sel.resolutions_visible_to(account_of(request)).filter(pk=id).first()
    if resolution is None:
        raise Http404
    return out.resolution_out(resolution)


# --- owners' votes and their results ---------------------------------------------------------


@router.get("/votes", response={200: page_of(out.VoteOut), **errors()}, tags=["votes"])
def vote_list(request: HttpRequest, paging: Query[Paging]) -> Any:
    """Owners' votes; each matter's outcome and tally once the results are published."""
    return paged(sel.votes_visible_to(account_of(request)), paging, out.vote_out)


@router.get("/votes/{id}", response={200: out.VoteOut, **errors(404)}, tags=["votes"])
def vote_detail(request: HttpRequest, id: int = Id) -> Any:
    return out.vote_out(known(request, "vote", id))
