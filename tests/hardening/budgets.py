"""The query budget of every page and every pushed fragment (issue 5, part 2).

Every named URL of the project must appear in ``PAGES`` (or, with a reason, in
``NOT_PAGES``), and every live event kind recorded anywhere in the code must appear in
``FRAGMENTS`` — ``test_query_budgets.py`` fails otherwise, so a new list page or a new push
cannot ship without showing that its query count does not grow with the rows it lists.

A budget says who asks for what, and how to grow "the rows" the page or fragment lists
(``grow(demo, n)`` adds ``n`` of them); the test measures at 10 and at 1,000.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse

from deliberation.actions import KINDS
from deliberation.models import Announcement, Building, Compound, Unit

from . import growth_indicators, growth_intake, growth_sessions, growth_votes  # noqa: F401
from . import growth_ledger as gl

MAX_PAGE_QUERIES = 12
#: The person's task list on the home pages and the inbox: at most one joined query per
#: kind of thing that may hold tasks (``deliberation.actions.tasks``), read from the
#: registry, and the prefetches of their joins; never one per row.
TASK_LIST_QUERIES = sum(1 for kind in KINDS.values() if kind.task_candidates) + 2
WITH_TASK_LIST = MAX_PAGE_QUERIES + TASK_LIST_QUERIES
#: A residents' committee's inbox has four filtered sections (triage, orders to verify,
#: extension requests, its own orders): each one's count and page, and one query per select
#: of its filter form (compound, category, party), whatever the rows.
COMMITTEE_INBOX = WITH_TASK_LIST + 7


def grow_announcements(demo: Any, n: int) -> None:
    compound, wuye = demo.tuanjie, demo.user("wuye")
    Announcement.objects.bulk_create(
        Announcement(
            compound=compound,
            organization_id=compound.property_provider_id,
            author=wuye,
            title=f"budget {i}",
            body="b",
        )
        for i in range(n)
    )


def grow_compounds(demo: Any, n: int) -> None:
    """Compounds served by wuye's firm in 团结公寓's community (seen by staff and office)."""
    t = demo.tuanjie
    start = Compound.objects.count()
    Compound.objects.bulk_create(
        Compound(
            community_id=t.community_id,
            name=f"预算小区{start + i}",
            category=t.category,
            management_mode=t.management_mode,
            property_provider_id=t.property_provider_id,
        )
        for i in range(n)
    )


def grow_units(demo: Any, n: int) -> None:
    building, _ = Building.objects.get_or_create(compound=demo.tuanjie, name="预算楼")
    start = Unit.objects.filter(building=building).count()
    Unit.objects.bulk_create(
        Unit(building=building, number=f"B{start + i}", exclusive_area=Decimal("50"))
        for i in range(n)
    )


def grow_nothing(demo: Any, n: int) -> None:
    return None


# --- intake: one issue and one accepted work order per test, with growing history ------------


def the_issue(demo: Any) -> Any:
    """jumin's issue in 团结公寓, dispatched to 京朝物业 and accepted (made once per test)."""
    if not hasattr(demo, "_budget_order"):
        from deliberation.services.work_orders import accept_work_order
        from tests.intake.factories import dispatched

        issue, order = dispatched("budget: 楼道灯坏了")
        accept_work_order(work_order=order, actor=demo.user("wuye"))
        demo._budget_issue, demo._budget_order = issue, order
    return demo._budget_issue


def the_order(demo: Any) -> Any:
    the_issue(demo)
    return demo._budget_order


def grow_activities(demo: Any, n: int) -> None:
    from deliberation.models import IssueActivity

    issue = the_issue(demo)
    IssueActivity.objects.bulk_create(
        IssueActivity(issue=issue, kind=IssueActivity.Kind.NOTE, public_text=f"a{i}")
        for i in range(n)
    )


def grow_notes(demo: Any, n: int) -> None:
    from deliberation.models import WorkOrderNote

    order, wuye = the_order(demo), demo.user("wuye")
    WorkOrderNote.objects.bulk_create(
        WorkOrderNote(
            work_order=order,
            kind=WorkOrderNote.Kind.PROGRESS,
            text=f"n{i}",
            author=wuye,
            organization_id=order.responsible_id,
        )
        for i in range(n)
    )


def grow_new_issues(demo: Any, n: int) -> None:
    """Issues waiting in the 中路 residents' committee's triage queue."""
    from deliberation.models import Issue

    jumin, compound = demo.user("jumin"), demo.tuanjie
    Issue.objects.bulk_create(
        Issue(
            reporter=jumin,
            channel=Issue.Channel.WEB,
            description=f"q{i}",
            compound=compound,
        )
        for i in range(n)
    )


def _orders(demo: Any, n: int, status: str) -> list[Any]:
    from datetime import timedelta

    from django.utils import timezone

    from deliberation.models import WorkOrder

    now = timezone.now()
    compound = demo.tuanjie
    return WorkOrder.objects.bulk_create(
        WorkOrder(
            responsible_id=compound.property_provider_id,
            title=f"o{i}",
            description="d",
            compound=compound,
            status=status,
            respond_by=now + timedelta(days=1),
            resolve_by=now + timedelta(days=3),
        )
        for i in range(n)
    )


def grow_inbox(demo: Any, n: int) -> None:
    from deliberation.models import WorkOrder

    _orders(demo, n, WorkOrder.Status.DISPATCHED)


def _inbox_orgs(demo: Any) -> dict[str, int]:
    from deliberation.models import Organization

    group = Organization.objects.get(kind=Organization.Kind.SUPERVISION_GROUP)
    return {
        "firm": demo.tuanjie.property_provider_id,
        "rc": demo.tuanjie.community.residents_committee_id,
        "group": group.pk,
    }


def _section_url(demo: Any, section: str, query: str) -> str:
    """An inbox section's URL; ``{firm}`` and ``{rc}`` in the query are the organizations'."""
    orgs = _inbox_orgs(demo)
    org = orgs["firm" if section == "orders" else "group" if section == "supervised" else "rc"]
    return reverse("inbox-section", args=[org, section]) + query.format(**orgs)


def _inbox_query(demo: Any) -> str:
    query = "?orders-{firm}-status=dispatched&orders-{firm}-q=o&orders-{firm}-page=2"
    return reverse("inbox") + query.format(**_inbox_orgs(demo))


def _supervised_query(demo: Any) -> str:
    query = "?supervised-{group}-party={firm}&supervised-{group}-q=o&supervised-{group}-page=2"
    return reverse("inbox") + query.format(**_inbox_orgs(demo))


def _triage_query(demo: Any) -> str:
    query = "?triage-{rc}-q=q&triage-{rc}-compound={compound}&triage-{rc}-page=2"
    return reverse("inbox") + query.format(compound=demo.tuanjie.pk, **_inbox_orgs(demo))


def _committee_query(demo: Any) -> str:
    """Both of the committee's own sections filtered (a party, a compound) and paged."""
    query = (
        "?verify-{rc}-q=task&verify-{rc}-party={firm}&verify-{rc}-page=2"
        "&extensions-{rc}-compound={compound}&extensions-{rc}-since=2000-01-01"
        "&extensions-{rc}-page=2"
    )
    return reverse("inbox") + query.format(compound=demo.tuanjie.pk, **_inbox_orgs(demo))


def grow_to_verify(demo: Any, n: int) -> None:
    from deliberation.models import WorkOrder

    _orders(demo, n, WorkOrder.Status.COMPLETED)


def grow_escalations(demo: Any, n: int) -> None:
    from django.utils import timezone

    from deliberation.models import Escalation, Organization, WorkOrder

    supervisor = Organization.objects.get(kind=Organization.Kind.SUPERVISION_GROUP)
    Escalation.objects.bulk_create(
        Escalation(
            work_order=o,
            supervisor=supervisor,
            reason=Escalation.Reason.RESPOND_BY,
            deadline=timezone.now(),
        )
        for o in _orders(demo, n, WorkOrder.Status.DISPATCHED)
    )


def _meeting(demo: Any) -> Any:
    from deliberation.models import OwnersVote

    return OwnersVote.objects.get(compound=demo.tuanjie, title__startswith="2026年第一次临时")


def _voters(demo: Any, n: int) -> list[Any]:
    from decimal import Decimal

    from deliberation.models import Voter

    vote = _meeting(demo)
    start = Voter.objects.filter(vote=vote).count()
    return Voter.objects.bulk_create(
        Voter(
            vote=vote,
            key=f"b{start + i}",
            label=f"预算业主{start + i}",
            units="-",
            area=Decimal("50"),
        )
        for i in range(n)
    )


def grow_ballots(demo: Any, n: int) -> None:
    """Owners on the meeting's register with an online ballot on its first matter."""
    from deliberation.models import Ballot

    matter = _meeting(demo).matters.order_by("position").first()
    juwei = demo.user("juwei")
    Ballot.objects.bulk_create(
        Ballot(
            matter=matter,
            voter=v,
            choice="agree",
            channel="online",
            confirmed=True,
            cast_by=juwei,
        )
        for v in _voters(demo, n)
    )


def grow_paper_ballots(demo: Any, n: int) -> None:
    """Paper ballots entered and waiting for the second person's confirmation."""
    from deliberation.models import Ballot

    matter = _meeting(demo).matters.order_by("position").first()
    juwei = demo.user("juwei")
    Ballot.objects.bulk_create(
        Ballot(
            matter=matter,
            voter=v,
            choice="agree",
            channel="paper",
            confirmed=False,
            cast_by=juwei,
        )
        for v in _voters(demo, n)
    )


def grow_votes(demo: Any, n: int) -> None:
    from deliberation.models import OwnersVote

    compound, yeweihui = demo.tuanjie, demo.user("yeweihui")
    OwnersVote.objects.bulk_create(
        OwnersVote(
            compound=compound,
            title=f"预算表决{i}",
            origin=OwnersVote.Origin.values[0],
            proposed_by=yeweihui,
        )
        for i in range(n)
    )


def _budget_petition(demo: Any) -> Any:
    """A petition of 团结公寓 that never reaches 20 % (it lists every signature)."""
    from deliberation.models import OwnersVote

    found = OwnersVote.objects.filter(compound=demo.tuanjie, title="预算联名提议").first()
    if found is not None:
        return found
    from deliberation.law.owners_votes import MatterKind
    from deliberation.models import User
    from deliberation.selectors.owner_register import owner_register
    from deliberation.services.votes import MatterSpec, start_petition

    roles = {demo.user("jumin").pk, demo.user("yeweihui").pk}
    owners = [h.person_id for h in owner_register(demo.tuanjie).heads if h.person_id]
    starter = User.objects.get(pk=next(pk for pk in owners if pk not in roles))
    vote = start_petition(
        actor=starter,
        compound=demo.tuanjie,
        title="预算联名提议",
        matters=[MatterSpec(MatterKind.OTHER, "预算事项")],
    )
    OwnersVote.objects.filter(pk=vote.pk).update(total_heads=10**7, petition_needed=2 * 10**6)
    vote.refresh_from_db()
    return vote


def grow_signatures(demo: Any, n: int) -> None:
    """Signatures staff entered for owners, each with its organization and call."""
    from django.utils import timezone

    from deliberation.models import PetitionSignature

    vote = _budget_petition(demo)
    start = vote.signatures.count()
    juwei = demo.user("juwei")
    committee = demo.tuanjie.community.residents_committee
    PetitionSignature.objects.bulk_create(
        PetitionSignature(
            vote=vote,
            key=f"b{start + i}",
            label=f"预算业主{start + i}",
            how="phone",
            recorded_by=juwei,
            organization=committee,
            call_at=timezone.now(),
            call_note="业主本人来电",
        )
        for i in range(n)
    )


def _unsigned(demo: Any, i: int) -> str:
    from deliberation.selectors.owner_register import owner_register

    vote = _budget_petition(demo)
    signed = set(vote.signatures.values_list("key", flat=True))
    return next(h.key for h in owner_register(demo.tuanjie).heads if h.key not in signed)


def _sign_for(demo: Any, key: str) -> Any:
    from deliberation.services.votes import record_signature_for

    return record_signature_for(
        actor=demo.user("juwei"), vote=_budget_petition(demo), key=key, how="in_person"
    )


def _cast(demo: Any, matter: Any) -> Any:
    from deliberation.services.votes import cast_ballot

    return cast_ballot(actor=demo.user("jumin"), matter=matter, choice="agree")


def _a_matter(demo: Any, i: int) -> Any:
    return list(_meeting(demo).matters.order_by("position"))[i % 5]


def _enter_paper(demo: Any, voter: Any) -> Any:
    from deliberation.services.votes import enter_paper_ballot

    matter = _meeting(demo).matters.order_by("position").first()
    return enter_paper_ballot(actor=demo.user("juwei"), matter=matter, voter=voter, choice="agree")


@dataclass(frozen=True)
class Budget:
    """``user`` requests ``url(demo)`` (GET, or POST with ``data(demo, i)``)."""

    user: str | None
    url: Callable[[Any], str]
    grow: Callable[[Any, int], None]
    method: str = "get"
    data: Callable[[Any, int], dict[str, Any]] | None = None
    max_queries: int = MAX_PAGE_QUERIES
    statuses: tuple[int, ...] = (200,)
    headers: dict[str, str] = field(default_factory=dict)

    def label(self, name: str) -> str:
        return f"{name}[{self.user or 'anonymous'}]"


def _compound_url(name: str) -> Callable[[Any], str]:
    return lambda demo: reverse(name, args=[demo.tuanjie.pk])


def _announcement(demo: Any, i: int) -> dict[str, Any]:
    data = {"organization": demo.tuanjie.property_provider_id, "title": f"t{i}", "body": "b"}
    return {f"announce-{k}": v for k, v in data.items()}


def _compound_action(name: str) -> Callable[[Any], str]:
    return lambda demo: reverse("action", args=["compound", demo.tuanjie.pk, name])


def _previewed_register(demo: Any, i: int) -> dict[str, Any]:
    """The confirm step of an owner register import: one previewed row, signed for jiedao."""
    from deliberation.forms import sign_register_rows

    row = {"line": 2, "building": "预算楼", "number": "B0", "area": f"{60 + i}"}
    rows = [{**row, "source": "survey", "owner": ""}]
    return {"import_register-rows": sign_register_rows(demo.tuanjie, demo.user("jiedao"), rows)}


# --- sessions: the demo session of 团结公寓, with growing agenda and questions -------------


def the_session(demo: Any) -> Any:
    from deliberation.demo.sessions import TITLE
    from deliberation.models import Session

    return Session.objects.get(title=TITLE)


def grow_session(demo: Any, n: int) -> None:
    """Agenda items, residents' questions (half taken up, so the public sees them too)."""
    from deliberation.models import AgendaItem, Question

    session = the_session(demo)
    start = AgendaItem.objects.filter(session=session).count() + 100
    AgendaItem.objects.bulk_create(
        AgendaItem(session=session, order=start + i, title=f"budget {i}") for i in range(n)
    )
    jumin = demo.user("jumin")
    Question.objects.bulk_create(
        Question(
            session=session,
            author=jumin,
            text=f"q{i}",
            status=Question.Status.TAKEN_UP if i % 2 else Question.Status.QUEUED,
        )
        for i in range(n)
    )


def _session_url(name: str, *args: str) -> Callable[[Any], str]:
    return lambda demo: reverse(name, args=[the_session(demo).pk, *args])


def _ask(demo: Any, i: int) -> Any:
    from deliberation.services.sessions import submit_question

    return submit_question(actor=demo.user("jumin"), session=the_session(demo), text=f"ask {i}")


#: URL name → the budgets that exercise it.
PAGES: dict[str, list[Budget]] = {
    "home": [
        Budget("jumin", lambda d: reverse("home"), grow_announcements, max_queries=WITH_TASK_LIST),
        Budget("wuye", lambda d: reverse("home"), grow_compounds, max_queries=WITH_TASK_LIST),
        Budget("jiedao", lambda d: reverse("home"), grow_compounds, max_queries=WITH_TASK_LIST),
    ],
    "compound-detail": [
        Budget("jumin", _compound_url("compound-detail"), grow_announcements),
        Budget("wuye", _compound_url("compound-detail"), grow_announcements),
        Budget("jiedao", _compound_url("compound-detail"), grow_units),
    ],
    "compound-notices": [
        Budget("jumin", _compound_url("compound-notices"), grow_announcements),
        Budget(
            "wuye",
            lambda d: _compound_url("compound-notices")(d) + "?q=budget&mine=1",
            grow_announcements,
        ),
    ],
    # posting a notice and confirming an owner register import: steps on the compound
    "action#5": [
        Budget(
            "wuye",
            _compound_action("announce"),
            grow_announcements,
            method="post",
            data=_announcement,
            headers={"HTTP_HX_REQUEST": "true"},
            # a write: its transaction, the pushed board, the refetch markers of the compound's
            # controls and of its three bodies' task lists, then the poster's controls again
            max_queries=25,
        ),
        Budget(
            "jiedao",
            _compound_action("import_register"),
            grow_units,
            method="post",
            data=_previewed_register,
            statuses=(302,),
            max_queries=25,  # a write of one row, checked again first, and the refetch markers
        ),
    ],
    "issue-detail": [
        Budget(u, lambda d: reverse("issue-detail", args=[the_issue(d).pk]), grow_activities)
        for u in ("jumin", "juwei", "wuye", "jiedao")
    ],
    "work-order-detail": [
        Budget(u, lambda d: reverse("work-order-detail", args=[the_order(d).pk]), grow_notes)
        for u in ("wuye", "juwei", "dudao")
    ],
    "session-room": [
        Budget(u, _session_url("session-room"), grow_session) for u in ("shuji", "wuye", "jiedao")
    ],
    "session-public": [Budget("jumin", _session_url("session-public"), grow_session)],
    "session-board": [
        Budget("shuji", _session_url("session-board", "room"), grow_session),
        Budget("jumin", _session_url("session-board", "public"), grow_session),
    ],
    # + the firms for the proposal's chooser and the adopted rules/covenant (issue 13 §1)
    "compound-votes": [
        Budget(u, _compound_url("compound-votes"), grow_votes, max_queries=MAX_PAGE_QUERIES + 2)
        for u in ("jumin", "yeweihui")
    ],
    # + the matters' documents and the owner's own ballot receipt (issue 13 §1)
    "vote-detail": [
        Budget(
            u,
            lambda d: reverse("vote-detail", args=[_meeting(d).pk]),
            grow_ballots,
            max_queries=MAX_PAGE_QUERIES + 2,
        )
        for u in ("jumin", "juwei", "yeweihui")
    ],
    # a petition: the staff's signatures list, the owner's own signature
    "vote-detail#petition": [
        Budget(
            u,
            lambda d: reverse("vote-detail", args=[_budget_petition(d).pk]),
            grow_signatures,
            max_queries=MAX_PAGE_QUERIES + 2,
        )
        for u in ("jumin", "juwei")
    ],
    "vote-audit": [
        Budget("juwei", lambda d: reverse("vote-audit", args=[_meeting(d).pk]), grow_ballots)
    ],
    "owner-register": [
        Budget(u, _compound_url("owner-register"), grow_units) for u in ("juwei", "wuye")
    ],
    "issue-list": [
        Budget(u, lambda d: reverse("issue-list"), grow_new_issues) for u in ("jumin", "juwei")
    ],
    "inbox": [
        Budget("wuye", lambda d: reverse("inbox"), grow_inbox, max_queries=WITH_TASK_LIST),
        Budget("juwei", lambda d: reverse("inbox"), grow_new_issues, max_queries=COMMITTEE_INBOX),
        Budget("dudao", lambda d: reverse("inbox"), grow_escalations, max_queries=WITH_TASK_LIST),
        # filtered and on another page (deliberation/lists/inbox.py): the same budget
        Budget("wuye", _inbox_query, grow_inbox, max_queries=WITH_TASK_LIST),
        # the chosen compound is looked up once to be checked (one of the user's own)
        Budget("juwei", _triage_query, grow_new_issues, max_queries=COMMITTEE_INBOX + 1),
        # the chosen party likewise
        Budget("dudao", _supervised_query, grow_escalations, max_queries=WITH_TASK_LIST + 1),
        # the committee's orders to verify and extension requests (no cap: paged)
        Budget(
            "juwei",
            lambda d: reverse("inbox"),
            growth_intake.grow_orders_to_verify,
            max_queries=COMMITTEE_INBOX,
        ),
        Budget(
            "juwei",
            _committee_query,
            growth_intake.grow_orders_to_verify,
            max_queries=COMMITTEE_INBOX + 2,
        ),
    ],
    # One inbox section, as a filtered page refetches it when a push says it changed.
    "inbox-section": [
        Budget("wuye", lambda d: _section_url(d, "orders", "?orders-{firm}-q=o"), grow_inbox),
        Budget(
            "juwei", lambda d: _section_url(d, "triage", "?triage-{rc}-page=2"), grow_new_issues
        ),
        Budget(
            "dudao",
            lambda d: _section_url(d, "supervised", "?supervised-{group}-overdue=on"),
            grow_escalations,
        ),
        Budget(
            "juwei",
            lambda d: _section_url(d, "verify", "?verify-{rc}-q=task&verify-{rc}-page=2"),
            growth_intake.grow_orders_to_verify,
        ),
        Budget(
            "juwei",
            lambda d: _section_url(d, "extensions", "?extensions-{rc}-party={firm}"),
            growth_intake.grow_orders_to_verify,
        ),
    ],
    # Every order the user may open, filtered and paged (deliberation/lists).
    "work-order-list": [
        Budget("wuye", lambda d: reverse("work-order-list"), grow_inbox),
        Budget("juwei", lambda d: reverse("work-order-list") + "?status=dispatched", grow_inbox),
        Budget("jiedao", lambda d: reverse("work-order-list") + "?q=o&mine=1", grow_inbox),
    ],
    # One action alone on its own page (where a task needing input leads).
    "action": [
        Budget(
            "wuye",
            lambda d: reverse("action", args=["work_order", the_order(d).pk, "complete"]),
            grow_notes,
        )
    ],
    "escalation-history": [
        Budget("dudao", lambda d: reverse("escalation-history"), grow_escalations),
        Budget(
            "jiedao", lambda d: reverse("escalation-history") + "?status=open", grow_escalations
        ),
    ],
    # --- sessions (more) ---
    "session-list": [
        Budget(u, lambda d: reverse("session-list"), growth_sessions.grow_sessions)
        for u in ("shuji", "jumin", "jiedao")
    ],
    "session-minutes": [
        Budget(u, growth_sessions.minutes_url, growth_sessions.grow_minutes)
        for u in ("jumin", "shuji", "wuye")
    ]
    + [Budget("shuji", growth_sessions.draft_minutes_url, growth_sessions.grow_draft_minutes)],
    "session-ics": [
        Budget(u, growth_sessions.ics_url, growth_sessions.grow_agenda) for u in ("wuye", "jumin")
    ],
    "session-convene": [
        Budget(u, lambda d: reverse("session-convene"), growth_sessions.grow_waiting_issues)
        for u in ("shuji", "juwei")
    ]
    + [Budget("shuji", lambda d: reverse("session-convene"), grow_compounds)],
    # --- intake, work orders and channels (more) ---
    "indicators": [
        Budget(u, lambda d: reverse("indicators"), g)
        for u in ("jiedao", "juwei", "wuye", "yeweihui")
        for g in (
            growth_intake.grow_issues,
            growth_intake.grow_compounds_with_issues,
            growth_indicators.grow_alarms,
        )
    ],
    # the indicators' exports, the 三率, the classified view, a compound's public figures
    "indicators-export": [
        Budget(u, growth_indicators.url("indicators-export", table, fmt), g)
        for u in ("jiedao", "yeweihui")
        for table, fmt in (("parties", "csv"), ("compounds", "xlsx"), ("months", "csv"))
        for g in (growth_intake.grow_issues, growth_intake.grow_compounds_with_issues)
    ],
    "rates": [
        Budget(u, growth_indicators.url("rates"), growth_indicators.grow_units)
        for u in ("jiedao", "juwei")
    ],
    "rates-export": [
        Budget("jiedao", growth_indicators.url("rates-export", t, f), growth_indicators.grow_units)
        for t, f in (("rates", "xlsx"), ("gaps", "csv"))
    ],
    "indicators-classified": [
        Budget(u, growth_indicators.url("indicators-classified"), g)
        for u in ("jiedao", "juwei")
        for g in (growth_indicators.grow_units, growth_intake.grow_compounds_with_issues)
    ],
    "classified-export": [
        Budget(
            "jiedao",
            growth_indicators.url("classified-export", "groups", "xlsx"),
            growth_indicators.grow_issues_and_units,
        )
    ],
    "public-figures": [Budget(None, growth_indicators.public_url, growth_intake.grow_issues)],
    "open311-requests": [
        Budget(None, growth_intake.open311_url("requests.json"), growth_intake.grow_issues),
        Budget(
            None, growth_intake.open311_url("requests.json", key=True), growth_intake.grow_issues
        ),
        Budget(None, growth_intake.open311_url("requests.xml"), growth_intake.grow_issues),
    ],
    "open311-request": [
        Budget(None, growth_intake.open311_request_url(), growth_intake.grow_public_steps),
        Budget(None, growth_intake.open311_request_url(key=True), growth_intake.grow_public_steps),
    ],
    "open311-services": [
        Budget(None, growth_intake.open311_url("services.json"), growth_intake.grow_categories),
        Budget(None, growth_intake.open311_url("services.xml"), growth_intake.grow_categories),
    ],
    "open311-service": [
        Budget(
            None, growth_intake.open311_url("services/repair.json"), growth_intake.grow_categories
        ),
    ],
    "issue-report": [
        Budget(u, lambda d: reverse("issue-report"), growth_intake.grow_report_choices)
        for u in ("jumin", "juwei", "jiedao")
    ],
    "issue-enter": [
        Budget(u, lambda d: reverse("issue-enter"), growth_intake.grow_report_choices)
        for u in ("juwei", "jiedao")
    ],
    # the one action URL: a refused triage step (its page, and htmx: the controls)
    "action#2": [
        Budget(
            u,
            growth_intake.triage_url,
            growth_intake.grow_triage_choices,
            method="post",
            data=growth_intake.invalid_category,
            statuses=(400,),
            headers=headers,
        )
        for u in ("juwei", "jiedao")
        # the step alone on its page, and (htmx) every triage control with the errors
        for headers in ({}, {"HTTP_HX_REQUEST": "true"})
    ],
    "hotline-preview": [
        Budget(u, growth_intake.preview_url, growth_intake.grow_batch_rows)
        for u in ("juwei", "jiedao")
    ],
    "hotline-upload": [
        Budget("juwei", lambda d: reverse("hotline-upload"), growth_intake.grow_imports)
    ],
    "hotline-progress": [
        Budget(u, growth_intake.progress_url, growth_intake.grow_batch_rows)
        for u in ("juwei", "jiedao")
    ],
    # --- owners' votes and committees (more) ---
    "committee-page": [
        Budget(
            u,
            _compound_url("committee-page"),
            growth_votes.grow_committee,
            # the page follows its compound's live topic (one query for the last event id)
            # and draws the compound's and its election's steps with their forms' choices
            # (the organizations a notice or a session is sent as, the issues waiting for a
            # session, the owners one may nominate): one query each, whatever the rows
            max_queries=MAX_PAGE_QUERIES + 6,
        )
        for u in ("jumin", "juwei", "yeweihui", "jiedao")
    ]
    + [
        # 中路北六条 has no owners' committee: the subdistrict sees the 物管会 form, whose
        # member rows offer the owners and the sending organizations' people (read once)
        Budget(
            "jiedao",
            lambda d: reverse("committee-page", args=[Compound.objects.get(name="中路北六条").pk]),
            growth_votes.grow_zhonglu_owners,
            max_queries=MAX_PAGE_QUERIES + 6,
        )
    ],
    # the 物管会 form's composition, checked as it is filled (changes nothing)
    "committee-check": [
        Budget(
            "jiedao",
            lambda d: reverse(
                "committee-check", args=["compound", d.tuanjie.pk, "form_pm_committee"]
            ),
            growth_votes.grow_committee,
            method="post",
            data=growth_votes.composition_rows,
            # the compound as its action kind loads it, the policy's principal, the owner
            # register (units, ownerships) and the sending organizations' people: one query
            # each, whatever the rows
            max_queries=MAX_PAGE_QUERIES + 3,
        )
    ],
    "healthz": [Budget(None, lambda d: reverse("healthz"), grow_nothing, max_queries=0)],
    # --- public-revenue ledger ---
    # The owners' body also gets the compound's own steps (committee bodies: one query more).
    "ledger-page": [
        Budget(u, gl.ledger_url("ledger-page"), gl.grow_entries, max_queries=MAX_PAGE_QUERIES + 5)
        for u in ("jumin", "wuye", "yeweihui")
    ],
    "ledger-export": [Budget("jumin", gl.ledger_url("ledger-export", "csv"), gl.grow_entries)],
    "ledger-entry": [Budget(u, gl.entry_url, gl.grow_receipts) for u in ("jumin", "yeweihui")],
    "ledger-public": [Budget(None, gl.ledger_url("ledger-public"), gl.grow_publications)],
}

#: URL names that are not pages of ours, with the reason.

#: Areas add budgets for the shared action URLs under ``"name#n"`` keys: one list per URL.
for _key in [k for k in PAGES if "#" in k]:
    PAGES[_key.split("#")[0]] += PAGES.pop(_key)


NOT_PAGES: dict[str, str] = {
    "owner-register-import": "an upload form and its preview of one file, not a list",
    "issue-photo": "one file download (policy-checked), not a list",
    "session-minutes-text": "one text download (policy-checked), not a list",
    # --- paper that prints: PDFs rendered on request of their own URL (WeasyPrint takes
    # seconds a page, so not grown to 1,000 rows here); each document's queries are a fixed
    # number whatever the register's size: tests/paper/test_documents.py
    "vote-notice-pdf": "one PDF document (policy-checked), not a page",
    "vote-ballots-pdf": "one PDF document (policy-checked), not a page",
    "vote-petition-pdf": "one PDF document (policy-checked), not a page",
    "vote-results-pdf": "one PDF document (policy-checked), not a page",
    "session-minutes-pdf": "one PDF document (policy-checked), not a page",
    "work-order-evidence": "one file download (policy-checked), not a list",
    "vote-document": "one file download (policy-checked), not a list",
    "ledger-receipt": "one file download (policy-checked), not a list",
    # --- intake, work orders and channels ---
    "hotline-template": "one file download (the import template), not a list",
    # --- the action model: generated from the registry (tests/hardening/actions/) ---
    "action-controls": "every object kind × every role, at 10 and 1,000 rows: "
    "test_action_budgets.py",
    "task-list": "every role, with every kind's waiting things grown: test_action_budgets.py",
    "login": "Django's login form (no list)",
    "logout": "POST-only, Django's",
    "set_language": "POST-only redirect, Django's",
}

#: Landed on main before their budgets were written: the debt, listed so that it shows and
#: so that anything newer still fails. Move each into PAGES / NOT_PAGES.
PENDING_PAGES: set[str] = set(
    # --- sessions ---
    # --- intake, work orders and channels ---
    # --- owners' votes and committees ---
)

#: URL namespaces that are not ours to budget.
FOREIGN_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class FragmentBudget:
    """``transition(demo, state)`` performs one state change that records the event kind;
    ``prepare(demo, i)`` makes what it needs, outside the measurement."""

    grow: Callable[[Any, int], None]
    transition: Callable[[Any, Any], Any]
    prepare: Callable[[Any, int], Any] = lambda demo, i: i
    max_queries: int = 20


def _post_announcement(demo: Any, i: int) -> Any:
    from deliberation.services.announcements import post_announcement

    return post_announcement(
        author=demo.user("wuye"),
        organization=demo.tuanjie.property_provider,
        compound=demo.tuanjie,
        title=f"fragment {i}",
        body="b",
    )


def _issue_note(demo: Any, i: int) -> Any:
    from deliberation.models import IssueActivity
    from deliberation.services.issues import record_issue_activity

    return record_issue_activity(
        issue=the_issue(demo), kind=IssueActivity.Kind.NOTE, public_text=f"note {i}"
    )


def _report(demo: Any, i: int) -> Any:
    from tests.intake.factories import report

    return report(f"budget report {i}")


def _dispatch(demo: Any, i: int) -> Any:
    from deliberation.services.work_orders import dispatch_work_order

    return dispatch_work_order(
        actor=demo.user("juwei"),
        responsible=demo.tuanjie.property_provider,
        title=f"budget {i}",
        description="d",
        compound=demo.tuanjie,
    )


def _progress(demo: Any, i: int) -> Any:
    from deliberation.services.work_orders import add_progress

    return add_progress(work_order=the_order(demo), actor=demo.user("wuye"), text=f"p{i}")


def _accepted_order(demo: Any, i: int) -> Any:
    from deliberation.services.work_orders import accept_work_order

    order = _dispatch(demo, i)
    return accept_work_order(work_order=order, actor=demo.user("wuye"))


def _complete(demo: Any, order: Any) -> Any:
    from deliberation.services.work_orders import complete_work_order

    return complete_work_order(work_order=order, actor=demo.user("wuye"), text="done")


def _ask_for_time(demo: Any, order: Any) -> Any:
    from datetime import timedelta

    from deliberation.services.work_orders import request_extension

    return request_extension(
        work_order=order,
        actor=demo.user("wuye"),
        reason="parts on order",
        new_resolve_by=order.resolve_by + timedelta(days=2),
    )


def _open_escalation(demo: Any, i: int) -> Any:
    from django.utils import timezone

    from deliberation.models import Escalation, Organization

    return Escalation.objects.create(
        work_order=_dispatch(demo, i),
        supervisor=Organization.objects.get(kind=Organization.Kind.SUPERVISION_GROUP),
        reason=Escalation.Reason.RESPOND_BY,
        deadline=timezone.now(),
    )


def _handle(demo: Any, escalation: Any) -> Any:
    from deliberation.services.work_orders import handle_escalation

    return handle_escalation(escalation=escalation, actor=demo.user("dudao"), note="called")


#: Every pushed fragment template (a template with ``{% if oob %}``, the convention for a
#: partial that is both on the page and pushed) → how to make a service push it. The test
#: checks that the transition really rendered that template through ``record_event``.
#: Transitions are whole service calls (their writes, the viewflow steps they trigger and
#: every fragment they push): constant in the rows, bounded by ``max_queries``.
FRAGMENTS: dict[str, FragmentBudget] = {
    "compounds/_announcement_board.html": FragmentBudget(grow_announcements, _post_announcement),
    "issues/_status_public.html": FragmentBudget(grow_activities, _issue_note, max_queries=12),
    "issues/_status_staff.html": FragmentBudget(grow_activities, _issue_note, max_queries=12),
    "issues/_triage_queue.html": FragmentBudget(grow_new_issues, _report, max_queries=40),
    "work_orders/_detail.html": FragmentBudget(grow_notes, _progress, max_queries=40),
    "work_orders/_inbox.html": FragmentBudget(grow_inbox, _dispatch, max_queries=60),
    # Dispatching tells the parties' task lists to fetch again (a content-free marker).
    "actions/_refetch.html": FragmentBudget(grow_inbox, _dispatch, max_queries=60),
    # Completing an order (or asking for time) pushes both of the committee's sections.
    "work_orders/_to_verify.html": FragmentBudget(
        grow_to_verify, _complete, prepare=_accepted_order, max_queries=60
    ),
    "work_orders/_extensions.html": FragmentBudget(
        growth_intake.grow_orders_to_verify, _ask_for_time, prepare=_accepted_order, max_queries=60
    ),
    "work_orders/_overdue.html": FragmentBudget(
        grow_escalations, _handle, prepare=_open_escalation, max_queries=40
    ),
    # A question pushes the board to the room and to the public (two renders, one load).
    "sessions/_board.html": FragmentBudget(grow_session, _ask, max_queries=22),
    "votes/_panel.html": FragmentBudget(grow_ballots, _cast, prepare=_a_matter, max_queries=40),
    # Entering a signature for an owner: the staff's signatures list, the panel, the owner
    # told (notification, SMS delivery, bell) and their tasks.
    "votes/_signatures.html": FragmentBudget(
        grow_signatures, _sign_for, prepare=_unsigned, max_queries=45
    ),
    "votes/_paper_queue.html": FragmentBudget(
        grow_paper_ballots, _enter_paper, prepare=lambda d, i: _voters(d, 1)[0], max_queries=40
    ),
    # --- sessions (more) ---
    # Editing the draft minutes pushes their status line to the room and to the public.
    "sessions/_minutes_status.html": FragmentBudget(
        growth_sessions.grow_draft_minutes, growth_sessions.edit_minutes
    ),
    # --- intake, work orders and channels (more) ---
    # The community's check offers the reporter the rating form (their own topic only);
    # the whole verification (writes, the order, inbox and committee pushes, and telling the
    # reporter: the notification and its SMS delivery row) is 43 queries.
    "issues/_rate.html": FragmentBudget(
        growth_intake.grow_reporters_issues,
        growth_intake.verify,
        prepare=growth_intake.completed_order,
        max_queries=45,
    ),
}

#: Landed before their budgets were written (see PENDING_PAGES).
PENDING_FRAGMENTS: set[str] = set(
    # --- sessions ---
    # --- intake, work orders and channels ---
    # --- owners' votes and committees ---
)

#: Templates with ``{% if oob %}`` that are not pushed through the outbox, with the reason.
NOT_PUSHED: dict[str, str] = {
    "hotline/_counts.html": "swapped out-of-band in the import step's controls (htmx) only",
}


# --- the community evaluation (budgets_evaluations.py) -----------------------------------
from . import budgets_evaluations  # noqa: E402

PAGES |= budgets_evaluations.PAGES
FRAGMENTS |= budgets_evaluations.FRAGMENTS


# --- the JSON API (budgets_api.py) -----------------------------------------------------------
from . import budgets_api  # noqa: E402

PAGES |= budgets_api.PAGES
NOT_PAGES |= budgets_api.NOT_PAGES


# --- the evaluation's evidence ledger and published results (docs/law.md §9) ----------------
from . import growth_evidence  # noqa: E402
from .actions import evidence as evidence_actions  # noqa: E402


def _ledger_url(demo: Any) -> str:
    return reverse("evidence-ledger", args=[demo.tuanjie.property_provider_id])


def _history_url(demo: Any) -> str:
    return reverse("evaluation-history", args=[demo.tuanjie.property_provider_id])


PAGES.update(
    {
        "evidence-ledger": [
            Budget(u, _ledger_url, g)
            for u in ("jiedao", "juwei", "wuye")
            for g in (evidence_actions.grow_ledger, grow_compounds)
        ],
        "evaluation-history": [
            Budget(u, _history_url, growth_evidence.grow_history) for u in (None, "wuye")
        ],
        "service-alliance": [
            Budget(None, lambda d: reverse("service-alliance"), growth_evidence.grow_alliance)
        ],
    }
)
NOT_PAGES["evidence-attachment"] = "one file download (policy-checked), not a list"


# --- the contract register and the change of firm (docs/law.md §12) -------------------------
def grow_contract_history(demo: Any, n: int) -> None:
    """Earlier contracts and past changes of firm of 团结公寓 (the register lists them)."""
    from datetime import date, timedelta

    from django.utils import timezone

    from deliberation.models import Handover, Organization, ServiceContract, User

    t, yeweihui = demo.tuanjie, User.objects.get(username="yeweihui")
    ServiceContract.objects.bulk_create(
        ServiceContract(
            compound=t,
            firm_id=t.property_provider_id,
            starts_on=date(2000, 1, 1) + timedelta(days=i),
            ends_on=date(2001, 1, 1) + timedelta(days=i),
            fee_standards="budget",
            service_level="budget",
            registered_by=yeweihui,
            ended_at=None if i == 0 else timezone.now(),
        )
        for i in range(n)
    )
    new_firm = Organization.objects.get(name="湖畔物业管理有限公司（示例）")
    Handover.objects.bulk_create(
        Handover(
            compound=t,
            old_firm=new_firm,
            new_firm_id=t.property_provider_id,
            reason=Handover.Reason.VOTE,
            status=Handover.Status.TAKEN_OVER,
            takeover_on=date(2001, 1, 1),
            started_by=yeweihui,
        )
        for _ in range(n)
    )


PAGES["compound-contracts"] = [
    Budget(
        u,
        _compound_url("compound-contracts"),
        grow_contract_history,
        # the page follows its compound's live topic (one query for the last event id) and
        # draws the register's, the contract in force's and an open change's steps
        max_queries=MAX_PAGE_QUERIES + 4,
    )
    for u in ("jumin", "yeweihui", "wuye", "jiedao")
]


# --- the public pages, no login (budgets_public.py) -----------------------------------------
from . import budgets_public  # noqa: E402

PAGES |= budgets_public.PAGES

# --- residents' accounts (budgets_accounts.py) ------------------------------------------------
from . import budgets_accounts  # noqa: E402

PAGES |= budgets_accounts.PAGES
NOT_PAGES |= budgets_accounts.NOT_PAGES

# --- notifications (budgets_notifications.py) --------------------------------------------
from . import budgets_notifications  # noqa: E402

PAGES |= budgets_notifications.PAGES
