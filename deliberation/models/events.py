"""The outbox of live updates.

Every change a user can see records an ``Event`` in the same transaction, carrying the
fragment already rendered for the audience of one topic (in each language). It is
published to the channel layer on commit; clients that missed it replay it by id.

Ids come from a sequence, so they are not in commit order: on PostgreSQL a trigger stamps
each row with its transaction id (``tx``) and the oldest transaction still running when it
was inserted (``horizon``), which is what lets a replay find events that committed after
a later-numbered one (``deliberation/live/outbox.py``, ``events_after``). SQLite serialises
writers, so there ids are in commit order and both stay empty.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    id = models.BigAutoField(primary_key=True)
    topic = models.CharField(_("topic"), max_length=100)
    kind = models.CharField(_("kind"), max_length=64)
    html = models.JSONField(_("rendered fragment by language"), default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    #: PostgreSQL: the writer's transaction id (set by a trigger, migration 0012)
    tx = models.BigIntegerField(_("transaction"), null=True, blank=True, editable=False)
    #: PostgreSQL: the oldest transaction id still running when the row was inserted; any
    #: event that commits later with a smaller id has ``tx`` at least this
    horizon = models.BigIntegerField(_("horizon"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("live event")
        verbose_name_plural = _("live events")
        indexes = [
            models.Index(fields=["topic", "id"], name="event_topic_id"),
            models.Index(
                fields=["id"],
                condition=models.Q(published_at__isnull=True),
                name="event_unpublished",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.topic} {self.kind}"
