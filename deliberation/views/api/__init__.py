"""The JSON API, ``/api/v1/`` (django-ninja): the main things to read and the actions of
the action model to take, for other systems (a property firm's own ticket system, the
subdistrict's dashboards) holding an organization's API key. docs/api.md says how.

Its OpenAPI 3 schema is generated from this code (``/api/v1/openapi.json``) and published
with Swagger UI (``/api/v1/docs``, served from our own static files: no CDN, no inline
script). Every refusal has one shape, ``{"ok": false, "message", "fields"}`` (``Error``),
its message in the request's language.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from deliberation.errors import Conflict
from deliberation.views.open311_guards import ApiError

from . import reads, steps
from .auth import OrganizationKey

api = NinjaAPI(
    title="Yishi API",
    version="1",
    description=(
        "Issues, work orders, sessions, resolutions, owners' votes, notices and compounds "
        "of a Tuanjiehu deployment, and the steps of the action model. Authenticate with an "
        "organization's API key: `Authorization: Bearer <key>`."
    ),
    auth=OrganizationKey(),
    urls_namespace="api-v1",
    docs_decorator=require_safe,
)
api.add_router("/", reads.router)
api.add_router("/", steps.router)


def _refusal(
    request: HttpRequest,
    status: int,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {"ok": False, "message": message, "fields": fields or {}}
    return api.create_response(request, body, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _refusal(
        request, 401, _("Send a valid API key in the header Authorization: Bearer <key>.")
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _unreadable(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals: a body that is not JSON (400)."""
    message = _("The body is not JSON: send a JSON object of the step's fields.")
    return _refusal(request, exc.status_code, message)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    response = _refusal(request, exc.status, exc.description)
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _refusal(request, 404, _("There is nothing with this id that you may see."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _refusal(request, 403, _("You may not do this."))


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return _refusal(request, 409, str(exc))


@api.exception_handler(steps.FormRefused)
def _form_refused(request: HttpRequest, exc: steps.FormRefused) -> HttpResponse:
    return _refusal(request, 422, exc.message, exc.fields)


@api.exception_handler(ValidationError)
def _malformed(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        fields.setdefault(where, []).append(str(error.get("msg", "")))
    return _refusal(request, 422, _("The request does not match the API's schema."), fields)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under ``/api/v1/``: the API's 404, in its shape (not the HTML page)."""
    message = _("There is nothing with this id that you may see.")
    return JsonResponse({"ok": False, "message": message, "fields": {}}, status=404)


def api_urls() -> tuple[list[Any], str, str]:
    """ninja's URL patterns, its root (``api-root``, which ninja reverses for the schema's
    paths) answering the API's JSON 404 instead of ninja's HTML one."""
    patterns, app_name, namespace = api.urls
    root = path("", not_found, name="api-root")
    kept = [root if getattr(p, "name", "") == "api-root" else p for p in patterns]
    return kept, app_name, namespace


__all__ = ["api", "api_urls", "not_found"]
