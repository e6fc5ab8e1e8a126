"""The recording fake for tests: every send is written down, and failures can be ordered.

Job workers run in other processes, so the record is a directory shared through the
``YISHI_OUTBOUND_RECORD_DIR`` setting: one JSON line per send in ``sent.jsonl``, and a
file ``fail-<channel>`` holding how many of the next sends on that channel must fail
(temporarily), and ``answer-wechat`` the WeChat error codes the next WeChat sends get
(turned into outcomes by the real adapter's ``wechat.check_answer``). All are guarded by a
file lock, so concurrent workers count correctly.

:class:`FakeWeChatClient` stands in for WeChat's web authorization: the code
``code-for-<openid>`` answers that openid, any other code is refused as WeChat refuses an
invalid or used one (and ``code-unreachable`` finds WeChat out of reach).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

from . import DeliveryFailed, OutboundMessage, wechat


def _dir() -> Path:
    path = Path(settings.YISHI_OUTBOUND_RECORD_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def _locked() -> Iterator[Path]:
    folder = _dir()
    with open(folder / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class RecordingSender:
    def send(self, message: OutboundMessage) -> str:
        with _locked() as folder:
            failing = folder / f"fail-{message.channel}"
            left = int(failing.read_text() or 0) if failing.exists() else 0
            if left > 0:
                failing.write_text(str(left - 1))
                raise DeliveryFailed(f"recording fake: failure ordered ({left} left)")
            answers = folder / f"answer-{message.channel}"
            codes = answers.read_text().split() if answers.exists() else []
            if codes:
                answers.write_text(" ".join(codes[1:]))
                wechat.check_answer({"errcode": int(codes[0]), "errmsg": "recording fake"})
            with open(folder / "sent.jsonl", "a", encoding="utf-8") as out:
                record = {
                    "channel": message.channel,
                    "to": message.to,
                    "subject": message.subject,
                    "body": message.body,
                    "key": message.key,
                    "template": message.template,
                    "data": dict(message.data),
                    "url": message.url,
                    "payload": message.template_payload() if message.template else None,
                    "pid": os.getpid(),
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return message.key


def sent(channel: str | None = None) -> list[dict[str, Any]]:
    """What the fake has sent so far (on one channel, or all), oldest first."""
    with _locked() as folder:
        path = folder / "sent.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    records = [json.loads(line) for line in lines if line]
    return [r for r in records if channel is None or r["channel"] == channel]


def fail_next(channel: str, times: int) -> None:
    """Make the next ``times`` sends on ``channel`` fail temporarily."""
    with _locked() as folder:
        (folder / f"fail-{channel}").write_text(str(times))


def wechat_error_next(*errcodes: int) -> None:
    """Make the next WeChat sends get these error codes from "WeChat", one each."""
    with _locked() as folder:
        (folder / "answer-wechat").write_text(" ".join(map(str, errcodes)))


class FakeWeChatClient:
    PREFIX = "code-for-"
    #: the code that finds WeChat out of reach
    UNREACHABLE = "code-unreachable"

    def openid_for_code(self, code: str) -> str:
        with _locked() as folder, open(folder / "codes.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps(code) + "\n")
        if code == self.UNREACHABLE:
            raise wechat.WeChatUnavailable("recording fake: WeChat out of reach")
        if code.startswith(self.PREFIX) and len(code) > len(self.PREFIX):
            return code[len(self.PREFIX) :]
        raise wechat.WeChatError(40029, "invalid code")


def codes_exchanged() -> list[str]:
    """The codes the fake WeChat client was asked to exchange, oldest first."""
    with _locked() as folder:
        path = folder / "codes.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines if line]


def reset() -> None:
    """Forget everything sent and every ordered failure (a test's fresh start)."""
    with _locked() as folder:
        for path in folder.iterdir():
            if path.name != ".lock":
                path.unlink()
