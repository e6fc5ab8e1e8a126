"""An issue's public status behind a link that cannot be guessed (given to the reporter,
also as a QR code): its status and timeline, nothing about the people in it.

The token is the issue's id with a keyed hash of it (HMAC with the site's secret key and a
purpose of its own), so one issue's link says nothing about another's and no link can be
made up; it needs no stored column. Changing ``SECRET_KEY`` changes every link.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.crypto import constant_time_compare, salted_hmac

from deliberation.models import Issue, IssueActivity

from .public_text import compound_redactor, redactor_for

SALT = "yishi.issue-status"
#: 24 hex digits: 96 bits of the HMAC.
MAC_LENGTH = 24


def _mac(issue_id: int) -> str:
    return salted_hmac(SALT, str(issue_id)).hexdigest()[:MAC_LENGTH]


def status_token(issue: Issue | int) -> str:
    issue_id = issue if isinstance(issue, int) else issue.pk
    return f"{issue_id}-{_mac(issue_id)}"


def issue_id_for(token: str) -> int | None:
    """The issue id a token stands for, or None for anything that is not a valid token."""
    number, _, mac = token.partition("-")
    if not number.isdigit() or len(number) > 18 or len(mac) != MAC_LENGTH:
        return None
    issue_id = int(number)
    return issue_id if constant_time_compare(mac, _mac(issue_id)) else None


@dataclass
class PublicStatus:
    issue: Issue
    #: (activity, its public text with names, phones and rooms taken out)
    steps: list[tuple[IssueActivity, str]]


def public_status(token: str) -> PublicStatus | None:
    """The issue's public status (three queries), or None for a bad token or no issue."""
    issue_id = issue_id_for(token)
    if issue_id is None:
        return None
    issue = (
        Issue.objects.select_related(
            "category", "compound__community", "building", "responsible", "reporter"
        )
        .filter(pk=issue_id)
        .first()
    )
    if issue is None:
        return None
    activities = list(issue.activities.select_related("organization"))
    # The reporter's name as they gave it (a caller's, on a phone report) is never shown.
    named = [issue.reporter_name, issue.reporter.display_name if issue.reporter else ""]
    if issue.compound is not None:
        redact = compound_redactor(issue.compound, extra=named)
    else:
        redact = redactor_for(named)
    return PublicStatus(issue, [(a, redact(a.public_display)) for a in activities])
