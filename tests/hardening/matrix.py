"""The permission matrix (issue 5, part 3): every role × every object × every action and
topic kind, with the expected answer and the real surfaces (pages, writes, fragments,
websocket subscriptions) that must agree with it.

``test_permission_matrix.py`` fails when a rule registered in
``deliberation/policy/registry.py`` (``ACTION_RULES``, ``TOPIC_RULES``) has no row here, so
an area cannot add an action or a topic kind without saying who may use it. Rows name the
*roles* allowed; every other role must be refused. ``REVOCATION_MATRIX``
(``surfaces_live.py``): what closes a socket that was allowed, and with which code.

The steps declared in the action registry (``deliberation.actions``) are taken through the
one action endpoint by every role, in the states where they are and are not possible, in
``test_action_matrix.py`` (rows in ``tests/hardening/actions/``); the rows here keep the
pages, the buttons on them, the GET surfaces and the topics.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse

from deliberation.models import Organization

from . import growth_indicators as gi
from . import (  # noqa: F401
    growth_sessions,
    surfaces_accounts,
    surfaces_evaluations,
    surfaces_intake,
    surfaces_meetings,
    surfaces_sessions,
    surfaces_votes,
)
from . import surfaces_ledger as sl
from . import surfaces_votes as sv
from .surfaces import (
    ROLES,
    SUBDISTRICT,
    Surface,
    allow,
    announce_form_shown,
    page,
    service,
)
from .surfaces_live import REVOCATION_MATRIX, RevocationRow  # noqa: F401  (re-exported)


def _dispatched(demo: Any) -> Any:
    """An issue jumin reported in 团结公寓, dispatched by juwei to 京朝物业 (and its order)."""
    from tests.intake.factories import dispatched

    return dispatched("matrix: 楼道灯坏了")


def _new_issue() -> Any:
    """An issue jumin just reported in 团结公寓, waiting for triage."""
    from tests.intake.factories import report

    return report("matrix: 楼道有异味")


#: object name → how to fetch (or make) it in the demo world.
OBJECTS: dict[str, Callable[[Any], Any]] = {
    "团结公寓": lambda demo: demo.compound("团结公寓"),
    "轻工宿舍": lambda demo: demo.compound("轻工宿舍"),
    "issue in 团结公寓": lambda demo: _dispatched(demo)[0],
    "work order in 团结公寓": lambda demo: _dispatched(demo)[1],
    "中路 residents' committee": lambda demo: Organization.objects.get(name="团结湖中路社区居委会"),
    "京朝物业": lambda demo: demo.compound("团结公寓").property_provider,
    "new issue in 团结公寓": lambda demo: _new_issue(),
    "issue without a place": lambda demo: surfaces_intake.placeless_issue(demo),
    "an open escalation": lambda demo: surfaces_intake.escalation(demo),
    "completion photo on an order in 团结公寓": surfaces_intake.completion_photo,
    "vote in 团结公寓": lambda demo: _meeting(),
    "petition in 团结公寓": surfaces_votes.petition,
    "convening meeting in 团结公寓": surfaces_votes.convening,
    "convening meeting in 团结公寓, ordered": surfaces_votes.ordered,
    "proposal under review in 团结公寓": surfaces_votes.in_review,
    "reviewed meeting in 团结公寓": surfaces_votes.preparing,
    "reviewed meeting in 团结公寓, convened by the subdistrict": (
        surfaces_votes.preparing_convened_by_subdistrict
    ),
    "reviewed meeting in 轻工宿舍 (no owners' committee)": (
        surfaces_votes.preparing_without_committee
    ),
    "noticed meeting in 团结公寓, opening time come": surfaces_votes.noticed,
    "tallied meeting in 团结公寓": surfaces_votes.tallied,
    # the demo session (convened; the five parties' demo accounts are its delegates)
    "session in 团结公寓": growth_sessions.demo_session,
    # ended, minutes published; only shuji and juwei were delegates
    "session with published minutes in 团结公寓": growth_sessions.minuted_session,
    "nothing": lambda demo: None,
    "pending ledger entry in 团结公寓": sl.pending_entry,
    "hotline import by juwei": lambda demo: surfaces_intake.hotline_batch(demo),
    "rising-trend alarm in 团结公寓": gi.alarm,
    "link request in 团结公寓": surfaces_accounts.link_request,
    "jumin's account": lambda demo: demo.user("jumin"),
    "one's own account": lambda demo: demo.user("jumin"),
}


def _meeting() -> Any:
    """The demo's open owners' meeting in 团结公寓 (voting)."""
    from deliberation.models import OwnersVote

    return OwnersVote.objects.get(compound__name="团结公寓", title__startswith="2026年第一次临时")


def staff_record_shown(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The staff-only handling record appears on the issue page only for the parties."""
    response = client.get(reverse("issue-detail", args=[obj.pk]))
    if response.status_code != 200:
        return
    assert (f'id="issue-{obj.pk}-staff"' in response.content.decode()) is allowed, role


def unit_shown(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The reporter's unit number appears on the issue page only for the reporter and the
    parties (the issue is placed in 2号楼 302 first; the matrix issue has no unit)."""
    from deliberation.models import Issue, Unit

    unit = Unit.objects.get(
        building__compound_id=obj.compound_id, building__name="2号楼", number="302"
    )
    Issue.objects.filter(pk=obj.pk).update(building=unit.building, unit=unit)
    response = client.get(reverse("issue-detail", args=[obj.pk]))
    if response.status_code != 200:
        return
    assert ("2号楼 302" in response.content.decode()) is allowed, role


def report_web(user: Any, compound: Any) -> Any:
    from deliberation.models import Issue
    from deliberation.services.issues import report_issue

    return report_issue(actor=user, channel=Issue.Channel.WEB, description="x", compound=compound)


def enter_phone(user: Any, compound: Any) -> Any:
    from deliberation.models import Issue
    from deliberation.services.issues import report_issue

    return report_issue(actor=user, channel=Issue.Channel.PHONE, description="x", compound=compound)


def set_category(user: Any, issue: Any) -> Any:
    from deliberation.models import IssueCategory
    from deliberation.services.triage import set_category as service_call

    return service_call(issue=issue, actor=user, category=IssueCategory.objects.get(code="noise"))


def accept(user: Any, order: Any) -> Any:
    from deliberation.services.work_orders import accept_work_order

    return accept_work_order(work_order=order, actor=user)


def dispatch(user: Any, compound: Any) -> Any:
    from deliberation.services.work_orders import dispatch_work_order

    return dispatch_work_order(
        actor=user,
        responsible=compound.property_provider,
        title="matrix",
        description="x",
        compound=compound,
    )


def _vote_page(name: str) -> Callable[[Any], str]:
    return lambda obj: reverse(name, args=[obj.pk])


def _issue_page(obj: Any) -> str:
    return reverse("issue-detail", args=[obj.pk])


def _order_page(obj: Any) -> str:
    return reverse("work-order-detail", args=[obj.pk])


COMPOUND_LINK = re.compile(r'href="/compounds/(\d+)/"')


def home_lists_all_compounds(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The subdistrict overview: all compounds on the home page, only for the subdistrict;
    everyone else's home lists only compounds they may view."""
    from deliberation import policy
    from deliberation.models import Compound

    response = client.get("/")
    if role == "anonymous":
        assert response.status_code == 302
        return
    listed = {int(pk) for pk in COMPOUND_LINK.findall(response.content.decode())}
    everything = set(Compound.objects.values_list("pk", flat=True))
    if allowed:
        assert listed == everything, role
    else:
        assert listed != everything, role
        user = demo.user(ROLES[role])
        leaks = {pk for pk in listed if not policy.can(user, "compound.view", pk)}
        assert not leaks, (role, leaks)


@dataclass(frozen=True)
class ActionRow:
    obj: str
    allowed: frozenset[str]
    surfaces: list[Surface] = field(default_factory=list)
    #: how the rule is asked, when the object is more than the object itself
    target: Callable[[Any, Any, Any], Any] | None = None  # (demo, user, obj) -> target


def _compound_page(obj: Any) -> str:
    return reverse("compound-detail", args=[obj.pk])


def _compound_notices(obj: Any) -> str:
    return reverse("compound-notices", args=[obj.pk])


TUANJIE_SERVERS = allow(
    "party_committee", "residents_committee", "property_firm", "owners_committee"
)
QINGGONG_SERVERS = allow(
    "party_committee_other", "residents_committee_other", "rights_unit_self_managed"
)

TUANJIE_COMMITTEE = allow("party_committee", "residents_committee")
COMMUNITY_STAFF = allow(
    "party_committee", "party_committee_other", "residents_committee", "residents_committee_other"
)
INDICATOR_STAFF = (
    COMMUNITY_STAFF
    | allow("property_firm", "rights_unit_public_housing", "rights_unit_self_managed")
    | allow("owners_committee", "property_management_committee")
    | SUBDISTRICT
)
TUANJIE_OWNERS = allow("resident", "owners_committee")  # yeweihui is an owner there too
TUANJIE_VOTE_STAFF = allow("residents_committee", "owners_committee")

# --- consultation sessions and minutes: objects, roles and targets ---------------------------
ss = surfaces_sessions
SESSION = "session in 团结公寓"
MINUTED = "session with published minutes in 团结公寓"
SESSION_CHAIR = allow("party_committee")  # shuji convened and chairs both sessions
SESSION_ROOM = TUANJIE_SERVERS | SUBDISTRICT | allow("resident")
MINUTED_ROOM = TUANJIE_COMMITTEE | SUBDISTRICT
SESSION_PUBLIC = TUANJIE_SERVERS | SUBDISTRICT | allow("resident")
#: party → the role whose demo account is its delegate in the demo session
SPEAKERS = {
    "party_org": "party_committee",
    "residents_committee": "residents_committee",
    "provider": "property_firm",
    "owners_body": "owners_committee",
    "residents_reps": "resident",
}
#: party → who answers its invitation besides the secretary: the invited organization's
#: members and the delegates it named
ANSWERING = {
    "party_org": ("party_committee",),
    "residents_committee": ("residents_committee",),
    "provider": ("property_firm",),
    "owners_body": ("owners_committee",),
    "residents_reps": ("resident",),
}


def _for_party(party: str) -> Callable[[Any, Any, Any], Any]:
    return lambda demo, user, session: (session, party)


def _invitation(party: str) -> Callable[[Any, Any, Any], Any]:
    return lambda demo, user, session: session.invitations.select_related("session").get(
        party=party
    )


ACTION_MATRIX: dict[str, list[ActionRow]] = {
    "compound.view": [
        ActionRow(
            "团结公寓",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
            [page(_compound_page), page(_compound_notices)],
        ),
        ActionRow(
            "轻工宿舍",
            QINGGONG_SERVERS | SUBDISTRICT | allow("resident_other_compound"),
            [page(_compound_page), page(_compound_notices)],
        ),
    ],
    "compound.announce": [
        # Any organization serving the compound, and the subdistrict office anywhere; not
        # the supervision group (it watches the parties), never residents.
        ActionRow(
            "团结公寓",
            TUANJIE_SERVERS | {"subdistrict_office"},
            [announce_form_shown],
        ),
        ActionRow(
            "轻工宿舍",
            QINGGONG_SERVERS | {"subdistrict_office"},
            [announce_form_shown],
        ),
    ],
    "subdistrict.overview": [
        ActionRow("团结公寓", SUBDISTRICT, [home_lists_all_compounds]),
    ],
    # --- intake: issues and work orders ------------------------------------------------------
    "issue.report": [
        ActionRow(
            "团结公寓",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
            [surfaces_intake.report_form, surfaces_intake.report_post, service(report_web)],
        ),
    ],
    "issue.enter": [
        ActionRow(
            "团结公寓",
            TUANJIE_COMMITTEE | SUBDISTRICT,
            [surfaces_intake.enter_form, surfaces_intake.enter_post, service(enter_phone)],
        ),
    ],
    "issue.view": [
        ActionRow(
            "issue in 团结公寓",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
            [page(_issue_page)],
        ),
    ],
    "issue.view_staff": [
        ActionRow("issue in 团结公寓", TUANJIE_SERVERS | SUBDISTRICT, [staff_record_shown]),
    ],
    "issue.view_unit": [
        ActionRow(
            "issue in 团结公寓", TUANJIE_SERVERS | SUBDISTRICT | allow("resident"), [unit_shown]
        ),
    ],
    "issue.triage": [
        ActionRow(
            "new issue in 团结公寓",
            TUANJIE_COMMITTEE | SUBDISTRICT,
            [
                surfaces_intake.triage_panel_shown,
                service(set_category),
            ],
        ),
    ],
    "issue.triage_queue": [
        ActionRow(
            "中路 residents' committee",
            allow("residents_committee") | SUBDISTRICT,
            [surfaces_intake.triage_queue_on_inbox],
        ),
    ],
    "issue.rate": [
        ActionRow(
            "issue in 团结公寓",
            allow("resident"),
            [surfaces_intake.rate_form_shown],
        )
    ],
    "work_order.view": [
        ActionRow(
            "work order in 团结公寓",
            TUANJIE_SERVERS | SUBDISTRICT,
            [page(_order_page), surfaces_intake.work_order_listed],
        ),
    ],
    "work_order.dispatch": [
        ActionRow(
            "团结公寓",
            TUANJIE_COMMITTEE | allow("owners_committee") | SUBDISTRICT,
            [service(dispatch)],
        ),
    ],
    "work_order.respond": [
        ActionRow(
            "work order in 团结公寓",
            allow("property_firm"),
            [
                surfaces_intake.accept_button,
            ],
        ),
    ],
    "work_order.verify": [
        ActionRow(
            "work order in 团结公寓",
            TUANJIE_COMMITTEE | SUBDISTRICT,
            [surfaces_intake.verify_button],
        )
    ],
    "work_order.decide_extension": [
        ActionRow(
            "work order in 团结公寓",
            TUANJIE_COMMITTEE | SUBDISTRICT,
            [surfaces_intake.decide_button],
        ),
    ],
    "work_order.confirm": [
        ActionRow(
            "work order in 团结公寓",
            allow("resident"),
            [surfaces_intake.rate_form_shown],
        )
    ],
    "work_order.inbox": [
        ActionRow("京朝物业", allow("property_firm") | SUBDISTRICT, [surfaces_intake.inbox_of_org]),
        ActionRow(
            "中路 residents' committee",
            allow("residents_committee") | SUBDISTRICT,
            [surfaces_intake.committee_sections_on_inbox],
        ),
    ],
    "escalation.handle": [
        ActionRow(
            "an open escalation",
            allow("supervision_group"),
            [surfaces_intake.escalation_button],
        )
    ],
    "escalation.list": [
        ActionRow(
            "an open escalation",
            SUBDISTRICT,
            [surfaces_intake.escalation_list, surfaces_intake.escalation_history_page],
        )
    ],
    "work_order.contact_reporter": [
        ActionRow(
            "work order in 团结公寓",
            TUANJIE_COMMITTEE | SUBDISTRICT | allow("property_firm"),
            [surfaces_intake.reporter_phone_shown],
        )
    ],
    "issue.contact_reporter": [
        ActionRow(
            "issue in 团结公寓",  # its order to 京朝物业 open
            TUANJIE_COMMITTEE | SUBDISTRICT | allow("property_firm"),
            [surfaces_intake.issue_reporter_phone_shown],
        )
    ],
    "work_order.view_evidence": [
        ActionRow(
            "completion photo on an order in 团结公寓",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
            [surfaces_intake.evidence_download],
        )
    ],
    # --- consultation sessions and minutes ---
    "session.convene": [
        ActionRow(
            "团结公寓",
            TUANJIE_COMMITTEE,
            [ss.convene_form_offers],
        ),
        ActionRow(
            "轻工宿舍",
            allow("party_committee_other", "residents_committee_other"),
            [ss.convene_form_offers],
        ),
    ],
    "session.manage": [
        ActionRow(
            SESSION,
            SESSION_CHAIR,
            [
                ss.secretary_controls,
                ss.draft_minutes_page,
            ],
        ),
    ],
    "session.chair": [
        ActionRow(
            SESSION,
            SESSION_CHAIR,
            [
                ss.chair_controls,
            ],
        ),
    ],
    "session.participate": [
        # the delegates of the five parties (jumin speaks for the residents), the chair and
        # the subdistrict; not the other community's committees nor other residents
        ActionRow(SESSION, SESSION_ROOM, [ss.room_page, ss.room_board]),
        ActionRow(MINUTED, MINUTED_ROOM, [ss.room_page, ss.room_board]),
    ],
    "session.follow": [
        ActionRow(
            SESSION,
            SESSION_PUBLIC,
            [ss.public_page, ss.public_board, ss.ics, ss.listed, ss.other_board],
        ),
        ActionRow(
            MINUTED,
            SESSION_PUBLIC,
            [
                ss.public_page,
                ss.public_board,
                ss.minutes_page,
                ss.minutes_text,
                ss.minutes_pdf,
                ss.listed,
            ],
        ),
    ],
    "session.ask": [ActionRow(SESSION, TUANJIE_OWNERS, [ss.ask_form])],
    # who may learn that a party's invitation, or a session's minutes, exist: whoever may
    # know the session (everyone else gets the 404 a missing id gets)
    "session.know_invitation": [
        ActionRow(
            SESSION,
            SESSION_PUBLIC,
            [ss.known_controls("invitation", ss.provider_invitation)],
            target=lambda demo, user, session: ss.provider_invitation(session),
        )
    ],
    "session.know_minutes": [
        ActionRow(
            MINUTED,
            SESSION_PUBLIC,
            [ss.known_controls("minutes", ss.minutes_of)],
            target=lambda demo, user, session: ss.minutes_of(session),
        )
    ],
    "session.speak": [
        ActionRow(
            SESSION,
            allow(role),
            [ss.speak_controls(party)],
            target=_for_party(party),
        )
        for party, role in SPEAKERS.items()
    ],
    "session.reply": [
        ActionRow(
            SESSION,
            SESSION_CHAIR | allow(*roles),
            [ss.reply_controls(party)],
            target=_invitation(party),
        )
        for party, roles in ANSWERING.items()
    ],
    # --- owners' votes -----------------------------------------------------------------------
    "vote.view": [
        ActionRow(
            "团结公寓",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
            [page(_vote_page("compound-votes"))],
        ),
        ActionRow(
            "vote in 团结公寓",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
            [page(_vote_page("vote-detail")), page(_vote_page("vote-notice-pdf"))],
        ),
        ActionRow(
            "vote in 团结公寓",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
            [surfaces_meetings.document_download],
        ),
    ],
    "vote.propose": [
        ActionRow(
            "团结公寓",
            allow("owners_committee"),
            [sv.propose_shown],
        )
    ],
    "vote.refer": [
        ActionRow(
            "团结公寓",
            TUANJIE_COMMITTEE | allow("owners_committee") | SUBDISTRICT,
            [service(sv.refer_service)],
        )
    ],
    "vote.petition": [
        ActionRow("团结公寓", TUANJIE_OWNERS, [sv.petition_shown]),
    ],
    "vote.sign": [
        ActionRow("petition in 团结公寓", TUANJIE_OWNERS, [sv.sign_shown]),
    ],
    "vote.cast": [ActionRow("vote in 团结公寓", TUANJIE_OWNERS, [sv.cast_shown])],
    "vote.record_paper": [
        ActionRow(
            "petition in 团结公寓",
            TUANJIE_VOTE_STAFF,
            [sv.record_paper_shown],
        ),
        ActionRow(
            "vote in 团结公寓",
            TUANJIE_VOTE_STAFF,
            [sv.delivery_shown],
        ),
    ],
    "vote.enter_paper": [
        ActionRow(
            "vote in 团结公寓",
            TUANJIE_VOTE_STAFF,
            [
                sv.enter_paper_shown,
                sv.confirm_shown,
                sv.close_shown,
            ],
        ),
        ActionRow(
            "noticed meeting in 团结公寓, opening time come",
            TUANJIE_VOTE_STAFF,
            [sv.open_shown, page(sv.one_paper_ballot)],
        ),
    ],
    "vote.publish": [
        ActionRow(
            "tallied meeting in 团结公寓",
            TUANJIE_VOTE_STAFF,
            [sv.publish_shown, page(_vote_page("vote-results-pdf"))],
        )
    ],
    # Whoever convenes gives notice (BJ reg. art. 35): the owners' committee, with the
    # residents' committee as its observer, not its stand-in ...
    "vote.notice": [
        ActionRow(
            "reviewed meeting in 团结公寓",
            allow("owners_committee"),
            [sv.notice_shown],
        ),
        # ... the residents' committee where the subdistrict convened (art. 36) [P] ...
        ActionRow(
            "reviewed meeting in 团结公寓, convened by the subdistrict",
            allow("residents_committee"),
            [sv.notice_shown],
        ),
        # ... or where the compound has no owners' committee or 物管会 at all [P].
        ActionRow(
            "reviewed meeting in 轻工宿舍 (no owners' committee)",
            allow("residents_committee_other"),
            [sv.notice_shown],
        ),
    ],
    # Not the subdistrict: the deadline has not passed and it has not ordered (BJ reg. art. 36).
    "vote.convene": [
        ActionRow(
            "convening meeting in 团结公寓",
            allow("owners_committee"),
            [sv.convene_shown],
        ),
        # Once the subdistrict ordered convening, it may convene itself (BJ reg. art. 36).
        ActionRow(
            "convening meeting in 团结公寓, ordered",
            allow("owners_committee") | SUBDISTRICT,
            [sv.convene_shown],
        ),
    ],
    "vote.order": [ActionRow("convening meeting in 团结公寓", SUBDISTRICT, [sv.order_shown])],
    "vote.review": [
        ActionRow(
            "proposal under review in 团结公寓",
            allow("residents_committee"),
            [sv.review_shown],
        )
    ],
    "vote.audit": [
        ActionRow(
            "vote in 团结公寓",
            allow("residents_committee") | SUBDISTRICT,
            [page(_vote_page("vote-audit"))],
        ),
    ],
    "register.view": [
        ActionRow("团结公寓", TUANJIE_SERVERS | SUBDISTRICT, [page(_vote_page("owner-register"))]),
    ],
    "register.import": [
        ActionRow(
            "团结公寓",
            TUANJIE_VOTE_STAFF | SUBDISTRICT,
            [sv.import_shown, sv.import_form, sv.import_upload],
        )
    ],
    # --- residents' accounts (only the residents' committee of the compound) ------------------
    "residents.manage": [
        ActionRow(
            "团结公寓",
            allow("residents_committee"),
            [
                page(surfaces_accounts.residents_url("residents-page")),
                page(surfaces_accounts.residents_url("residents-letters")),
            ],
        )
    ],
    # staff enter a resident's answer given in person or by phone (docs/law.md §13)
    "residents.assist": [ActionRow("团结公寓", allow("residents_committee", "party_committee"))],
    "link_request.view": [ActionRow("link request in 团结公寓", allow("residents_committee"))],
    "link_request.decide": [ActionRow("link request in 团结公寓", allow("residents_committee"))],
    # only the person who asked (none of the matrix's roles)
    "link_request.withdraw": [ActionRow("link request in 团结公寓", allow())],
    # a WeChat is bound to one's own account only: jumin's by jumin alone, and each (logged
    # in) role to its own
    "account.wechat": [
        ActionRow("jumin's account", allow("resident")),
        ActionRow(
            "one's own account",
            frozenset(ROLES) - {"anonymous"},
            target=lambda demo, user, obj: user,
        ),
    ],
    # --- owners' committees and 物管会 -------------------------------------------------------
    "committee.view": [
        ActionRow(
            "团结公寓",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
            [page(_vote_page("committee-page"))],
        )
    ],
    "committee.manage": [
        ActionRow(
            "团结公寓",
            TUANJIE_COMMITTEE | allow("owners_committee") | SUBDISTRICT,
            [sv.manage_shown, sv.nominate_shown],
        )
    ],
    "committee.chair": [
        ActionRow(
            "团结公寓",
            TUANJIE_COMMITTEE | allow("owners_committee") | SUBDISTRICT,
            [sv.chair_shown],
        )
    ],
    "committee.register": [
        ActionRow("团结公寓", SUBDISTRICT, [sv.register_shown]),
        ActionRow("轻工宿舍", SUBDISTRICT, [sv.application_shown]),
    ],
    "committee.guide": [
        ActionRow(
            "轻工宿舍",
            allow("party_committee_other", "residents_committee_other"),
            [sv.guidance_shown],
        )
    ],
    "committee.report": [
        ActionRow(
            "团结公寓",
            allow("owners_committee") | SUBDISTRICT,
            [sv.report_shown],
        )
    ],
    # --- channels: 12345 hotline, Open311, indicators ----------------------------------------
    "hotline.import": [
        ActionRow(
            "nothing",
            COMMUNITY_STAFF | SUBDISTRICT,
            [
                surfaces_intake.hotline_upload_page,
                surfaces_intake.hotline_template,
                surfaces_intake.hotline_upload_post,
            ],
        )
    ],
    "hotline.view_import": [
        ActionRow(
            "hotline import by juwei",
            allow("residents_committee") | SUBDISTRICT,
            [
                surfaces_intake.hotline_preview_page,
                surfaces_intake.hotline_progress_fragment,
            ],
        )
    ],
    "open311.read": [  # the public API
        ActionRow("issue in 团结公寓", frozenset(ROLES), [surfaces_intake.open311_read]),
        # without a place it stays with the subdistrict: the API answers 404 to every key
        ActionRow("issue without a place", allow(), [surfaces_intake.open311_read]),
    ],
    "open311.description": [
        ActionRow(
            "issue in 团结公寓",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
            [surfaces_intake.open311_description],
        )
    ],
    "open311.write": [
        ActionRow("团结公寓", TUANJIE_SERVERS | SUBDISTRICT, [surfaces_intake.open311_write])
    ],
    "indicators.view": [
        ActionRow(
            "nothing",
            INDICATOR_STAFF,
            [
                page(lambda obj: reverse("indicators")),
                page(lambda obj: reverse("indicators-export", args=["parties", "csv"])),
                page(lambda obj: reverse("indicators-export", args=["compounds", "xlsx"])),
            ],
        )
    ],
    # the 三率 and the classified view: the staff who see the indicators
    "rates.view": [
        ActionRow(
            "nothing",
            INDICATOR_STAFF,
            [
                page(lambda obj: reverse("rates")),
                page(lambda obj: reverse("rates-export", args=["gaps", "csv"])),
                page(lambda obj: reverse("indicators-classified")),
                page(lambda obj: reverse("classified-export", args=["groups", "xlsx"])),
            ],
        )
    ],
    # a compound's aggregate figures: anyone, no login
    "indicators.public": [
        ActionRow(
            "团结公寓",
            frozenset(ROLES),
            [page(lambda obj: reverse("public-figures", args=[obj.pk]))],
        )
    ],
    "trend_alarm.acknowledge": [
        ActionRow("rising-trend alarm in 团结公寓", TUANJIE_COMMITTEE | SUBDISTRICT),
    ],
    # --- public-revenue ledger (docs/law.md §11) ---------------------------------------------
    "ledger.view": [
        ActionRow(
            "团结公寓",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
            [page(sl.ledger_page), page(sl.ledger_export), sl.receipt_download],
        ),
        ActionRow(
            "轻工宿舍",
            QINGGONG_SERVERS | SUBDISTRICT | allow("resident_other_compound"),
            [page(sl.ledger_page)],
        ),
        ActionRow(
            "pending ledger entry in 团结公寓",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
            [page(sl.entry_page)],
        ),
    ],
    "ledger.record": [
        # the firm and the owners' body; in 轻工宿舍 the property-rights unit managing it
        ActionRow(
            "团结公寓",
            allow("property_firm", "owners_committee"),
            [sl.entry_form_shown, service(sl.record)],
        ),
        ActionRow("轻工宿舍", allow("rights_unit_self_managed"), [sl.entry_form_shown]),
    ],
    "ledger.decide": [
        # the owners' body, never the person who entered it (wuye here)
        ActionRow(
            "pending ledger entry in 团结公寓",
            allow("owners_committee"),
            [sl.approve_shown, service(sl.approve)],
        ),
    ],
    "ledger.publish": [
        ActionRow("团结公寓", allow("owners_committee"), [service(sl.publish)]),
        # no owners' body: the residents' committee
        ActionRow("轻工宿舍", allow("residents_committee_other"), []),
    ],
}


#: Registered on main before their rows were written: the debt, listed so that it shows and
#: so that anything newer still fails. Move each into ACTION_MATRIX / TOPIC_MATRIX.
PENDING_ACTIONS: set[str] = set()
PENDING_TOPICS: set[str] = set()


@dataclass(frozen=True)
class TopicRow:
    """``topic(demo)`` → the topic string; ``allowed`` roles may subscribe to it."""

    name: str
    topic: Callable[[Any], str]
    allowed: frozenset[str]


def _org(name: str) -> Callable[[Any], int]:
    return lambda demo: Organization.objects.get(name=name).pk


TOPIC_MATRIX: dict[str, list[TopicRow]] = {
    "compound": [
        TopicRow(
            "团结公寓 public",
            lambda d: f"compound:{d.tuanjie.pk}:public",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
        ),
        TopicRow(
            "轻工宿舍 public",
            lambda d: f"compound:{d.qinggong.pk}:public",
            QINGGONG_SERVERS | SUBDISTRICT | allow("resident_other_compound"),
        ),
        TopicRow(
            "团结公寓 staff (no such audience)", lambda d: f"compound:{d.tuanjie.pk}:staff", allow()
        ),
        TopicRow("unknown compound", lambda d: "compound:999999:public", SUBDISTRICT),
    ],
    "org": [
        TopicRow(
            "京朝物业 inbox",
            lambda d: f"org:{d.tuanjie.property_provider_id}:inbox",
            allow("property_firm") | SUBDISTRICT,
        ),
        TopicRow(
            "中路 residents' committee inbox",
            lambda d: f"org:{_org('团结湖中路社区居委会')(d)}:inbox",
            allow("residents_committee") | SUBDISTRICT,
        ),
        # The committees area pushes the re-election reminder to the committee's inbox.
        TopicRow(
            "团结公寓 owners' committee inbox",
            lambda d: f"org:{d.tuanjie.owners_committee_id}:inbox",
            allow("owners_committee") | SUBDISTRICT,
        ),
        TopicRow(
            "京朝物业 public (no such audience)",
            lambda d: f"org:{d.tuanjie.property_provider_id}:public",
            allow(),
        ),
    ],
    "issue": [
        TopicRow(
            "issue public",
            lambda d: f"issue:{_dispatched(d)[0].pk}:public",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
        ),
        TopicRow(
            "issue staff",
            lambda d: f"issue:{_dispatched(d)[0].pk}:staff",
            TUANJIE_SERVERS | SUBDISTRICT,
        ),
        TopicRow("issue other audience", lambda d: f"issue:{_dispatched(d)[0].pk}:x", allow()),
        TopicRow("unknown issue", lambda d: "issue:999999:public", allow()),
    ],
    "work_order": [
        TopicRow(
            "work order staff",
            lambda d: f"work_order:{_dispatched(d)[1].pk}:staff",
            TUANJIE_SERVERS | SUBDISTRICT,
        ),
        TopicRow(
            "work order public (no such audience)",
            lambda d: f"work_order:{_dispatched(d)[1].pk}:public",
            allow(),
        ),
        TopicRow("unknown work order", lambda d: "work_order:999999:staff", allow()),
    ],
    "vote": [
        TopicRow(
            "vote public",
            lambda d: f"vote:{_meeting().pk}:public",
            TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
        ),
        TopicRow("vote staff", lambda d: f"vote:{_meeting().pk}:staff", TUANJIE_VOTE_STAFF),
        TopicRow("vote other audience", lambda d: f"vote:{_meeting().pk}:x", allow()),
        TopicRow("unknown vote", lambda d: "vote:999999:public", allow()),
    ],
    "session": [
        TopicRow(
            "demo session room",
            lambda d: f"session:{growth_sessions.demo_session(d).pk}:room",
            SESSION_ROOM,
        ),
        TopicRow(
            "demo session public",
            lambda d: f"session:{growth_sessions.demo_session(d).pk}:public",
            SESSION_PUBLIC,
        ),
        TopicRow(
            "minuted session room",
            lambda d: f"session:{growth_sessions.minuted_session(d).pk}:room",
            MINUTED_ROOM,
        ),
        TopicRow(
            "minuted session public",
            lambda d: f"session:{growth_sessions.minuted_session(d).pk}:public",
            SESSION_PUBLIC,
        ),
        TopicRow(
            "demo session staff (no such audience)",
            lambda d: f"session:{growth_sessions.demo_session(d).pk}:staff",
            allow(),
        ),
        TopicRow("unknown session", lambda d: "session:999999:room", allow()),
        TopicRow("unknown session public", lambda d: "session:999999:public", allow()),
    ],
    "user": [
        TopicRow("jumin's home", lambda d: f"user:{d.user('jumin').pk}:home", allow("resident")),
        TopicRow("jumin's other audience", lambda d: f"user:{d.user('jumin').pk}:x", allow()),
    ],
}


# --- the community evaluation (surfaces_evaluations.py) -----------------------------------
OBJECTS |= surfaces_evaluations.OBJECTS
ACTION_MATRIX |= {
    rule: [ActionRow(*row) for row in rows]
    for rule, rows in surfaces_evaluations.ACTION_ROWS.items()
}
TOPIC_MATRIX["evaluation"] = [TopicRow(*row) for row in surfaces_evaluations.TOPIC_ROWS]


# --- the evaluation's evidence ledger and published results (docs/law.md §9) ----------------
from . import surfaces_evidence as se  # noqa: E402

OBJECTS["honour about 团结公寓 in 京朝物业's ledger"] = se.honour
OBJECTS["penalty in 京朝物业's ledger"] = se.penalty
#: who sees 京朝物业's ledger: the subdistrict, the firm itself, the committees of 中路 (the
#: community of 团结公寓, the compound it serves); who enters and withdraws there (penalties:
#: the subdistrict only)
JINGCHAO_LEDGER = SUBDISTRICT | TUANJIE_COMMITTEE | allow("property_firm")
JINGCHAO_RECORDERS = SUBDISTRICT | TUANJIE_COMMITTEE
EVERYONE = frozenset(ROLES)
ACTION_MATRIX.update(
    {
        "evidence.view": [
            ActionRow("京朝物业", JINGCHAO_LEDGER, [page(se.ledger_page)]),
            ActionRow(
                "honour about 团结公寓 in 京朝物业's ledger", JINGCHAO_LEDGER, [se.attachment]
            ),
        ],
        "evidence.record": [
            ActionRow("京朝物业", JINGCHAO_RECORDERS, [se.record_form_shown]),
        ],
        "evidence.withdraw": [
            ActionRow(
                "honour about 团结公寓 in 京朝物业's ledger",
                JINGCHAO_RECORDERS,
                [se.withdraw_shown],
            ),
            ActionRow("penalty in 京朝物业's ledger", SUBDISTRICT, [se.withdraw_shown]),
        ],
        "evaluation_history.view": [
            ActionRow("京朝物业", EVERYONE, [page(se.history_page), se.alliance_page]),
        ],
    }
)
TOPIC_MATRIX["evidence_ledger"] = [
    TopicRow(
        "京朝物业's ledger",
        lambda d: f"evidence_ledger:{d.tuanjie.property_provider_id}:staff",
        JINGCHAO_LEDGER,
    ),
    TopicRow(
        "京朝物业's ledger, other audience",
        lambda d: f"evidence_ledger:{d.tuanjie.property_provider_id}:public",
        allow(),
    ),
    TopicRow("unknown ledger", lambda d: "evidence_ledger:999999:staff", SUBDISTRICT),
]

# --- the contract register and the change of firm (docs/law.md §12) -------------------------
from . import surfaces_contracts as sc  # noqa: E402

CONTRACT = "contract of 团结公寓 with 京朝物业"
CHANGE = "change of 团结公寓 from 京朝物业 to 湖畔物业"
OBJECTS[CONTRACT] = sc.contract
OBJECTS[CHANGE] = sc.handover
#: the owners' side of 团结公寓's contract: its owners' committee, and the residents'
#: committee that stands in where a compound has none
TUANJIE_OWNERS_SIDE = allow("owners_committee", "residents_committee")
ACTION_MATRIX.update(
    {
        "contracts.view": [
            ActionRow(
                "团结公寓",
                TUANJIE_SERVERS | SUBDISTRICT | allow("resident"),
                [page(sc.register_page)],
            )
        ],
        "contracts.register": [
            ActionRow("团结公寓", TUANJIE_OWNERS_SIDE, [sc.register_shown]),
        ],
        "contract.give_notice": [
            ActionRow(CONTRACT, allow("property_firm"), [sc.give_notice_shown]),
        ],
        "contract.dismiss": [
            ActionRow(CONTRACT, TUANJIE_OWNERS_SIDE, [sc.dismiss_shown]),
        ],
        "handover.send_notice": [
            ActionRow(CHANGE, TUANJIE_OWNERS_SIDE),
        ],
        "handover.tick": [
            ActionRow(
                CHANGE,
                TUANJIE_OWNERS_SIDE | allow("property_firm"),
                [sc.tick_shown],
            ),
        ],
        "handover.take_over": [
            ActionRow(CHANGE, TUANJIE_OWNERS_SIDE),
        ],
    }
)

# --- the public pages, no login, and an issue's public status link (issue 11 §4) ------------
from . import surfaces_public as sp  # noqa: E402

ACTION_MATRIX.update(
    {
        "public.view": [
            ActionRow(
                "团结公寓",
                EVERYONE,
                [
                    page(sp.compound_page),
                    page(sp.community_page),
                    page(sp.subdistrict_page),
                    page(sp.guide_page),
                ],
            ),
        ],
        # the reporter (jumin), the committees serving the compound and the subdistrict; the
        # page itself is open to whoever holds the link
        "issue.share_status": [
            ActionRow(
                "issue in 团结公寓",
                allow("resident") | TUANJIE_COMMITTEE | SUBDISTRICT,
                [sp.link_shown, sp.status_page],
            ),
        ],
    }
)
