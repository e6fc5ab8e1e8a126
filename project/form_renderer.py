"""Django's form renderer with one template of ours in front: ``select.html`` that draws its
options inline instead of one ``{% include %}`` (and a nested attrs include) per option.

The lists' filter bars draw a few hundred options per page (compounds, categories, parties);
through the stock template each option cost two template renders, a third of the residents'
committee's inbox. The markup is the same as Django's ``select_option.html``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates

OVERRIDES = Path(__file__).resolve().parent.parent / "templates" / "form_widgets"


class FormRenderer(DjangoTemplates):
    @cached_property
    def engine(self) -> Any:
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [OVERRIDES, Path(django.forms.__file__).parent / "templates"],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )
