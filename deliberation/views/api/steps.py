"""The actions of the action model over JSON: ``POST /api/v1/<kind>/{id}/actions/<name>``.

One operation per object kind (``work-orders``, ``votes``, …), its ``name`` one of the
kind's declared actions, all through ``deliberation.actions.perform`` — the very path the
pages take: the policy first (403, or the 404 a missing id gets for a thing the key may
not know of), then the thing's state (409), then the action's form (422 with each field's
messages), then its service (its own 409 / 422).

The body is the action's form as a JSON object, field names without the form's prefix:
``{"note": "已修好"}``; a list for a multiple choice; ``true`` / ``false`` for a checkbox.
Files cannot be sent this way (an action needing one answers 422 naming the field).
"""

from __future__ import annotations

import logging
from enum import Enum
from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from ninja import Body, Path, Router
from pydantic import StrictBool, StrictFloat, StrictInt, StrictStr

from deliberation import actions
from deliberation.actions import InvalidForm, ObjectKind
from deliberation.errors import InvalidInput

from . import schemas as out
from .auth import account_of
from .reads import MAX_ID, errors, known

log = logging.getLogger("yishi.api")

router = Router()

#: A value of a form field: text, a number, a checkbox, or the choices of a multiple one
#: (strict: ``[false]`` is not a list of choices).
FieldValue = StrictStr | StrictInt | StrictFloat | StrictBool | list[StrictStr | StrictInt] | None

#: Kinds whose URL segment is not their name with dashes and an "s".
SEGMENTS = {"evidence": "evidence", "minutes": "minutes"}


def segment(kind: str) -> str:
    """``work_order`` → ``work-orders``, ``ledger_entry`` → ``ledger-entries``."""
    if kind in SEGMENTS:
        return SEGMENTS[kind]
    name = kind.replace("_", "-")
    return name[:-1] + "ies" if name.endswith("y") else name + "s"


def form_data(body: dict[str, FieldValue] | None, prefix: str) -> QueryDict:
    """The JSON body as the POST data the action's form reads (its fields prefixed)."""
    data = QueryDict(mutable=True)
    for name, value in (body or {}).items():
        key = f"{prefix}-{name}"
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = str(value)
    return data


def _field_errors(form: Any) -> dict[str, list[str]]:
    return {
        name: [e["message"] for e in errs] for name, errs in form.errors.get_json_data().items()
    }


ID = Path(..., ge=1, le=MAX_ID, description="the thing's id")
NAME = Path(..., description="the step")
NO_BODY = Body(None)


class FormRefused(Exception):
    """The action's form or its service refused the input (HTTP 422)."""

    def __init__(self, message: str, fields: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


def take(request: HttpRequest, kind: ObjectKind, pk: int, name: str, body: Any) -> dict[str, Any]:
    obj = known(request, kind.name, pk)
    action = actions.action_of(kind.name, name)
    if action is None:  # the enum keeps this out; kept for a kind whose actions changed
        raise FormRefused(_("There is no such step."), {})
    user = account_of(request)
    try:
        outcome = actions.perform(
            user=user, obj=obj, action=action, data=form_data(body, action.prefix or name)
        )
    except InvalidForm as exc:
        message = getattr(exc.form, "review_message", "") or _(
            "There is a problem: correct the fields marked below."
        )
        raise FormRefused(message, _field_errors(exc.form)) from exc
    except InvalidInput as exc:
        raise FormRefused(str(exc), exc.fields) from exc
    except ValueError as exc:
        log.exception("API action %s on %s #%s refused with a ValueError", action.key, kind, pk)
        message = _("This step could not be taken with what was sent. Check it and try again.")
        raise FormRefused(message, {}) from exc
    return {"message": outcome.message, "url": outcome.redirect or kind.page_url(obj)}


def _declare(kind: ObjectKind) -> None:
    names = [a.name for a in actions.actions_of(kind.name)]
    if not names:
        return
    choices = Enum(  # type: ignore[misc]
        f"{kind.name.title().replace('_', '')}Action", {n: n for n in names}, type=str
    )

    def step(
        request: HttpRequest,
        id: int = ID,
        name: Any = NAME,
        body: dict[str, FieldValue] | None = NO_BODY,
    ) -> Any:
        return take(request, kind, id, name.value, body)

    step.__annotations__ = {**step.__annotations__, "name": choices}
    step.__name__ = f"{kind.name}_action"
    labels = ", ".join(f"`{n}`" for n in names)
    router.post(
        f"/{segment(kind.name)}/{{id}}/actions/{{name}}",
        response={200: out.Done, **errors(400, 403, 404, 409)},
        operation_id=f"{kind.name}_action",
        url_name="api-action",
        summary=f"Take a step on a {kind.name.replace('_', ' ')}",
        description=f"Steps: {labels}.",
        tags=["actions"],
    )(step)


for _kind in list(actions.KINDS.values()):
    _declare(_kind)
