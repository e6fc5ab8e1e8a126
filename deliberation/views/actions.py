"""The one shape of every state-changing step: ``POST /<kind>/<id>/actions/<name>/``.

Policy first (a refusal is 403 before any input is read), then the thing's state (409),
then the action's form (400 with each field's error), then its service. One answer for
a page (redirect with a message, or the action's own form page with its errors), for htmx
(the person's refreshed controls) and for JSON (``Accept: application/json``).

``GET /<kind>/<id>/controls/`` is what a page fetches again when a push says the thing's
state changed; ``GET /<kind>/<id>/actions/<name>/`` is the action alone on its own page
(where a task list sends a step that needs input, and where a page without script falls
back to on a form error).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from deliberation import actions, policy
from deliberation.actions import Action, InvalidForm, ObjectKind, Outcome
from deliberation.errors import Conflict, Forbidden, InvalidInput

log = logging.getLogger("yishi.actions")

CONTROLS_TEMPLATE = "actions/_controls.html"
PAGE_TEMPLATE = "actions/page.html"
TASKS_TEMPLATE = "actions/_tasks.html"


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and not request.headers.get("HX-Request")


def _thing(request: HttpRequest, kind_name: str, pk: int) -> tuple[ObjectKind, Any]:
    """The kind and the thing, or 404 alike for a missing id and one the user may not know."""
    kind = actions.kind_of(kind_name)
    if kind is None:
        raise Http404
    obj = kind.load(pk)
    if obj is None:
        raise Http404
    subject = kind.belongs_to(obj) if kind.belongs_to else obj
    if type(subject).__name__ in policy.EXISTENCE_RULES:
        policy.visible_or_404(request.user, subject)
    return kind, obj


def controls_context(
    request: HttpRequest,
    kind: ObjectKind,
    obj: Any,
    *,
    bound: dict[str, Any] | None = None,
    notice: str = "",
    error: str = "",
) -> dict[str, Any]:
    """What ``actions/_controls.html`` draws (``actions.controls_for``)."""
    return {
        "kind": kind.name,
        "obj": obj,
        "shown": actions.controls_for(request.user, obj, kind.name, bound),
        "nested": actions.nested_controls(request.user, obj, kind.name),
        "notice": notice,
        "error": error,
    }


def _answer_error(
    request: HttpRequest,
    kind: ObjectKind,
    obj: Any,
    *,
    status: int,
    message: str,
    action: Action | None = None,
    form: Any = None,
) -> HttpResponse:
    if _wants_json(request):
        fields = dict(form.errors.get_json_data()) if form is not None else {}
        return JsonResponse({"ok": False, "message": message, "fields": fields}, status=status)
    if request.headers.get("HX-Target") == "task-list":
        tasks = actions.task_list_context(request.user, error=message)
        return render(request, TASKS_TEMPLATE, tasks, status=status)
    if request.headers.get("HX-Request"):
        bound = {action.name: form} if action is not None and form is not None else {}
        controls = controls_context(request, kind, obj, bound=bound, error=message)
        return render(request, CONTROLS_TEMPLATE, controls, status=status)
    if status == 409:
        return render(request, "issues/conflict.html", {"message": message}, status=409)
    context: dict[str, Any] = {
        "kind": kind,
        "obj": obj,
        "action": action,
        "form": form,
        "error": message,
        "title": kind.title(obj),
        "back": kind.page_url(obj),
    }
    return render(request, PAGE_TEMPLATE, context, status=status)


def _already_there(request: HttpRequest, url: str) -> bool:
    """An htmx step sent from the page it would redirect to (a resident rating on their
    issue page) is answered in place: the page stays, its controls say what happened."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    return current.path == urlsplit(url).path and current.netloc in ("", request.get_host())


def _answer_done(
    request: HttpRequest, kind: ObjectKind, obj: Any, outcome: Outcome
) -> HttpResponse:
    target = outcome.redirect or kind.page_url(obj)
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": outcome.message, "url": target})
    if request.headers.get("HX-Target") == "task-list":  # one tap from the task list
        context = actions.task_list_context(request.user, notice=outcome.message)
        return render(request, TASKS_TEMPLATE, context)
    if request.headers.get("HX-Request"):
        if outcome.redirect and (outcome.reload or not _already_there(request, outcome.redirect)):
            messages.success(request, outcome.message)
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        fresh = kind.load(obj.pk) or obj
        context = controls_context(request, kind, fresh, notice=outcome.message)
        return render(request, CONTROLS_TEMPLATE, context)
    messages.success(request, outcome.message)
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def action_view(request: HttpRequest, kind: str, pk: int, name: str) -> HttpResponse:
    object_kind, obj = _thing(request, kind, pk)
    action = actions.action_of(kind, name)
    if action is None:
        raise Http404
    if request.method == "GET":
        if not actions.may(request.user, obj, action):
            raise Forbidden(action.key)
        if not action.when(obj):
            message = _("This step is no longer possible: the page was out of date.")
            return _answer_error(request, object_kind, obj, status=409, message=message)
        form = action.make_form(obj, request.user)
        context = {
            "kind": object_kind,
            "obj": obj,
            "action": action,
            "form": form,
            "title": object_kind.title(obj),
            "back": object_kind.page_url(obj),
        }
        return render(request, PAGE_TEMPLATE, context)
    return run_and_answer(request, object_kind, obj, action)


def _add_service_errors(form: Any, exc: InvalidInput) -> None:
    """Put a service's refusal on the form so the error summary shows it: a refusal naming
    no field (or a field this form does not have) becomes a non-field error."""
    if not exc.fields:
        form.add_error(None, str(exc))
        return
    for field, errors in exc.fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def run_and_answer(
    request: HttpRequest, kind: ObjectKind, obj: Any, action: Action
) -> HttpResponse:
    """Perform ``action`` and answer in the request's shape. Area views that keep an older
    URL for the same step call this, so there is still one path."""
    try:
        outcome = actions.perform(
            user=request.user, obj=obj, action=action, data=request.POST, files=request.FILES
        )
    except Forbidden:
        if _wants_json(request):
            message = _("You may not do this.")
            return JsonResponse({"ok": False, "message": message, "fields": {}}, status=403)
        raise
    except InvalidForm as exc:
        return _answer_error(
            request,
            kind,
            obj,
            status=400,
            # A form with a review step (the ballot) says what to check instead.
            message=getattr(exc.form, "review_message", "")
            or _("There is a problem: correct the fields marked below."),
            action=action,
            form=exc.form,
        )
    except InvalidInput as exc:
        form = action.make_form(obj, request.user, request.POST, request.FILES)
        if form is not None:
            form.is_valid()
            _add_service_errors(form, exc)
        return _answer_error(
            request, kind, obj, status=400, message=str(exc), action=action, form=form
        )
    except Conflict as exc:
        return _answer_error(request, kind, obj, status=409, message=str(exc))
    except ValueError:
        # A service refused in a way it did not put into words for people: never show its
        # text, say it plainly and keep the details for the log.
        log.exception(
            "action %s on %s #%s refused with a ValueError", action.key, kind.name, obj.pk
        )
        return _answer_error(
            request,
            kind,
            obj,
            status=400,
            message=_("This step could not be taken with what was sent. Check it and try again."),
            action=action,
        )
    return _answer_done(request, kind, obj, outcome)


@login_required
@require_GET
def controls_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The person's own controls for a thing, fetched again after a push."""
    object_kind, obj = _thing(request, kind, pk)
    return render(request, CONTROLS_TEMPLATE, controls_context(request, object_kind, obj))


@login_required
@require_GET
def task_list_view(request: HttpRequest) -> HttpResponse:
    """The person's task list, fetched again after a push: its first tasks, or with
    ``?all=1`` (the list's "show the other N tasks") every one."""
    everything = request.GET.get("all") == "1"
    return render(
        request, TASKS_TEMPLATE, actions.task_list_context(request.user, everything=everything)
    )
