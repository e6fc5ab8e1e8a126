"""An invitation as an iCalendar event (RFC 5545), for the delegates' own calendars."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from deliberation.models import Invitation
from deliberation.user_text import is_web_link, without_controls


def invitation_ics(invitation: Invitation) -> bytes:
    session = invitation.session
    with translation.override(settings.LANGUAGE_CODE):
        cal = Calendar()
        cal.add("prodid", "-//Yishi//consultation sessions//ZH")
        cal.add("version", "2.0")
        event = Event()
        event.add("uid", f"yishi-session-{session.pk}-{invitation.party}@yishi")
        event.add("summary", without_controls(session.title))
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.starts_at + timedelta(minutes=session.duration_minutes))
        event.add("dtstamp", session.created_at)
        if session.place:
            event.add("location", without_controls(session.place))
        if is_web_link(session.online_link):  # rows stored before links were checked
            event.add("url", session.online_link)
        items = "\n".join(
            f"{i.order}. {without_controls(i.title)}" for i in session.items.order_by("order", "id")
        )
        event.add(
            "description",
            _("Invited: %(party)s") % {"party": invitation.get_party_display()} + "\n" + items,
        )
        cal.add_component(event)
        return cal.to_ical()
