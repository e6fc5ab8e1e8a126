#!/usr/bin/env python
"""Chinese translations, one catalog per area: ``locale/<area>/zh_Hans/LC_MESSAGES/django.po``.

Areas keep separate catalogs so that parallel work does not collide in one file; Django
merges every directory in LOCALE_PATHS. Usage:

    python scripts/messages.py missing          # msgids used in code with no translation
    python scripts/messages.py add AREA         # append those to AREA's catalog, to fill in
    python scripts/messages.py compile          # compile every catalog (.mo)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
SOURCES = ["project", "deliberation", "workflows", "templates"]


def extracted() -> polib.POFile:
    """Every msgid in our code and templates, via Django's own makemessages."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in SOURCES:
            (work / name).symlink_to(ROOT / name)
        (work / "locale").mkdir()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "project.settings",
            "DEBUG": "1",
            "PYTHONPATH": str(ROOT),
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "django",
                "makemessages",
                "-l",
                "zh_Hans",
                "--symlinks",
                "--no-location",
                "--no-obsolete",
            ],
            cwd=work,
            env=env,
            check=True,
            capture_output=True,
        )
        return polib.pofile(str(work / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))


def catalogs() -> list[Path]:
    return sorted(LOCALE.glob("*/zh_Hans/LC_MESSAGES/django.po"))


def translated_ids() -> set[tuple[str, str]]:
    done: set[tuple[str, str]] = set()
    for path in catalogs():
        for entry in polib.pofile(str(path)):
            if entry.translated():
                done.add((entry.msgctxt or "", entry.msgid))
    return done


def missing() -> list[polib.POEntry]:
    done = translated_ids()
    return [e for e in extracted() if e.msgid and (e.msgctxt or "", e.msgid) not in done]


def add(area: str) -> None:
    path = LOCALE / area / "zh_Hans" / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    po = polib.pofile(str(path)) if path.exists() else polib.POFile()
    po.metadata = po.metadata or {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "zh_Hans",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    known = {(e.msgctxt or "", e.msgid) for e in po}
    for entry in missing():
        if (entry.msgctxt or "", entry.msgid) not in known:
            entry.occurrences = []
            po.append(entry)
    po.save(str(path))
    print(f"{path}: {len(po.untranslated_entries())} to translate")


def compile_all() -> None:
    for path in catalogs():
        polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "missing"
    if command == "missing":
        gaps = missing()
        for e in gaps:
            print(repr(e.msgid))
        sys.exit(1 if gaps else 0)
    elif command == "add":
        add(sys.argv[2])
    elif command == "compile":
        compile_all()
    else:
        sys.exit(__doc__)
