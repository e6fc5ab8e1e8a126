"""``{% controls thing "kind" %}``: the steps the person can take on a thing now, drawn by
``actions/_controls.html`` — the same partial the controls endpoint answers with after a
push, so a page and its refresh never differ."""

from __future__ import annotations

from typing import Any

from django import template

from deliberation import actions

register = template.Library()


@register.inclusion_tag("actions/_controls.html", takes_context=True)
def controls(context: template.Context, obj: Any, kind: str, **bound: Any) -> dict[str, Any]:
    request = context["request"]
    assert actions.kind_of(kind) is not None, kind
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "kind": kind,
        "obj": obj,
        "shown": actions.controls_for(request.user, obj, kind, bound),
        "nested": actions.nested_controls(request.user, obj, kind),
        "notice": "",
        "error": "",
    }


@register.inclusion_tag("actions/_tasks.html", takes_context=True)
def task_list(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    return actions.task_list_context(
        request.user, request=request, csrf_token=context.get("csrf_token")
    )
