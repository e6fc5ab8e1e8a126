"""Which installed apps' static files we collect and serve.

viewflow 2.4.0 ships 49 MB of assets for its Material frontend (fonts, icons, its CSS and
JS). We drive viewflow from our own views and templates and render none of it (its error
pages are overridden in ``templates/``), and its ``roboto-fontface.css`` references font
files the wheel does not ship, so ``collectstatic`` with the production manifest storage
fails on them. Rather than loosen the manifest for every file, the assets we never serve
are not collected at all; viewflow itself stays unmodified (AGPL). Likewise django-ninja's
ReDoc bundle: the API's documentation page is its Swagger UI.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.staticfiles import finders

# Apps whose ``static/`` directory nothing we render refers to.
UNSERVED_STATIC_APPS = frozenset({"viewflow"})
# Files of the served apps that no page loads (paths as collected).
UNSERVED_STATIC_FILES = ("ninja/redoc.standalone.js*",)


class ServedAppDirectoriesFinder(finders.AppDirectoriesFinder):
    """``AppDirectoriesFinder`` limited to the apps whose static files a page can use."""

    def __init__(self, app_names: Any = None, *args: Any, **kwargs: Any) -> None:
        served = [
            config.name
            for config in apps.get_app_configs()
            if config.name not in UNSERVED_STATIC_APPS
            and (app_names is None or config.name in app_names)
        ]
        super().__init__(served, *args, **kwargs)

    def list(self, ignore_patterns: Any) -> Any:
        return super().list([*(ignore_patterns or ()), *UNSERVED_STATIC_FILES])
