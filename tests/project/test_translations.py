"""Every user-facing string in code and templates has a Chinese translation."""

from scripts.messages import missing


def test_no_string_lacks_a_chinese_translation() -> None:
    gaps = [e.msgid for e in missing()]
    assert gaps == [], f"untranslated: {gaps} — run `python scripts/messages.py add <area>`"
