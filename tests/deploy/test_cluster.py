"""Two app workers behind nginx (the repository's proxy settings), a job worker and the
scheduler, on PostgreSQL and Redis, as ``docs/deploy.md`` runs them: pages and sockets through
the proxy, an event committed on one worker reaching a socket on the other, losing a worker
losing no event, and the scheduler killed mid-run and restarted running no job twice.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import uuid
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from deliberation import periodic
from deliberation.demo.tuanjiehu import DEMO_PASSWORD
from deliberation.models import Announcement, Compound, User
from deliberation.selectors.places import organizations_posting_for
from tests.support.nginx import Proxy
from tests.support.production import SITE, Browser, production_env
from tests.support.server import LiveServer
from tests.support.workers import celery_processes, runs_by_job, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

FRAME = re.compile(r"^<!--ev:(\d+)-->")
TICK = 2  # seconds: every periodic job runs every TICK seconds here


class LiveClient:
    """A page's live socket: joins ``topic``, resumes from the last event it saw."""

    def __init__(self, port: int, cookies: dict[str, str], topic: str) -> None:
        self.port, self.cookies, self.topic = port, cookies, topic
        self.last = 0
        self.texts: list[str] = []
        self.ws: ClientConnection = self._open()

    def _open(self) -> ClientConnection:
        ws = connect(
            f"ws://{SITE}/ws/live/?topics={self.topic}&lang=zh-hans",
            sock=socket.create_connection(("127.0.0.1", self.port), timeout=10),
            origin=f"https://{SITE}",  # type: ignore[arg-type]
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
            open_timeout=10,
            legacy=True,  # kept open across the test's steps, closed with its worker
        )
        ws.send(json.dumps({"resume": self.last}))
        return ws

    def reconnect(self) -> None:
        self.ws = self._open()

    def wait_for(self, text: str, timeout: float = 15) -> None:
        while not any(text in seen for seen in self.texts):
            self._take(str(self.ws.recv(timeout=timeout)))

    def lost(self, timeout: float = 5) -> bool:
        """Whether the socket is closed (its worker went away) within ``timeout``; frames
        still queued before the close are taken as received."""
        try:
            while True:
                self._take(str(self.ws.recv(timeout=timeout)))
        except ConnectionClosed:
            return True
        except TimeoutError:
            return False

    def _take(self, message: str) -> None:
        if match := FRAME.match(message):
            self.last = max(self.last, int(match.group(1)))
            self.texts.append(message)


def _login(browser: Browser, username: str) -> None:
    status, _, _ = browser.get("/accounts/login/")
    assert status == 200
    status, headers, _ = browser.request(
        "POST",
        "/accounts/login/",
        form={
            "username": username,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
    )
    assert (status, headers.get("location")) == (302, "/"), status


def _announce(browser: Browser, compound: Compound, organization_id: int, title: str) -> None:
    status, _, text = browser.request(
        "POST",
        f"/compound/{compound.pk}/actions/announce/",
        form={
            "announce-organization": str(organization_id),
            "announce-title": title,
            "announce-body": "周三上午停水",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
    )
    assert status in (200, 302), text[-2000:]
    assert Announcement.objects.filter(title=title).count() == 1


def _ticks_after(start: dict[str, int], more: int) -> Any:
    """A check: every job ran for ``more`` ticks past its tick in ``start``."""

    def check() -> dict[str, list[int]] | None:
        by_job = runs_by_job(periodic.recent_runs())
        if set(periodic.REGISTRY) - set(by_job):
            return None
        done = all(len([t for t in by_job[j] if t > start.get(j, -1)]) >= more for j in by_job)
        return by_job if done else None

    return check


@pytest.fixture
def cluster(tdemo, collected_static: Path, tmp_path: Path, settings: Any):
    env = production_env(collected_static, tmp_path / "var")
    workers = [LiveServer(env=env), LiveServer(env=env)]
    proxy = Proxy([w.port for w in workers], tmp_path / "nginx")
    settings.YISHI_JOBS_KEY_PREFIX = f"test-cluster-{uuid.uuid4().hex}"  # this test's run log
    jobs_env = worker_env(YISHI_PERIODIC_EVERY=str(TICK))
    schedule = str(tmp_path / "beat-schedule")
    jobs = [
        ["worker", "--pool=solo", "-n", f"cluster-{uuid.uuid4().hex[:6]}@%h", "-l", "INFO"],
        ["beat", "-s", schedule, "-l", "INFO"],
    ]
    try:
        with celery_processes(jobs, jobs_env, tmp_path) as procs:
            for worker in workers:
                worker.start()
            proxy.start()
            yield workers, proxy, procs, (jobs_env, schedule, tmp_path)
    finally:
        proxy.stop()
        for worker in workers:
            worker.stop()


def test_two_workers_behind_nginx_share_events_and_losing_one_loses_none(cluster, tdemo) -> None:
    (first, second), proxy, (_worker, beat), (jobs_env, schedule, logs) = cluster
    compound = tdemo.tuanjie
    topic = f"compound:{compound.pk}:public"
    staff_user = User.objects.get(username="juwei")
    organization = organizations_posting_for(staff_user, compound)[0]

    # The journey's pages through the proxy, with their hashed static files.
    staff, resident = Browser(proxy.port), Browser(proxy.port)
    _login(staff, "juwei")
    _login(resident, "jumin")
    status, _, home = resident.get("/")
    assert status == 200, home[-2000:]
    resident.assert_static_served(home)
    status, _, board = resident.get(f"/compounds/{compound.pk}/")
    assert status == 200 and compound.name in board
    # nginx keeps its connections to the workers between requests (deploy/nginx/yishi.conf:
    # `keepalive`, and no "Connection: close" on plain requests), rather than one per page.
    assert proxy.connections_to_workers() >= 1

    # Committed through the first worker, received on a socket of the second (via Redis).
    on_first = LiveClient(first.port, resident.cookies, topic)
    on_second = LiveClient(second.port, resident.cookies, topic)
    direct = Browser(first.port)
    direct.cookies = dict(staff.cookies)
    _announce(direct, compound, organization.pk, "一号工作进程发布")
    on_second.wait_for("一号工作进程发布")
    on_first.wait_for("一号工作进程发布")

    # Pages' sockets through the proxy, spread over both workers.
    pages = [LiveClient(proxy.port, resident.cookies, topic) for _ in range(4)]
    _announce(staff, compound, organization.pk, "经代理发布")
    for page in pages:
        page.wait_for("经代理发布")

    # One worker dies; its sockets close, a notice is posted meanwhile (the proxy sends it
    # to the survivor), and the pages that lost their socket reconnect and replay it.
    first.stop()
    assert on_first.lost()
    orphaned = [page for page in pages if page.lost(timeout=2)]
    assert orphaned, "no page socket was on the worker that stopped"
    _announce(staff, compound, organization.pk, "一号进程停止后发布")
    for page in orphaned:
        page.reconnect()
    for page in [*pages, on_second]:
        page.wait_for("一号进程停止后发布")

    # The scheduler is killed mid-run and restarted: every job goes on, none runs twice in
    # a tick (the worker claims each job's tick in Redis before running it).
    before = wait_for(_ticks_after({}, 2), 90, "two ticks of every job", logs)
    beat.send_signal(signal.SIGKILL)
    beat.wait(10)
    last = {job: max(ticks) for job, ticks in before.items()}
    with celery_processes([["beat", "-s", schedule, "-l", "INFO"]], jobs_env, logs):
        after = wait_for(_ticks_after(last, 2), 90, "two ticks after the restart", logs)
    for job, ticks in after.items():
        assert len(ticks) == len(set(ticks)), f"{job} ran twice in a tick: {sorted(ticks)}"
