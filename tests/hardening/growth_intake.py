"""Query-budget helpers of the intake area: how to make the rows its pages and fragments list
grow, and the transitions that push its fragments (used by ``budgets.py``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from deliberation.models import (
    Compound,
    HotlineImport,
    HotlineImportRow,
    Issue,
    IssueActivity,
    IssueCategory,
    Organization,
)

# --- issues: the open311 list, the indicators ------------------------------------------------


def _issues(demo: Any, n: int, compound: Any, **extra: Any) -> list[Issue]:
    jumin = demo.user("jumin")
    return Issue.objects.bulk_create(
        Issue(
            reporter=jumin,
            channel=Issue.Channel.WEB,
            description=f"budget {i}",
            compound=compound,
            **extra,
        )
        for i in range(n)
    )


def grow_issues(demo: Any, n: int) -> None:
    """Issues in 团结公寓 in every state the indicators count: new, held by the firm and
    accepted, closed as fixed and rated, closed as a duplicate; reported over the months."""
    compound = demo.tuanjie
    firm = compound.property_provider_id
    category = IssueCategory.objects.get(code="repair")
    now = timezone.now()
    shapes: list[dict[str, Any]] = [
        {},
        {"responsible_id": firm, "status": Issue.Status.DISPATCHED, "responded_at": now},
        {
            "responsible_id": firm,
            "status": Issue.Status.CLOSED,
            "closure_reason": Issue.ClosureReason.FIXED,
            "rating": Issue.Rating.SATISFIED,
            "responded_at": now,
        },
        {"status": Issue.Status.CLOSED, "closure_reason": Issue.ClosureReason.DUPLICATE},
    ]
    for k, shape in enumerate(shapes):
        count = n // len(shapes) + (1 if k < n % len(shapes) else 0)
        made = _issues(demo, count, compound, category=category, **shape)
        for month in range(6):  # spread over the shown months: the i-th made, i % 6 back
            Issue.objects.filter(pk__in=[issue.pk for issue in made[month::6]]).update(
                created_at=now - timedelta(days=month * 30)
            )


def grow_compounds_with_issues(demo: Any, n: int) -> None:
    """Compounds of 团结公寓's community and firm, each with an issue (one indicator row
    each, for the subdistrict, the committee and the firm)."""
    t = demo.tuanjie
    start = Compound.objects.count()
    compounds = Compound.objects.bulk_create(
        Compound(
            community_id=t.community_id,
            name=f"指标小区{start + i}",
            category=t.category,
            management_mode=t.management_mode,
            property_provider_id=t.property_provider_id,
        )
        for i in range(n)
    )
    jumin = demo.user("jumin")
    Issue.objects.bulk_create(
        Issue(
            reporter=jumin,
            channel=Issue.Channel.HOTLINE,
            description="budget",
            compound=c,
            responsible_id=t.property_provider_id,
            status=Issue.Status.DISPATCHED,
        )
        for c in compounds
    )


def grow_categories(demo: Any, n: int) -> None:
    start = IssueCategory.objects.count()
    IssueCategory.objects.bulk_create(
        IssueCategory(
            code=f"budget-{start + i}",
            name=f"预算类别{start + i}",
            description="d",
            group="预算",
            keywords="预算，类别",
        )
        for i in range(n)
    )


def grow_organizations(demo: Any, n: int) -> None:
    """Property firms: the triage panel offers them as responsible and co-operating."""
    start = Organization.objects.count()
    subdistrict_id = demo.tuanjie.property_provider.subdistrict_id
    Organization.objects.bulk_create(
        Organization(
            name=f"预算物业公司{start + i}",
            kind=Organization.Kind.PROPERTY_FIRM,
            subdistrict_id=subdistrict_id,
        )
        for i in range(n)
    )


def grow_triage_choices(demo: Any, n: int) -> None:
    """What the triage panel lists: compounds, organizations and categories."""
    from .budgets import grow_compounds

    grow_compounds(demo, n)
    grow_organizations(demo, n)
    grow_categories(demo, n)


def grow_report_choices(demo: Any, n: int) -> None:
    """What the report form lists: compounds (with a building each) and categories."""
    from deliberation.models import Building

    from .budgets import grow_compounds

    before = set(Compound.objects.values_list("pk", flat=True))
    grow_compounds(demo, n)
    Building.objects.bulk_create(
        Building(compound=c, name="1号楼") for c in Compound.objects.exclude(pk__in=before)
    )
    grow_categories(demo, n)


# --- the new issue of the triage page ---------------------------------------------------------


def the_new_issue(demo: Any) -> Issue:
    """jumin's issue in 团结公寓, waiting for triage (made once per test)."""
    if not hasattr(demo, "_budget_new_issue"):
        from tests.intake.factories import report

        demo._budget_new_issue = report("budget: 楼道有异味")
    issue: Issue = demo._budget_new_issue
    return issue


def triage_url(demo: Any) -> str:
    return reverse("action", args=["issue", the_new_issue(demo).pk, "categorise"])


def controls_url(demo: Any) -> str:
    """The triage controls a page fetches again after a push (every form, every choice)."""
    return reverse("action-controls", args=["issue", the_new_issue(demo).pk])


def grow_new_issues(demo: Any, n: int) -> None:
    """Reports waiting for triage in 团结公寓: each one is a task of its committee."""
    from deliberation.models import IssueCategory

    repair, compound = IssueCategory.objects.get(code="repair"), demo.tuanjie
    Issue.objects.bulk_create(
        Issue(
            channel=Issue.Channel.PHONE,
            description=f"budget task {i}",
            compound=compound,
            category=repair,
        )
        for i in range(n)
    )


def invalid_category(demo: Any, i: int) -> dict[str, Any]:
    """No category chosen: the step comes back (400) with its form and errors."""
    return {"cat-category": "", "cat-urgency": "ordinary", "cat-compound": ""}


# --- open311 ----------------------------------------------------------------------------------


def open311_url(path: str, *, key: bool = False) -> Any:
    from deliberation.demo.channels import DEMO_OPEN311_KEY

    suffix = f"?api_key={DEMO_OPEN311_KEY}" if key else ""
    return lambda demo: f"/open311/v2/{path}{suffix}"


def open311_request_url(*, key: bool = False) -> Any:
    from deliberation.demo.channels import DEMO_OPEN311_KEY
    from tests.hardening.budgets import the_issue

    suffix = f"?api_key={DEMO_OPEN311_KEY}" if key else ""
    return lambda demo: f"/open311/v2/requests/{the_issue(demo).pk}.json{suffix}"


def grow_public_steps(demo: Any, n: int) -> None:
    """Public steps of the issue (its status_notes is the latest)."""
    from tests.hardening.budgets import the_issue

    issue = the_issue(demo)
    IssueActivity.objects.bulk_create(
        IssueActivity(issue=issue, kind=IssueActivity.Kind.NOTE, public_text=f"step {i}")
        for i in range(n)
    )


# --- hotline ---------------------------------------------------------------------------------


def the_batch(demo: Any) -> HotlineImport:
    """A staged import by juwei (made once per test)."""
    if not hasattr(demo, "_budget_batch"):
        from tests.hardening.surfaces_intake import hotline_batch

        demo._budget_batch = hotline_batch(demo)
    batch: HotlineImport = demo._budget_batch
    return batch


def preview_url(demo: Any) -> str:
    return reverse("hotline-preview", args=[the_batch(demo).pk])


def progress_url(demo: Any) -> str:
    return reverse("hotline-progress", args=[the_batch(demo).pk])


def batch_controls_url(demo: Any) -> str:
    return reverse("action-controls", args=["hotline_import", the_batch(demo).pk])


def grow_batch_rows(demo: Any, n: int) -> None:
    """Rows of the staged import: valid, invalid and duplicate, with their messages."""
    batch = the_batch(demo)
    start = batch.rows.count() + 1
    statuses = [
        HotlineImportRow.Status.VALID,
        HotlineImportRow.Status.INVALID,
        HotlineImportRow.Status.DUPLICATE,
    ]
    rows = HotlineImportRow.objects.bulk_create(
        HotlineImportRow(
            batch=batch,
            line=start + i,
            ticket=f"T-BUDGET-{start + i}",
            status=statuses[i % 3],
            data={"compound": "团结公寓", "category": "电梯", "description": f"row {i}"},
            messages=[] if i % 3 == 0 else ["not a date"],
        )
        for i in range(n)
    )
    HotlineImport.objects.filter(pk=batch.pk).update(total_rows=batch.total_rows + len(rows))


def grow_imports(demo: Any, n: int) -> None:
    """Earlier imports by juwei (the upload page lists the latest few)."""
    juwei = demo.user("juwei")
    HotlineImport.objects.bulk_create(
        HotlineImport(uploaded_by=juwei, filename=f"old-{i}.csv", total_rows=1) for i in range(n)
    )


# --- the rating fragment ---------------------------------------------------------------------


def completed_order(demo: Any, i: int) -> Any:
    """A work order the firm completed, waiting for the community's check."""
    from tests.intake.factories import completed

    return completed(f"budget rating {i}")[1]


def verify(demo: Any, order: Any) -> Any:
    """The community approves the work: the reporter's page is offered the rating form."""
    from deliberation.services.work_orders import verify_work_order

    return verify_work_order(work_order=order, actor=demo.user("juwei"), approved=True)


def grow_reporters_issues(demo: Any, n: int) -> None:
    """jumin's other issues (the fragment is about one issue: it must not see them)."""
    _issues(demo, n, demo.tuanjie)


# --- work orders: the task lists and the order's controls ------------------------------------


def _orders_of(demo: Any, n: int, status: str, issues: list[Issue] | None = None) -> list[Any]:
    from deliberation.models import WorkOrder

    now = timezone.now()
    compound = demo.tuanjie
    return WorkOrder.objects.bulk_create(
        WorkOrder(
            responsible_id=compound.property_provider_id,
            title=f"task {i}",
            description="d",
            compound=compound,
            issue=issues[i] if issues else None,
            status=status,
            respond_by=now + timedelta(hours=i % 48 - 24),  # some overdue, some due soon
            resolve_by=now + timedelta(days=3),
        )
        for i in range(n)
    )


def grow_owed_ratings(demo: Any, n: int) -> None:
    """jumin's issues whose orders the community verified: each owes a rating."""
    issues = _issues(demo, n, demo.tuanjie, status=Issue.Status.RESOLVED)
    _orders_of(demo, n, "verified", issues)


def grow_orders_to_accept(demo: Any, n: int) -> None:
    """Orders dispatched to 团结公寓's firm, some past their respond-by."""
    _orders_of(demo, n, "dispatched")


def grow_orders_to_verify(demo: Any, n: int) -> None:
    """Orders the firm completed, each with its pending extension decided long ago and a
    new pending one (the committee decides)."""
    from deliberation.models import ExtensionRequest

    orders = _orders_of(demo, n, "completed") + _orders_of(demo, n, "in_progress")
    wuye = demo.user("wuye")
    ExtensionRequest.objects.bulk_create(
        ExtensionRequest(
            work_order=o,
            requested_by=wuye,
            reason="r",
            new_resolve_by=o.resolve_by + timedelta(days=1),
        )
        for o in orders
        if o.status == "in_progress"
    )


def task_list_url(demo: Any) -> str:
    return reverse("task-list")
