"""SMS and WeChat under ``make run``: the message is written to the log, not sent."""

from __future__ import annotations

import logging

from . import OutboundMessage

log = logging.getLogger("yishi.outbound")


class ConsoleSender:
    def send(self, message: OutboundMessage) -> str:
        if message.template:
            log.info("[%s → %s] %s", message.channel, message.to, message.template_payload())
        else:
            log.info("[%s → %s] %s %s", message.channel, message.to, message.subject, message.body)
        return message.key
