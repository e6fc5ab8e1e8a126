"""Notifications: who is told what, on which channels, and when.

``notify`` is called by services inside their transaction (the reporter on each status
change of their issue, a compound's residents when a session is convened, minutes are
published, a meeting is noticed, a vote opens or closes, results are published); new tasks
of the action model are found by ``deliberation.tasks.notifications``. A notification
stores its text as a source message id and parameters, so it reads in its reader's
language; it carries only what its recipient may already see (their own report, things of
their own compound), and its link is re-checked by the policy when opened.

Deliveries outside the app are rows (``Delivery``) whose key makes sending idempotent;
``deliveries_queued`` is sent once they are committed, and the job queue sends them
(``deliberation.tasks.notifications``). Quiet hours hold SMS and WeChat until they end;
past the hourly limit, messages are folded into the daily digest instead. WeChat goes as a
template message to the person's bound openid (``services/wechat.py``); where it does not
apply (not bound, no template for the kind) the delivery is recorded as ``skipped``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.dispatch import Signal
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_noop

from deliberation import outbound
from deliberation.live.outbox import record_events
from deliberation.live.topics import topic
from deliberation.models import (
    Channel,
    Compound,
    Delivery,
    Issue,
    Membership,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationSettings,
    OwnersVote,
    Session,
    User,
)
from deliberation.outbound import wechat as wechat_outbound
from deliberation.services import wechat as wechat_services

K = NotificationKind
#: Sent on commit with ``ids``: the deliveries the job queue should now send.
deliveries_queued = Signal()
#: Sent on commit with ``compounds`` and the ``notify`` arguments: a job tells every resident
#: of those compounds (a compound may have thousands; the writer does not wait for them).
residents_event = Signal()

#: Channels that leave the system, and the user field holding each one's address.
OUTSIDE = {Channel.SMS: "phone", Channel.WECHAT: "wechat_openid", Channel.EMAIL: "email"}
#: Channels that respect quiet hours (an e-mail waits in the inbox anyway).
QUIET = {Channel.SMS, Channel.WECHAT}
#: Residents hear by SMS about their own reports and their votes (and their tasks, which
#: are ratings, signatures and ballots), and of a step staff entered for them: whoever asked
#: by phone may not read the app, and a wrong entry must reach them to be challenged.
#: Party staff read the app and a daily digest.
RESIDENT_SMS = {K.TASK, K.ISSUE_STATUS, K.MEETING, K.VOTE, K.RESULTS, K.ENTERED_FOR}


_paused: ContextVar[bool] = ContextVar("notifications_paused", default=False)


@contextmanager
def paused() -> Iterator[None]:
    """Tell no one of what happens inside (seeding the demo world: its history is no news)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def default_enabled(*, staff: bool, kind: str, channel: str) -> bool:
    if channel == Channel.IN_APP:
        return True
    if staff:
        return channel == Channel.DIGEST
    return channel == Channel.SMS and kind in RESIDENT_SMS


def is_staff(user: User) -> bool:
    return Membership.objects.filter(user=user, active=True).exists()


@dataclass(frozen=True)
class Preferences:
    staff: bool
    changed: Mapping[tuple[str, str], bool]

    def enabled(self, kind: str, channel: str) -> bool:
        found = self.changed.get((kind, channel))
        if found is not None:
            return found
        return default_enabled(staff=self.staff, kind=kind, channel=channel)


def offered_channels(user: User) -> list[Channel]:
    """The channels a person may choose: WeChat only once the site has an Official Account
    and the person has bound their WeChat."""
    wechat = wechat_outbound.configured() and bool(user.wechat_openid)
    return [c for c in Channel if c != Channel.WECHAT or wechat]


def preferences_of(user: User) -> Preferences:
    return preferences_for([user])[user.pk]


def preferences_for(users: Sequence[User]) -> dict[int, Preferences]:
    """Each person's preferences, in two queries however many people."""
    ids = [u.pk for u in users]
    staff = set(
        Membership.objects.filter(user_id__in=ids, active=True).values_list("user_id", flat=True)
    )
    changed: dict[int, dict[tuple[str, str], bool]] = defaultdict(dict)
    rows = NotificationPreference.objects.filter(user_id__in=ids).values_list(
        "user_id", "kind", "channel", "enabled"
    )
    for pk, k, c, e in rows:
        changed[pk][(k, c)] = e
    return {pk: Preferences(pk in staff, changed[pk]) for pk in ids}


def settings_of(user: User) -> NotificationSettings:
    found = NotificationSettings.objects.filter(user=user).first()
    return found or NotificationSettings(user=user)


def _settings_for(users: Sequence[User]) -> dict[int, NotificationSettings]:
    found = {s.user_id: s for s in NotificationSettings.objects.filter(user__in=users)}
    return {u.pk: found.get(u.pk) or NotificationSettings(user=u) for u in users}


@transaction.atomic
def save_preferences(
    *,
    user: User,
    choices: Mapping[tuple[str, str], bool],
    quiet_from: time | None,
    quiet_until: time | None,
) -> None:
    """Store the person's choices: only those that differ from the defaults are kept.
    Channels not among ``choices`` (WeChat while unbound) keep what was chosen before."""
    staff = is_staff(user)
    channels = {c for _k, c in choices}
    NotificationPreference.objects.filter(user=user, channel__in=channels).delete()
    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=user, kind=k, channel=c, enabled=on)
        for (k, c), on in sorted(choices.items())
        if on != default_enabled(staff=staff, kind=k, channel=c)
    )
    NotificationSettings.objects.update_or_create(
        user=user, defaults={"quiet_from": quiet_from, "quiet_until": quiet_until}
    )


def quiet_until(settings: NotificationSettings, now: datetime) -> datetime | None:
    """When the person's quiet hours end, if ``now`` falls inside them (local time)."""
    start, end = settings.quiet_from, settings.quiet_until
    if start is None or end is None or start == end:
        return None
    local = timezone.localtime(now)
    t = local.time()
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return ends if ends > local else ends + timedelta(days=1)


def _sent_last_hour(users: Sequence[User], now: datetime) -> Counter[int]:
    """Messages each person was sent (or is about to be) in the last hour: the hourly limit."""
    rows = (
        Delivery.objects.filter(
            notification__recipient__in=users,
            created_at__gte=now - timedelta(hours=1),
            status__in=[Delivery.Status.PENDING, Delivery.Status.SENT],
        )
        .values_list("notification__recipient")
        .annotate(n=Count("id"))
    )
    return Counter({pk: n for pk, n in rows})


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


#: The event that makes a person's open pages fetch their bell again.
BELL: dict[str, Any] = {
    "kind": "notification-bell",
    "template": "actions/_refetch.html",
    "context": {"url": reverse_lazy("notification-bell"), "target": "notification-bell"},
}


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    msgid: str,
    params: Mapping[str, Any] | None = None,
    target: tuple[str, int] | None = None,
    url: str = "",
    dedupe: str = "",
) -> list[Notification]:
    """Tell each recipient (once per ``dedupe`` key when given), in the app and on the
    channels they chose. Call inside the writer's transaction. The same number of queries
    for one person or a compound's thousand residents."""
    people = {u.pk: u for u in recipients if u.is_active}
    if _paused.get() or not people:
        return []
    now = timezone.now()
    if dedupe:
        told = Notification.objects.filter(recipient__in=list(people), dedupe=dedupe)
        for pk in told.values_list("recipient_id", flat=True):
            people.pop(pk, None)
        if not people:
            return []
    prefs = preferences_for(list(people.values()))
    made = _created(
        Notification(
            recipient=user,
            kind=kind,
            msgid=msgid,
            params=dict(params or {}),
            target_kind=target[0] if target else "",
            target_pk=target[1] if target else None,
            url=url,
            dedupe=dedupe,
            read_at=None if prefs[pk].enabled(kind, Channel.IN_APP) else now,
        )
        for pk, user in people.items()
    )
    record_events(
        topics=[topic("user", n.recipient_id, "home") for n in made if n.read_at is None],
        **BELL,
    )
    queued = _deliveries(made, people, prefs, now)
    if queued:
        transaction.on_commit(lambda: deliveries_queued.send(sender=Delivery, ids=queued))
    return made


def _created(notifications: Iterable[Notification]) -> list[Notification]:
    """Insert them at once; if another writer told someone of the same ``dedupe`` key
    meanwhile, one by one, leaving out whoever was told already. Without a ``dedupe`` key
    no row can be refused (the key's is the only unique constraint): no savepoint then."""
    rows = list(notifications)
    if not any(n.dedupe for n in rows):
        return Notification.objects.bulk_create(rows)
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        made = []
        for n in rows:
            try:
                with transaction.atomic():
                    n.save(force_insert=True)
            except IntegrityError:  # already told about this
                continue
            made.append(n)
        return made


def _deliveries(
    made: Sequence[Notification],
    people: Mapping[int, User],
    prefs: Mapping[int, Preferences],
    now: datetime,
) -> list[int]:
    """The messages outside the app, one row each; the ids of those to send now."""
    if not made:
        return []
    users = [people[n.recipient_id] for n in made]
    settings = _settings_for(users)
    sent = _sent_last_hour(users, now)
    rows = []
    for n in made:
        user, chosen, own = people[n.recipient_id], prefs[n.recipient_id], settings[n.recipient_id]
        for channel, field in OUTSIDE.items():
            if not chosen.enabled(n.kind, channel):
                continue
            address = getattr(user, field, "") or ""
            key = f"notification:{n.pk}:{channel}"
            row = {"notification": n, "channel": channel, "to": address, "key": key}
            if channel == Channel.WECHAT:
                reason = wechat_services.not_applicable(user, n.kind)
                if reason:  # chosen, but it cannot go: say so, send nothing, retry nothing
                    rows.append(Delivery(**row, status=Delivery.Status.SKIPPED, error=reason))
                    continue
            if not address:
                continue
            over = sent[user.pk] >= own.hourly_limit
            if not over:
                sent[user.pk] += 1
            rows.append(
                Delivery(
                    **row,
                    status=Delivery.Status.DIGEST if over else Delivery.Status.PENDING,
                    send_after=quiet_until(own, now) if channel in QUIET else None,
                )
            )
    created = Delivery.objects.bulk_create(rows)
    return [d.pk for d in created if d.status == Delivery.Status.PENDING]


class NotYet(Exception):
    """The delivery waits for the end of its recipient's quiet hours."""


def deliver(delivery_id: int, text: str) -> str:
    """Send one delivery at most once: the row is locked, a sent one is left alone, and a
    failure is counted (``DeliveryFailed`` propagates so the job retries)."""
    failure: outbound.DeliveryFailed | None = None
    with transaction.atomic():
        d = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if d is None or d.status != Delivery.Status.PENDING:
            return d.status if d else "gone"
        if d.send_after and d.send_after > timezone.now():
            raise NotYet(d.send_after)
        message = _message(d, text)
        if message is None:
            d.save(update_fields=["status", "error"])
            return d.status
        d.attempts += 1
        try:
            outbound.send(message)
            d.status, d.sent_at, d.error = Delivery.Status.SENT, timezone.now(), ""
        except outbound.RecipientGone as gone:
            d.status, d.error = Delivery.Status.REFUSED, str(gone)[:300]
            if d.channel == Channel.WECHAT:
                wechat_services.flag_refused(message.to)
        except outbound.DeliveryRefused as refused:
            d.status, d.error = Delivery.Status.REFUSED, str(refused)[:300]
        except outbound.DeliveryFailed as failed:
            d.error, failure = str(failed)[:300], failed
        d.save(update_fields=["status", "sent_at", "error", "attempts"])
    if failure is not None:
        raise failure
    return d.status


def _message(d: Delivery, text: str) -> outbound.OutboundMessage | None:
    """What to send for ``d``; None (and ``d`` marked skipped) when WeChat no longer applies
    (unbound, or refused by WeChat, since the delivery was made)."""
    if d.channel != Channel.WECHAT:
        return outbound.OutboundMessage(
            channel=d.channel, to=d.to, body=text, key=d.key, subject=text[:60]
        )
    n = Notification.objects.select_related("recipient").get(pk=d.notification_id)
    reason = wechat_services.not_applicable(n.recipient, n.kind)
    if reason:
        d.status, d.error = Delivery.Status.SKIPPED, reason
        return None
    return wechat_services.template_message(d, n, text)


def give_up(delivery_id: int) -> None:
    Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.FAILED
    )


def due_deliveries(now: datetime | None = None) -> list[int]:
    """Pending deliveries whose quiet hours are over (or that a lost job left behind)."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=10)
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, send_after__lte=now)
        .union(
            Delivery.objects.filter(
                status=Delivery.Status.PENDING, send_after__isnull=True, created_at__lt=stale
            )
        )
        .values_list("pk", flat=True)
    )


# --- sources -------------------------------------------------------------------------------


def compound_residents(compound_ids: Iterable[int]) -> list[User]:
    return list(
        User.objects.filter(residencies__unit__building__compound__in=list(compound_ids))
        .distinct()
        .order_by("pk")
    )


def notify_residents(*, compounds: Iterable[Compound], **kwargs: Any) -> None:
    """Inside the writer's transaction: once it commits, the residents of ``compounds`` are
    told (``kwargs`` as for ``notify``)."""
    ids = sorted({c.pk for c in compounds})
    transaction.on_commit(lambda: residents_event.send(sender=None, compounds=ids, event=kwargs))


def notify_issue_status(issue: Issue, *, actor: Any) -> None:
    """The reporter hears of each status change of their issue (not of their own steps)."""
    if issue.reporter_id is None or issue.reporter_id == getattr(actor, "pk", None):
        return
    notify(
        recipients=[issue.reporter] if issue.reporter else [],
        kind=K.ISSUE_STATUS,
        msgid=gettext_noop("Your report #%(id)s is now: %(issue_status)s."),
        params={"id": issue.pk, "issue_status": issue.status},
        target=("issue", issue.pk),
        url=reverse("issue-detail", args=[issue.pk]),
    )


def notify_session_convened(session: Session) -> None:
    notify_residents(
        compounds=session.compounds.all(),
        kind=K.SESSION,
        msgid=gettext_noop("A consultation session is convened: %(title)s."),
        params={"title": session.title},
        target=("session", session.pk),
        url=reverse("session-public", args=[session.pk]),
        dedupe=f"session:{session.pk}:convened",
    )


def notify_minutes_published(session: Session) -> None:
    notify_residents(
        compounds=session.compounds.all(),
        kind=K.MINUTES,
        msgid=gettext_noop("The minutes of %(title)s are published."),
        params={"title": session.title},
        target=("session", session.pk),
        url=reverse("session-public", args=[session.pk]),
        dedupe=f"session:{session.pk}:minutes",
    )


VOTE_MESSAGES = {
    OwnersVote.Status.NOTICED: (
        K.MEETING,
        gettext_noop("An owners' meeting is noticed: %(title)s."),
    ),
    OwnersVote.Status.VOTING: (K.VOTE, gettext_noop("Voting has opened: %(title)s")),
    OwnersVote.Status.CLOSED: (K.VOTE, gettext_noop("Voting has closed: %(title)s")),
    OwnersVote.Status.PUBLISHED: (K.RESULTS, gettext_noop("The results are published: %(title)s.")),
}


def notify_vote_changed(vote: OwnersVote) -> None:
    found = VOTE_MESSAGES.get(vote.status)  # type: ignore[call-overload]
    if found is None:
        return
    kind, msgid = found
    notify_residents(
        compounds=[vote.compound],
        kind=kind,
        msgid=msgid,
        params={"title": vote.title},
        target=("vote", vote.pk),
        url=reverse("vote-detail", args=[vote.pk]),
        dedupe=f"vote:{vote.pk}:{vote.status}",
    )
