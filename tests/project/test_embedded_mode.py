"""`make run`'s embedded mode (SQLite, in-memory layer): the demo seeds and every main page
renders. The rest of the suite runs on PostgreSQL, so this guards SQLite-only breakage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT

SCRIPT = r"""
import json, django
django.setup()
from django.core.management import call_command
from django.test import Client
from deliberation.models import Session, OwnersVote, Issue, User
call_command("migrate", verbosity=0)
call_command("seed_demo", verbosity=0)
session, vote, issue = Session.objects.first(), OwnersVote.objects.first(), Issue.objects.first()
pages = {
    "shuji": ["/", "/inbox/", "/sessions/", f"/sessions/{session.pk}/", "/issues/"],
    "juwei": ["/", "/inbox/", f"/issues/{issue.pk}/", f"/votes/{vote.pk}/"],
    "wuye": ["/", "/inbox/", f"/sessions/{session.pk}/"],
    "jumin": ["/", f"/sessions/{session.pk}/public/", f"/votes/{vote.pk}/", "/issues/new/"],
    "jiedao": ["/", "/issues/", "/indicators/", f"/compounds/{vote.compound_id}/register/"],
}
status = {}
for username, urls in pages.items():
    client = Client()
    client.force_login(User.objects.get(username=username))
    for url in urls:
        status[f"{username} {url}"] = client.get(url).status_code
print(json.dumps(status))
"""


def test_demo_pages_render_on_sqlite(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="1",
        YISHI_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="project.settings",
        ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    status = json.loads(result.stdout.strip().splitlines()[-1])
    assert status and all(code == 200 for code in status.values()), status
