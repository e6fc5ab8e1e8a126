"""Importing the owner register: a step on the compound. Uploading and previewing the file
is a read (``views.register``: parse and show, nothing stored); confirming is this action.
It has no request to keep the preview in, so the previewed rows come back in a signed
hidden field (``forms.RegisterRowsForm``: salted per compound and person, one hour), and the
service checks them again before storing."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from deliberation.forms import RegisterRowsForm
from deliberation.models import Compound, User
from deliberation.services.owner_register import apply_register

from . import compounds  # noqa: F401  (declares the compound kind first)
from .registry import Action, Outcome, Weight, declare


def _import(compound: Compound, actor: User, data: dict[str, Any]) -> Outcome:
    n = apply_register(actor=actor, compound=compound, rows=data["rows"])
    return Outcome(
        _("%(n)s units imported into the owner register of %(compound)s.")
        % {"n": n, "compound": compound.name},
        redirect=reverse("owner-register", args=[compound.pk]),
    )


declare(
    Action(
        kind="compound",
        name="import_register",
        rule="register.import",
        label=pgettext_lazy("owner register", "Import these rows"),
        run=_import,
        form=RegisterRowsForm,
        form_kwargs=lambda compound, user: {"compound": compound, "user": user},
        weight=Weight.PRIMARY,
        # Only after a preview: the register page draws it under the previewed rows.
        extra={"controls": False},
    )
)
