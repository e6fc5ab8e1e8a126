"""A notification's text in the reader's language.

Notifications store a source message id and parameters (``services/notifications``); the
parameters that are themselves words (a task's label, an issue's status, how a signature
was given) are stored as names and translated here, in the language active when the text
is read or sent.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from deliberation.models import Issue, Notification, PetitionSignature

from .registry import action_of


def _words(params: dict[str, Any]) -> dict[str, Any]:
    words = dict(params)
    kind, _, name = str(params.get("action", "")).partition(".")
    action = action_of(kind, name) if name else None
    if action is not None:
        words["label"] = str(action.task_label or action.label)
    if "issue_status" in params:
        words["issue_status"] = str(Issue.Status(params["issue_status"]).label)
    if "signature_how" in params:
        words["signature_how"] = str(PetitionSignature.How(params["signature_how"]).label)
    return words


def notification_text(n: Notification) -> str:
    try:
        return gettext(n.msgid) % _words(n.params)
    except (KeyError, ValueError, TypeError):  # a message whose parameters changed since
        return gettext(n.msgid)
