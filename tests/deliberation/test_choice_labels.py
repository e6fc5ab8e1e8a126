"""Cached choice labels (deliberation/models/choices.py) read as Django's own."""

from __future__ import annotations

from django.db import models
from django.utils import translation

from deliberation.models import Issue, WorkOrder


def test_labels_match_djangos_in_each_language() -> None:
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for status in [*WorkOrder.Status.values, "not-a-status"]:
                order = WorkOrder(status=status)
                assert order.get_status_display() == models.Model._get_FIELD_display(
                    order, WorkOrder._meta.get_field("status")
                )
            issue = Issue(channel=Issue.Channel.PHONE)
            assert issue.get_channel_display() == models.Model._get_FIELD_display(
                issue, Issue._meta.get_field("channel")
            )
    with translation.override("en"):
        assert WorkOrder(status=WorkOrder.Status.DISPATCHED).get_status_display() == "dispatched"
    with translation.override("zh-hans"):
        assert WorkOrder(status=WorkOrder.Status.DISPATCHED).get_status_display() != "dispatched"
