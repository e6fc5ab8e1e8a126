"""Our date and number formats per language (``FORMAT_MODULE_PATH``), over Django's own.

Templates name formats (``SHORT_DATETIME_FORMAT``), never spell them, so a Chinese reader
sees 2026年12月2日 14:30 and an English one 2 Dec 2026 14:30. Quantities (areas, counts)
are grouped by thousands with the ``quantity`` filter; ids are never grouped, which is why
``USE_THOUSAND_SEPARATOR`` stays off (it would turn issue #1234 into #1,234 and break
element ids and URLs built in templates).
"""
