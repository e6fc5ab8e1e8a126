"""Minutes (会议纪要): generated from the record, edited by the secretary, then published."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.live.outbox import record_event
from deliberation.live.topics import topic
from deliberation.models import Minutes, Session, User
from deliberation.selectors.minutes import minutes_record
from deliberation.services import notifications
from deliberation.services.announcements import post_announcement
from deliberation.user_text import clean_field

from .common import SessionConflict

MINUTES_TEMPLATE = "sessions/minutes.txt"
MINUTES_STATUS_TEMPLATE = "sessions/_minutes_status.html"


def render_minutes_text(session: Session, language: str = settings.LANGUAGE_CODE) -> str:
    """The draft text in ``language`` (the platform's, Chinese, by default), from the
    session's record."""
    with translation.override(language):
        return render_to_string(MINUTES_TEMPLATE, minutes_record(session)).strip() + "\n"


def _texts(session: Session) -> dict[str, str]:
    """The record in every language the site offers, whoever ends the session: each
    reader reads it in theirs (``Minutes.text_display``)."""
    return {code: render_minutes_text(session, code) for code, _name in settings.LANGUAGES}


def generate_minutes(*, session: Session) -> Minutes:
    """Called when the session ends (inside its transaction); regenerates an unpublished draft."""
    texts = _texts(session)
    text = texts[settings.LANGUAGE_CODE]
    minutes, created = Minutes.objects.get_or_create(
        session=session, defaults={"text": text, "texts": texts}
    )
    if not created and minutes.status == Minutes.Status.DRAFT and minutes.edited_by_id is None:
        minutes.text, minutes.texts = text, texts
        minutes.save(update_fields=["text", "texts"])
    return minutes


def _push(minutes: Minutes, actor: User) -> None:
    for audience in ("room", "public"):
        record_event(
            topic=topic("session", minutes.session_id, audience),
            kind="session.minutes",
            template=MINUTES_STATUS_TEMPLATE,
            context={
                "session": minutes.session,
                "minutes": minutes,
                "staff": audience == "room",
            },
            actor=actor,
        )


@transaction.atomic
def edit_minutes(*, actor: User, session: Session, text: str) -> Minutes:
    policy.require(actor, "session.manage", session)
    minutes = Minutes.objects.select_for_update().filter(session=session).first()
    if minutes is None:
        raise SessionConflict(_("The minutes are written when the session ends."))
    if minutes.status != Minutes.Status.DRAFT:
        raise SessionConflict(_("Published minutes cannot be edited."))
    text = text.strip() if isinstance(text, str) else ""
    if not text or len(text) > 50000:
        raise ValidationError(_("The minutes cannot be empty (at most 50000 characters)."))
    text = clean_field(Minutes, "text", text)
    minutes.text = text + "\n"
    minutes.edited_by = actor
    minutes.edited_at = timezone.now()
    minutes.save(update_fields=["text", "edited_by", "edited_at"])
    _push(minutes, actor)
    return minutes


@transaction.atomic
def publish_minutes(*, actor: User, session: Session) -> Minutes:
    """Publish to the residents: the public session page shows them, and a notice goes up
    on each compound's board."""
    policy.require(actor, "session.manage", session)
    minutes = Minutes.objects.select_for_update().filter(session=session).first()
    if minutes is None:
        raise SessionConflict(_("The minutes are written when the session ends."))
    if minutes.status != Minutes.Status.DRAFT:
        raise SessionConflict(_("The minutes are already published."))
    minutes.status = Minutes.Status.PUBLISHED
    minutes.published_at = timezone.now()
    minutes.save(update_fields=["status", "published_at"])
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Minutes published: %(title)s") % {"title": session.title}
        body = _("The minutes of the consultation session are published on its page.")
    for compound in session.compounds.select_related("community"):
        post_announcement(
            author=actor,
            organization=session.convening_organization,
            compound=compound,
            title=title[:120],
            body=body,
            link=reverse("session-minutes", args=[session.pk]),
        )
    _push(minutes, actor)
    notifications.notify_minutes_published(session)
    return minutes
