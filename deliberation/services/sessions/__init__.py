"""Running a consultation session, one module per step: convene and invite (``convene``),
the agenda (``agenda``), items and rounds (``rounds``), resolutions (``resolutions``),
residents' questions (``questions``), ending it (``closing``) and its minutes (``minutes``).

Every function changes state in one transaction, asks the policy where a user acts, and
pushes the room to its two audiences (``session:<id>:room`` for participants, with
staff-only notes; ``session:<id>:public`` for residents, without them). Rule breaches raise
``SessionConflict`` (HTTP 409) or ``InvalidInput`` (HTTP 400) and change nothing.
"""

from __future__ import annotations

from .agenda import add_agenda_item, defer_item, refer_to_owners_vote, reorder_agenda
from .closing import end_session
from .common import BOARD_TEMPLATE, SessionConflict, party_label, push_room
from .convene import (
    convene_session,
    eligible_delegates,
    name_delegates,
    open_session,
    party_organizations,
    quorum_missing,
    reply_to_invitation,
    set_attendance,
)
from .minutes import edit_minutes, generate_minutes, publish_minutes, render_minutes_text
from .questions import moderate_question, submit_question
from .resolutions import decide_resolution, propose_resolution, tally, vote_on_resolution
from .rounds import close_round, open_item, open_round, start_countdown, state_position

__all__ = [
    "BOARD_TEMPLATE",
    "SessionConflict",
    "add_agenda_item",
    "close_round",
    "convene_session",
    "decide_resolution",
    "defer_item",
    "edit_minutes",
    "eligible_delegates",
    "end_session",
    "generate_minutes",
    "moderate_question",
    "name_delegates",
    "open_item",
    "open_round",
    "open_session",
    "party_label",
    "party_organizations",
    "propose_resolution",
    "publish_minutes",
    "push_room",
    "quorum_missing",
    "refer_to_owners_vote",
    "render_minutes_text",
    "reorder_agenda",
    "reply_to_invitation",
    "set_attendance",
    "start_countdown",
    "state_position",
    "submit_question",
    "tally",
    "vote_on_resolution",
]
