"""SMS and WeChat under ``make run``: the message is written to the log, not sent."""

from __future__ import annotations

import logging

from . import OutboundMessage

log = logging.getLogger("yishi.outbound")


class ConsoleSender:
    def send(self, message: OutboundMessage) -> str:
        log.info("[%s → %s] %s %s", message.channel, message.to, message.subject, message.body)
        return message.key
