"""Residents' questions to the chair, and the chair taking them up or setting them aside."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.models import (
    Question,
    Session,
    User,
)
from deliberation.user_text import clean_field

from .common import (
    SessionConflict,
    push_room,
    require_status,
)

# --- questions ---------------------------------------------------------------------------------


@transaction.atomic
def submit_question(*, actor: User, session: Session, text: str) -> Question:
    policy.require(actor, "session.ask", session)
    text = text.strip() if isinstance(text, str) else ""
    if not text or len(text) > 500:
        raise ValidationError(_("Write a question of at most 500 characters."))
    text = clean_field(Question, "text", text)
    session = Session.objects.get(pk=session.pk)
    require_status(session, Session.Status.CONVENED, Session.Status.OPEN)
    question = Question.objects.create(session=session, author=actor, text=text)
    push_room(session, kind="session.question", actor=actor)
    return question


@transaction.atomic
def moderate_question(*, actor: User, question: Question, take_up: bool) -> Question:
    policy.require(actor, "session.chair", question.session)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status != Question.Status.QUEUED:
        raise SessionConflict(_("This question was already handled."))
    question.status = Question.Status.TAKEN_UP if take_up else Question.Status.DISMISSED
    question.moderated_at = timezone.now()
    question.save(update_fields=["status", "moderated_at"])
    push_room(question.session, kind="session.question", actor=actor)
    return question
