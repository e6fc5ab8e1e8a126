"""Both configurations load as documented, and production settings pass check --deploy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "language": settings.LANGUAGE_CODE,
    "tz": settings.TIME_ZONE,
}))
"""


def probe(env: dict[str, str]) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**base, **env, "DJANGO_SETTINGS_MODULE": "project.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_defaults_are_sqlite_and_in_memory(tmp_path: Path) -> None:
    got = probe({"DEBUG": "1", "YISHI_VAR_DIR": str(tmp_path)})
    assert got == {
        "engine": "django.db.backends.sqlite3",
        "layer": "channels.layers.InMemoryChannelLayer",
        "language": "zh-hans",
        "tz": "Asia/Shanghai",
    }


def test_services_configuration_uses_postgres_and_redis(postgres_server, redis_server) -> None:
    got = probe({"DEBUG": "1", "DATABASE_URL": postgres_server.url, "REDIS_URL": redis_server.url})
    assert got["engine"] == "django.db.backends.postgresql"
    assert got["layer"] == "deliberation.live.layer.LiveChannelLayer"


def test_core_layer_can_be_chosen(postgres_server, redis_server) -> None:
    got = probe(
        {
            "DEBUG": "1",
            "DATABASE_URL": postgres_server.url,
            "REDIS_URL": redis_server.url,
            "REDIS_CHANNEL_LAYER": "core",
        }
    )
    assert got["layer"] == "channels_redis.core.RedisChannelLayer"


def test_secret_key_is_required_without_debug() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**env, "DEBUG": "0"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_production_settings(postgres_server, redis_server) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "k9#Qv2!xLr7@pZ4mWb8^tYc1&Nf6*Hd3(Gs5)Je0-Ua_Io+Ek=Ol[Ri]Tp{",
        "ALLOWED_HOSTS": "yishi.example.org",
        "DATABASE_URL": postgres_server.url,
        "REDIS_URL": redis_server.url,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
