"""`make run`'s embedded mode (SQLite, in-memory layer): the demo seeds and every main page
renders. The rest of the suite runs on PostgreSQL, so this guards SQLite-only breakage."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.embedded import embedded_env
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


def test_demo_pages_render_on_sqlite(tmp_path: Path, seeded_sqlite: Path) -> None:
    shutil.copy(seeded_sqlite, tmp_path / seeded_sqlite.name)
    env = embedded_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    status = json.loads(result.stdout.strip().splitlines()[-1])
    assert status and all(code == 200 for code in status.values()), status
