"""Messages that leave the system, as jobs: retried with backoff, handed over once per key.

The generic pattern for every outbound delivery (``deliberation.outbound``):

- ``DeliveryTask`` as a task's ``base`` retries on :class:`DeliveryFailed` (the provider may
  take it later) with exponential backoff and jitter (1 s, 2 s, 4 s … at most 10 min apart,
  12 times: about 40 minutes), and never on :class:`DeliveryRefused`.
- :func:`send_once` hands a message to its sender unless one with the same ``key`` went out
  already: a retried, duplicated or re-queued task never sends twice. The key names the
  delivery (``notification:42:sms``); callers with a delivery row of their own may keep
  their own bookkeeping and still use the base for its retries.

- :func:`attempt` runs a send inside such a task: in a worker a failure goes to Celery's
  retry; run in-process (eager: ``make run``, the test suite) the retries happen at once and
  the last failure is logged, never raised into the request that enqueued it.

``deliver.delay(...)`` (after commit) is the ready-made task for one message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from celery import Task, shared_task

from deliberation import job_claims, outbound
from deliberation.outbound import DeliveryFailed, DeliveryRefused, OutboundMessage

log = logging.getLogger("yishi.delivery")

#: How long a key is remembered as sent (a duplicate later than this would go out again).
SENT_SECONDS = 30 * 24 * 3600
#: How long one attempt may hold the key before another copy may try.
SENDING_SECONDS = 300

SENT = "sent"
REFUSED = "refused"
DUPLICATE = "duplicate"
FAILED = "failed"


class DeliveryTask(Task):  # type: ignore[misc]
    """A task base for outbound deliveries: retry what may pass later, with backoff."""

    autoretry_for = (DeliveryFailed,)
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 12
    acks_late = True
    ignore_result = True


def send_once(message: OutboundMessage) -> str:
    """Send ``message`` unless its key went out (or was refused) already.

    Returns the provider's message id, or ``"duplicate"`` / ``"refused"``. Raises
    ``DeliveryFailed`` to be retried, also while another copy of the same delivery is being
    sent (the retry then finds it sent). Between the provider taking the message and the
    key being written a crash can still send twice; providers get the key as their
    idempotency key for that (``OutboundMessage.key``).
    """
    done = job_claims.key("delivery", message.key)
    if job_claims.get(done) in (SENT, REFUSED):
        return DUPLICATE
    sending = job_claims.key("delivery", message.key, "sending")
    if not job_claims.claim(sending, SENDING_SECONDS):
        raise DeliveryFailed(f"{message.key} is being sent by another worker")
    if job_claims.get(done) in (SENT, REFUSED):  # sent between the look and the claim
        job_claims.release(sending)
        return DUPLICATE
    try:
        provider_id = outbound.send(message)
    except DeliveryRefused:
        job_claims.put(done, REFUSED, SENT_SECONDS)
        job_claims.release(sending)
        log.warning("delivery %s refused by the %s provider", message.key, message.channel)
        return REFUSED
    except BaseException:
        job_claims.release(sending)  # failed: the retry (or another copy) may try again
        raise
    job_claims.put(done, SENT, SENT_SECONDS)  # before letting go of the claim
    job_claims.release(sending)
    return provider_id


def attempt(task: Task, send: Callable[[], str]) -> str:
    """Run ``send`` (e.g. ``lambda: send_once(message)``) in a ``DeliveryTask``."""
    if not task.request.is_eager:
        return send()  # DeliveryFailed: Celery retries with backoff (autoretry_for)
    for _ in range(task.max_retries or 0):
        try:
            return send()
        except DeliveryFailed:
            continue
    try:
        return send()
    except DeliveryFailed:
        log.warning("delivery gave up after %s tries in process", (task.max_retries or 0) + 1)
        return FAILED


@shared_task(base=DeliveryTask, bind=True, name="yishi.deliver")
def deliver(
    self: Task,
    channel: str,
    to: str,
    body: str,
    key: str,
    subject: str = "",
    template: str = "",
    data: Mapping[str, str] | None = None,
    url: str = "",
) -> str:
    """One message to one address (the fields of ``OutboundMessage``), sent once."""
    message = OutboundMessage(
        channel=channel,
        to=to,
        body=body,
        key=key,
        subject=subject,
        template=template,
        data=dict(data or {}),
        url=url,
    )
    return attempt(self, lambda: send_once(message))
