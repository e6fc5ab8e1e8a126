"""Open sockets follow permission changes: who may still receive what, re-decided.

A socket is authorised at connect, but a session can end (logout, expiry, deletion), a user
can be deactivated, a membership or a residency can go away while it stays open. Each
socket therefore joins its user's access group (``access_group``). Whatever may take a
right away sends that group ``access.changed`` once its transaction has committed (the
signal receivers below); every socket of the user then re-runs ``still_allowed`` in a
database thread and closes with 4401 or 4403 if it lost its right. Changes made without
signals (``QuerySet.update``, a session that simply expires) are caught by the consumer's
periodic re-check (``settings.YISHI_LIVE_RECHECK_SECONDS``) and by every ``resume``.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.signals import user_logged_out
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.crypto import constant_time_compare

from deliberation import policy
from deliberation.models import Membership, Residency, User

from . import publisher
from .blocking import call_blocking

log = logging.getLogger("yishi.live")

#: Message type the consumer handles (``access_changed``).
MESSAGE_TYPE = "access.changed"

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


def access_group(user_id: int) -> str:
    """The channel-layer group every socket of one user joins."""
    return f"access.user.{user_id}"


def still_allowed(session_key: str | None, user_id: int, topics: list[str]) -> int | None:
    """``None`` if the session still belongs to an active ``user_id`` that may receive every
    topic; otherwise the close code (4401 session gone or user inactive, 4403 a topic
    refused). Loads the session and the user afresh (no cached principal)."""
    user = _session_user(session_key)
    if user is None or user.pk != user_id or not user.is_active:
        return CLOSE_UNAUTHENTICATED
    if not all(policy.can_subscribe(user, t) for t in topics):
        return CLOSE_FORBIDDEN
    return None


def _session_user(session_key: str | None) -> Any:
    """The user a stored, unexpired session still authenticates, or ``None``. As
    ``django.contrib.auth.get_user`` decides, but without its side effects (it flushes a
    session whose password hash is stale; here a request may be updating that very
    session, e.g. right after a password change)."""
    if not session_key:
        return None
    data = import_module(settings.SESSION_ENGINE).SessionStore(session_key).load()
    backend_path = data.get(auth.BACKEND_SESSION_KEY)
    if auth.SESSION_KEY not in data or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user_id = User._meta.pk.to_python(data[auth.SESSION_KEY])  # type: ignore[union-attr]
    user = auth.load_backend(backend_path).get_user(user_id)
    stored_hash = data.get(auth.HASH_SESSION_KEY)
    if user is None or not stored_hash:
        return None
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    if not any(constant_time_compare(stored_hash, h) for h in hashes):
        return None
    return user


def announce_access_changed(user_id: int | None, *, ended_session: str | None = None) -> None:
    """Tell the user's sockets to re-check, once the current transaction has committed
    (at once outside one). ``ended_session``: this session is over, its sockets close
    without asking the database."""
    if user_id is None:
        return
    message: dict[str, Any] = {"type": MESSAGE_TYPE}
    if ended_session:
        message["ended_session"] = ended_session
    transaction.on_commit(lambda: _send(access_group(user_id), message))


def _send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    if publisher.serves(layer):  # behind the events its process queued before it
        publisher.get().submit([(None, group, message)], mark=False)
        return
    try:
        call_blocking(layer.group_send, group, message)  # also from a thread with a loop
    except Exception:  # the periodic re-check of every socket still catches the change
        log.warning("could not announce an access change to %s", group, exc_info=True)


@receiver(user_logged_out, dispatch_uid="live_access_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    announce_access_changed(
        getattr(user, "pk", None), ended_session=getattr(session, "session_key", None)
    )


@receiver(post_delete, sender=Session, dispatch_uid="live_access_session_deleted")
def _session_deleted(sender: Any, instance: Session, **kwargs: Any) -> None:
    try:
        user_id = instance.get_decoded().get(auth.SESSION_KEY)
    except Exception:  # undecodable data: no socket can have been authorised by it
        return
    if user_id is not None:
        announce_access_changed(
            User._meta.pk.to_python(user_id),  # type: ignore[union-attr]
            ended_session=instance.session_key,
        )


@receiver(post_save, sender=User, dispatch_uid="live_access_user_saved")
def _user_saved(sender: Any, instance: User, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # every login saves this; it takes no right away
    announce_access_changed(instance.pk)


@receiver(post_save, sender=Membership, dispatch_uid="live_access_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="live_access_membership_deleted")
@receiver(post_save, sender=Residency, dispatch_uid="live_access_residency_saved")
@receiver(post_delete, sender=Residency, dispatch_uid="live_access_residency_deleted")
def _standing_changed(sender: Any, instance: Membership | Residency, **kwargs: Any) -> None:
    announce_access_changed(instance.user_id)
