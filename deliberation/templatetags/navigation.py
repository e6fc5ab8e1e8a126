"""``{% main_navigation as links %}`` for base.html: the header links, from the policy."""

from __future__ import annotations

from typing import Any

from django import template

from deliberation.navigation import NavLink
from deliberation.navigation import main_navigation as _main_navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context: dict[str, Any]) -> list[NavLink]:
    request = context.get("request")
    if request is None:  # error pages rendered without a request (400)
        return []
    return _main_navigation(getattr(request, "user", None), request.path)
