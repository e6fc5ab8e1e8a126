"""Notification jobs: tell people of their new tasks, send deliveries, the daily digest.

New tasks: a person's tasks are derived from the action model (``tasks_for``), so there is
no row to watch. Every writer that may change task lists calls ``refresh_tasks``, which
sends ``tasks_changed``; once that transaction commits, ``notify_new_tasks`` computes the
affected people's tasks and notifies each task once (the notification's ``dedupe`` key is
the task: ``task:<kind>:<id>:<action>``).

Deliveries retry with exponential backoff while the provider says a retry may help; the
``Delivery`` row (locked, with its status) makes a retried or duplicated job send once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from celery import shared_task
from celery.exceptions import Retry
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop, ngettext

from deliberation.actions.notification_text import notification_text
from deliberation.actions.tasks import loaded_tasks, tasks_for
from deliberation.live.refresh import tasks_changed
from deliberation.models import Channel, Delivery, Digest, Notification, NotificationKind, User
from deliberation.outbound import DeliveryFailed, DeliveryRefused, OutboundMessage, send
from deliberation.periodic import periodic
from deliberation.services import notifications as svc

log = logging.getLogger("yishi.notifications")

#: The digest goes out once the person's day has begun (local time).
DIGEST_HOUR = 8


@receiver(tasks_changed)
def _tasks_changed(
    sender: Any, organizations: Iterable[int] = (), users: Iterable[int] = (), **_: Any
) -> None:
    orgs, people = sorted(set(organizations)), sorted(set(users))
    transaction.on_commit(lambda: _enqueue(notify_new_tasks, orgs, people))


@receiver(svc.deliveries_queued)
def _deliveries_queued(sender: Any, ids: Iterable[int] = (), **_: Any) -> None:
    for pk in ids:
        _enqueue(deliver_notification, pk)


@receiver(svc.residents_event)
def _residents_event(sender: Any, compounds: list[int], event: dict[str, Any], **_: Any) -> None:
    _enqueue(notify_residents, compounds, event)


#: Residents told in one transaction: a fixed number of queries each, short locks.
RESIDENTS_PER_TRANSACTION = 500


@shared_task
def notify_residents(compounds: list[int], event: dict[str, Any]) -> int:
    """Tell every resident of ``compounds`` of one event (once each: its ``dedupe`` key)."""
    told = 0
    if event.get("target"):
        event["target"] = tuple(event["target"])
    residents = svc.compound_residents(compounds)
    for start in range(0, len(residents), RESIDENTS_PER_TRANSACTION):
        with transaction.atomic():
            chunk = residents[start : start + RESIDENTS_PER_TRANSACTION]
            told += len(svc.notify(recipients=chunk, **event))
    return told


def _enqueue(task: Any, *args: Any) -> None:
    """Hand a job to the queue; never let the queue's trouble fail the committed request
    (eager runs end here too): the periodic retry picks up what is left."""
    try:
        if task.app.conf.task_always_eager:
            _run_here(task, args)
        else:
            task.delay(*args)
    except Exception:
        log.exception("job %s%r failed", task.name, args)


def _run_here(task: Any, args: tuple[Any, ...]) -> None:
    """In-process (``make run``, the tests): run now, retries included (without their
    backoff). An eager task raises its retry instead of retrying, so retry here."""
    for attempt in range((task.max_retries or 0) + 1):
        try:
            task.apply(args, retries=attempt, throw=True)
            return
        except Retry:
            continue


def task_key(task: Any) -> str:
    return f"task:{task.kind.name}:{task.obj.pk}:{task.action.name}"


@shared_task
def notify_new_tasks(organizations: list[int], users: list[int]) -> int:
    """Notify the members of ``organizations`` and ``users`` of tasks they were not told of."""
    people = User.objects.filter(
        Q(pk__in=users) | Q(memberships__organization__in=organizations, memberships__active=True),
        is_active=True,
    ).distinct()
    told = 0
    for user in people:
        tasks = {task_key(t): t for t in tasks_for(user)}
        known = set(
            Notification.objects.filter(recipient=user, dedupe__in=list(tasks)).values_list(
                "dedupe", flat=True
            )
        )
        with transaction.atomic():
            for key, t in tasks.items():
                if key in known:
                    continue
                told += len(
                    svc.notify(
                        recipients=[user],
                        kind=NotificationKind.TASK,
                        msgid=gettext_noop("New task: %(label)s · %(title)s"),
                        params={"action": f"{t.kind.name}.{t.action.name}", "title": t.title},
                        target=(t.kind.name, t.obj.pk),
                        url=t.url,
                        dedupe=key,
                    )
                )
    return told


def delivery_text(delivery: Delivery) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return notification_text(delivery.notification)


@shared_task(
    bind=True,
    autoretry_for=(DeliveryFailed,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def deliver_notification(self: Any, delivery_id: int) -> str:
    d = Delivery.objects.select_related("notification").filter(pk=delivery_id).first()
    if d is None:
        return "gone"
    try:
        return svc.deliver(delivery_id, delivery_text(d))
    except svc.NotYet:
        return "held"  # quiet hours: ``send_due_deliveries`` sends it when they end
    except DeliveryFailed:
        if self.request.retries >= self.max_retries:
            svc.give_up(delivery_id)
        raise


@periodic("send_due_deliveries")
def send_due_deliveries() -> int:
    """Deliveries whose quiet hours ended, and any a lost job left pending."""
    due = svc.due_deliveries()
    for pk in due:
        _enqueue(deliver_notification, pk)
    return len(due)


# --- the daily digest --------------------------------------------------------------------


def digest_text(user: User, since: Any) -> str:
    """Tasks overdue and due, then what changed since the last digest (in the site's
    language: the digest leaves the app)."""
    with translation.override(settings.LANGUAGE_CODE):
        tasks, not_loaded = loaded_tasks(user)
        lines = [gettext("Your Yishi digest")]
        overdue = [t for t in tasks if t.overdue]
        due = [t for t in tasks if not t.overdue]
        if overdue:
            lines.append(gettext("Overdue:"))
            lines += [f"- {t.label} · {t.title}" for t in overdue]
        if due:
            lines.append(gettext("To do:"))
            lines += [f"- {t.label} · {t.title}" for t in due]
        if not_loaded:  # a committee's backlog beyond what its task list loads
            lines.append(
                ngettext(
                    "%(n)s older report waiting for triage is not listed here.",
                    "%(n)s older reports waiting for triage are not listed here.",
                    not_loaded,
                )
                % {"n": not_loaded}
            )
        changed = Notification.objects.filter(recipient=user, created_at__gte=since).exclude(
            kind=NotificationKind.TASK
        )[:50]
        if changed:
            lines.append(gettext("What changed:"))
            lines += [f"- {notification_text(n)}" for n in changed]
        if len(lines) == 1:
            return ""
        return "\n".join(lines)


def send_digest(user: User, day: Any) -> str:
    """Send one person's digest for ``day`` once (the Digest row is the key)."""
    last = Digest.objects.filter(user=user).order_by("-day").first()
    since = last.created_at if last else timezone.now() - timedelta(days=1)
    body = digest_text(user, since)
    channel = Channel.EMAIL if user.email else Channel.SMS
    to = user.email or user.phone
    if not body or not to:  # nothing to tell, or nowhere to: done for today all the same
        Digest.objects.get_or_create(user=user, day=day, defaults={"channel": "", "body": ""})
        return "empty"
    with transaction.atomic():
        digest, created = Digest.objects.get_or_create(
            user=user, day=day, defaults={"channel": channel, "body": body}
        )
        if not created:
            return "already sent"
        try:
            send(
                OutboundMessage(
                    channel=channel,
                    to=to,
                    body=body,
                    key=f"digest:{user.pk}:{day.isoformat()}",
                    subject=body.splitlines()[0],
                )
            )
        except (DeliveryFailed, DeliveryRefused):
            transaction.set_rollback(True)  # no row: the next tick tries again
            return "failed"
    return "sent"


@periodic("notification_digest")
def send_digests() -> int:
    """Once a day per person, after DIGEST_HOUR: everyone whose digest channel is on."""
    now = timezone.localtime()
    if now.hour < DIGEST_HOUR:
        return 0
    day = now.date()
    sent = 0
    candidates = User.objects.filter(is_active=True).exclude(digest__day=day)
    wanted = Q(memberships__active=True) | Q(notification_prefs__channel=Channel.DIGEST)
    for user in candidates.filter(wanted).distinct():
        prefs = svc.preferences_of(user)
        if not any(prefs.enabled(k, Channel.DIGEST) for k in NotificationKind.values):
            continue
        sent += send_digest(user, day) == "sent"
    return sent
