"""The inbox's sections on the lists pattern (issue 11 §5): an organization's open work
orders; for a residents' committee (or the subdistrict office) its triage queue; for the
supervision group its overdue list. Each section is a list of its own on the one inbox
page: its fields carry the section's prefix (``orders-<org>-status``, ``triage-<org>-page``,
``supervised-<org>-party``), so each is searched, filtered and paged without touching the
others. A residents' committee also has what it must check and decide: its community's
completed orders to verify (``verify-<org>-…``) and its pending extension requests
(``extensions-<org>-…``), two sections since they are different things (orders, requests)
filtered by different columns.

The same function draws a section for the page, for its refetch (``inbox-section``, with
the page's query string) and for the fragment pushed to everyone (no request: the
unfiltered first page). A page with a query string never swaps that pushed copy in: it
fetches its own (``data-keep-query``, ``static/js/live.js``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from deliberation.models import ExtensionRequest, Issue, Organization, WorkOrder
from deliberation.selectors.issues import waiting_for_triage, with_respond_by
from deliberation.selectors.work_orders import (
    extension_requests,
    open_orders,
    supervised,
    to_verify,
)

from . import ListFilters, Listing, paged
from .issues import category_filter, compound_filter, party_filter
from .work_orders import OrderFilters, status_filter


class OpenOrderFilters(OrderFilters):
    """An inbox holds only orders still to act on: their statuses are the choice."""

    status = status_filter(list(WorkOrder.ACTIVE_STATUSES))


class SupervisedFilters(OpenOrderFilters):
    """The overdue list spans every party: which one is late is the first question."""

    party = party_filter()


class TriageFilters(ListFilters):
    search_fields = ("description",)
    date_field = "created_at"

    compound = compound_filter()
    category = category_filter()

    class Meta:
        model = Issue
        fields: list[str] = []


class VerifyFilters(ListFilters):
    """The committee's orders to verify: all completed, so no status; dated by completion."""

    search_fields = ("title",)
    date_field = "completed_at"

    compound = compound_filter()
    category = category_filter()
    party = party_filter()

    class Meta:
        model = WorkOrder
        fields: list[str] = []


class ExtensionFilters(ListFilters):
    """The committee's pending extension requests, by their order's title, compound and
    party, dated by the request."""

    search_fields = ("work_order__title", "reason")
    number_field = "work_order_id"  # the rows show their order's number
    date_field = "created_at"

    compound = compound_filter(field_name="work_order__compound")
    party = party_filter(field_name="work_order__responsible")

    class Meta:
        model = ExtensionRequest
        fields: list[str] = []


@dataclass(frozen=True)
class Section:
    """One kind of inbox section: what it lists, how it is filtered, and its live element
    (``<element>-<org>``, drawn by ``template``)."""

    key: str
    filters: type[ListFilters]
    rows: Callable[[Organization], QuerySet[Any]]
    element: str
    template: str
    prepare: Callable[[list[Any]], Any] = lambda rows: rows

    def prefix(self, organization: Organization) -> str:
        return f"{self.key}-{organization.pk}"


ORDERS = Section("orders", OpenOrderFilters, open_orders, "inbox", "work_orders/_inbox.html")
TRIAGE = Section(
    "triage",
    TriageFilters,
    waiting_for_triage,
    "triage-queue",
    "issues/_triage_queue.html",
    prepare=with_respond_by,  # each row's SLA clock
)
SUPERVISED = Section(
    "supervised", SupervisedFilters, supervised, "overdue", "work_orders/_overdue.html"
)
VERIFY = Section("verify", VerifyFilters, to_verify, "to-verify", "work_orders/_to_verify.html")
EXTENSIONS = Section(
    "extensions",
    ExtensionFilters,
    extension_requests,
    "extension-requests",
    "work_orders/_extensions.html",
)
SECTIONS = {s.key: s for s in (ORDERS, TRIAGE, SUPERVISED, VERIFY, EXTENSIONS)}


def section_listing(
    section: Section, organization: Organization, request: HttpRequest | None = None
) -> Listing:
    """The section's page as the request's query string asks (the first, unfiltered page
    without a request)."""
    listing = paged(
        request,
        section.rows(organization),
        section.filters,
        prefix=section.prefix(organization),
        anchor=section.prefix(organization),
    )
    section.prepare(listing.rows)
    return listing


def section_context(
    section: Section, organization: Organization, request: HttpRequest | None = None
) -> dict[str, Any]:
    """What the section's template needs (the page, its refetch, and its push)."""
    listing = section_listing(section, organization, request)
    return {"organization": organization, "list": listing, "list_id": listing.prefix}
