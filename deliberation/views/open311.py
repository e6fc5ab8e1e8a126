"""Open311 GeoReport v2 at ``/open311/v2/`` (JSON, and XML for a ``.xml`` URL).

Endpoints: ``services.json``, ``services/<code>.json``, ``requests.json`` (GET list, POST
create) and ``requests/<id>.json``. Errors are the spec's arrays
``[{"code": 400, "description": "…"}]`` with the same HTTP status: 400 for a missing or
invalid field, 403 for a missing or invalid ``api_key``, 404 for an unknown service code or
request, 429 (with ``Retry-After``) over a budget of ``OPEN311_RATE_LIMITS``. POST is exempt
from CSRF: the API key is its only credential. A retried POST (an ``Idempotency-Key``
header, or the same body from the same key within minutes) answers the first one's 201
again, marked ``Idempotent-Replayed: true``, and creates nothing.

Extensions (documented in the README): a location may be given as our ``compound_id`` (with
optional ``building_id`` and ``unit_id``) instead of ``address_string``; ``address_id`` is
read as a compound id. Responses carry ``compound_id`` and ``building_id``. There is no
geocoding, so ``lat``/``long`` alone are refused and are ``null`` in responses;
``jurisdiction_id`` is ignored (one jurisdiction). GET output is the public projection:
no names, phones, e-mails or staff notes, no unit; the description only for a key whose
account may see the issue (``open311.description``), with phone numbers masked.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET  # noqa: N817  (we only build, never parse)
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.hotline_file import PHONE_RE
from deliberation.ids import parse_id, parse_ids
from deliberation.models import ApiKey, Building, Compound, Issue, IssueCategory, Unit
from deliberation.selectors.open311 import public_requests
from deliberation.services.idempotency import KeyReused
from deliberation.services.open311 import submit_service_request_once

from .open311_guards import (
    ApiError,
    check_query,
    check_storable,
    checked_key,
    parse_moment,
    request_identity,
    throttle_anonymous_read,
)

MAX_RESULTS = 1000
DEFAULT_WINDOW = timedelta(days=90)  # GeoReport v2: the default date range
MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def _json(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data, safe=False, status=status, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Type"] = "application/json; charset=utf-8"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _error(error: ApiError) -> JsonResponse:
    response = _json([{"code": error.status, "description": error.description}], error.status)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


def _api(view: Any) -> Any:
    """Refuse what no query may see (NUL bytes) and clients over their budget; turn
    ``ApiError`` into the spec's error array; answer in JSON or, for a ``.xml`` URL, the
    spec's XML; exempt from CSRF."""

    def wrapped(request: HttpRequest, *args: Any, fmt: str = "json", **kwargs: Any) -> Any:
        try:
            check_query(request, kwargs)
            throttle_anonymous_read(request)
            response = view(request, *args, **kwargs)
        except ApiError as exc:
            response = _error(exc)
        return _as_xml(response, view.__name__) if fmt == "xml" else response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    # The API uses no cookie or session: the api_key is its only credential, so there is
    # nothing for a cross-site request to ride on.
    wrapped.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapped


#: XML element names per view (GeoReport v2): (root, item)
XML_NAMES = {
    "services": ("services", "service"),
    "service_definition": ("service_definition", "attribute"),
    "requests_endpoint": ("service_requests", "request"),
    "request_detail": ("service_requests", "request"),
}


def _xml_value(parent: ET.Element, name: str, value: Any) -> None:
    child = ET.SubElement(parent, name)
    if isinstance(value, list):
        for item in value:
            _xml_fill(ET.SubElement(child, "attribute"), item)
    elif isinstance(value, bool):
        child.text = "true" if value else "false"
    elif value is not None:
        child.text = str(value)


def _xml_fill(element: ET.Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        _xml_value(element, key, value)


def _as_xml(response: HttpResponse, view_name: str) -> HttpResponse:
    """The same data as the JSON answer, in the spec's XML shape."""
    data = json.loads(response.content)
    if response.status_code >= 400:
        root_name, item_name = "errors", "error"
    else:
        root_name, item_name = XML_NAMES.get(view_name, ("response", "item"))
    root = ET.Element(root_name)
    if isinstance(data, list):
        for item in data:
            _xml_fill(ET.SubElement(root, item_name), item)
    else:
        _xml_fill(root, data)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")
    out = HttpResponse(body, status=response.status_code, content_type="text/xml; charset=utf-8")
    out["X-Content-Type-Options"] = "nosniff"
    for header in ("Retry-After", "Idempotent-Replayed"):
        if header in response:
            out[header] = response[header]
    return out


def _method(request: HttpRequest, *allowed: str) -> None:
    if request.method not in allowed:
        raise ApiError(405, _("Method not allowed."))


def _when(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


# --- services --------------------------------------------------------------------------------


def _service(category: IssueCategory) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": category.keywords.replace("，", ","),
        "group": category.group,
    }


@_api
def services(request: HttpRequest) -> JsonResponse:
    """Our issue categories as the service list."""
    _method(request, "GET", "HEAD")
    return _json([_service(c) for c in IssueCategory.objects.filter(active=True)])


@_api
def service_definition(request: HttpRequest, code: str) -> JsonResponse:
    """A service's definition: we ask no extra attributes (``metadata`` is false)."""
    _method(request, "GET", "HEAD")
    category = IssueCategory.objects.filter(code=code, active=True).first()
    if category is None:
        raise ApiError(404, _("Unknown service_code “%(code)s”.") % {"code": code[:40]})
    return _json({"service_code": category.code, "attributes": []})


# --- requests: reading -----------------------------------------------------------------------


def _reader(request: HttpRequest) -> Any:
    """The key's account when a key is given (it may see descriptions), else anonymous."""
    raw = request.GET.get("api_key", "")
    if not raw:
        return None
    return checked_key(request, raw, "key_read").account


def _mask(text: str) -> str:
    return MOBILE_RE.sub(r"\1****\2", text)


def _representation(issue: Issue, reader: Any) -> dict[str, Any]:
    submission = getattr(issue, "open311", None)
    compound = issue.compound
    assert compound is not None
    agency = issue.responsible or compound.community.residents_committee
    address = " ".join(
        p for p in (compound.name, issue.building.name if issue.building else "") if p
    )
    show_text = reader is not None and policy.can(reader, "open311.description", issue)
    return {
        "service_request_id": str(issue.pk),
        "status": "open" if issue.is_open else "closed",
        "status_notes": getattr(issue, "status_notes", None) or None,
        "service_name": issue.category.name if issue.category else None,
        "service_code": issue.category.code if issue.category else None,
        "description": _mask(issue.description) if show_text else None,
        "agency_responsible": agency.name if agency else None,
        "service_notice": submission.service_notice if submission else None,
        "requested_datetime": _when(issue.created_at),
        "updated_datetime": _when(issue.updated_at),
        "expected_datetime": _when(getattr(issue, "expected_at", None)),
        "address": address,
        "address_id": str(compound.pk),
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": (submission.media_url or None) if submission else None,
        "compound_id": compound.pk,
        "building_id": issue.building_id,
    }


def _list(request: HttpRequest) -> JsonResponse:
    reader = _reader(request)
    issues = public_requests()
    ids = request.GET.get("service_request_id", "")
    if ids:
        wanted = parse_ids(i.strip() for i in ids.split(",") if i.strip())
        if not wanted:
            raise ApiError(400, _("service_request_id must be a comma-separated list of ids."))
        issues = issues.filter(pk__in=wanted[:MAX_RESULTS])
    else:
        codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
        if codes:
            issues = issues.filter(category__code__in=codes)
        statuses = [s.strip() for s in request.GET.get("status", "").split(",") if s.strip()]
        if any(s not in ("open", "closed") for s in statuses):
            raise ApiError(400, _("status must be open or closed."))
        if statuses == ["open"]:
            issues = issues.filter(status__in=Issue.OPEN_STATUSES)
        elif statuses == ["closed"]:
            issues = issues.exclude(status__in=Issue.OPEN_STATUSES)
        start_raw, end_raw = request.GET.get("start_date", ""), request.GET.get("end_date", "")
        end = parse_moment("end_date", end_raw) if end_raw else None
        start = parse_moment("start_date", start_raw) if start_raw else None
        if start is None and end is None:
            start = timezone.now() - DEFAULT_WINDOW
        elif start is None and end is not None:
            start = end - DEFAULT_WINDOW
        if start and end and end < start:
            raise ApiError(400, _("end_date is before start_date."))
        if start is not None:
            issues = issues.filter(created_at__gte=start)
        if end is not None:
            issues = issues.filter(created_at__lte=end)
    rows = [i for i in issues[:MAX_RESULTS] if policy.can(reader, "open311.read", i)]
    return _json([_representation(i, reader) for i in rows])


@_api
def request_detail(request: HttpRequest, pk: str) -> JsonResponse:
    _method(request, "GET", "HEAD")
    reader = _reader(request)
    issue_id = parse_id(pk)
    issue = public_requests().filter(pk=issue_id).first() if issue_id else None
    if issue is None or not policy.can(reader, "open311.read", issue):
        raise ApiError(404, _("Unknown service_request_id “%(id)s”.") % {"id": pk[:20]})
    return _json([_representation(issue, reader)])


# --- requests: creating ----------------------------------------------------------------------


def _fields(request: HttpRequest) -> dict[str, str]:
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, _("The request body is not valid JSON.")) from exc
        if not isinstance(body, dict):
            raise ApiError(400, _("The request body is not valid JSON."))
        fields = {str(k): "" if v is None else str(v).strip() for k, v in body.items()}
    else:
        fields = {k: str(request.POST.get(k, "")).strip() for k in request.POST}
    for name, value in fields.items():
        check_storable(name, value)
    return fields


def _key(request: HttpRequest, fields: dict[str, str]) -> ApiKey:
    raw = fields.get("api_key") or request.headers.get("X-Api-Key", "")
    if not raw:
        raise ApiError(403, _("An api_key is required to submit a request."))
    return checked_key(request, raw, "post")


def _int(fields: dict[str, str], name: str) -> int | None:
    value = fields.get(name, "")
    if not value:
        return None
    number = parse_id(value)
    if number is None:
        raise ApiError(400, _("%(field)s must be a number.") % {"field": name})
    return number


def _place(fields: dict[str, str]) -> tuple[Compound, Building | None, Unit | None, str]:
    compound_id = _int(fields, "compound_id") or _int(fields, "address_id")
    building_id, unit_id = _int(fields, "building_id"), _int(fields, "unit_id")
    address = fields.get("address_string", "")
    if len(address) > 200:
        raise ApiError(400, _("address_string is longer than 200 characters."))
    building = unit = None
    if compound_id is not None:
        compound = Compound.objects.filter(pk=compound_id).first()
        if compound is None:
            raise ApiError(
                400, _("compound_id %(id)s is not one of our compounds.") % {"id": compound_id}
            )
        if building_id is not None:
            building = Building.objects.filter(pk=building_id, compound=compound).first()
            if building is None:
                raise ApiError(400, _("building_id is not a building of that compound."))
        if unit_id is not None:
            unit = Unit.objects.filter(pk=unit_id, building=building).first() if building else None
            if unit is None:
                raise ApiError(400, _("unit_id is not a unit of that building."))
        return compound, building, unit, address
    if address:
        compound = next(
            (
                c
                for c in sorted(Compound.objects.only("id", "name"), key=lambda c: -len(c.name))
                if c.name in address
            ),
            None,
        )
        if compound is None:
            raise ApiError(400, _("address_string names none of our compounds."))
        rest = address.replace(compound.name, "", 1).strip(" ，,")
        building = next(
            (
                b
                for b in sorted(compound.buildings.all(), key=lambda b: -len(b.name))
                if rest.startswith(b.name)
            ),
            None,
        )
        return compound, building, None, rest[len(building.name) :].strip() if building else rest
    raise ApiError(
        400,
        _("A location is required: address_string or compound_id (lat/long alone are not enough)."),
    )


def _contact(fields: dict[str, str]) -> dict[str, str]:
    name = f"{fields.get('last_name', '')}{fields.get('first_name', '')}".strip()
    if len(name) > 100:
        raise ApiError(400, _("first_name and last_name are longer than 100 characters."))
    phone = fields.get("phone", "")
    if phone and not PHONE_RE.match(phone):
        raise ApiError(400, _("phone is not a phone number."))
    email = fields.get("email", "")
    if len(email) > 254:
        raise ApiError(400, _("email is longer than 254 characters."))
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ApiError(400, _("email is not an e-mail address.")) from exc
    media_url = fields.get("media_url", "")
    if len(media_url) > 500:
        raise ApiError(400, _("media_url is longer than 500 characters."))
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError as exc:
            raise ApiError(400, _("media_url is not an http(s) address.")) from exc
    for extra in ("device_id", "account_id"):
        if len(fields.get(extra, "")) > 100:
            raise ApiError(400, _("%(field)s is longer than 100 characters.") % {"field": extra})
    return {
        "reporter_name": name,
        "reporter_phone": phone,
        "email": email,
        "device_id": fields.get("device_id", ""),
        "account_id": fields.get("account_id", ""),
        "media_url": media_url,
    }


def _create(request: HttpRequest) -> JsonResponse:
    fields = _fields(request)
    key = _key(request, fields)
    code = fields.get("service_code", "")
    if not code:
        raise ApiError(400, _("service_code is required."))
    category = IssueCategory.objects.filter(code=code, active=True).first()
    if category is None:
        raise ApiError(404, _("Unknown service_code “%(code)s”.") % {"code": code[:40]})
    description = fields.get("description", "")
    if not description:
        raise ApiError(400, _("description is required."))
    if len(description) > 4000:
        raise ApiError(400, _("description is longer than 4000 characters."))
    compound, building, unit, location_text = _place(fields)
    contact = _contact(fields)
    request_key, fingerprint, ttl = request_identity(request, fields)
    try:
        issue, submission, replayed = submit_service_request_once(
            key=key,
            request_key=request_key,
            fingerprint=fingerprint,
            ttl=ttl,
            category=category,
            compound=compound,
            building=building,
            unit=unit,
            location_text=location_text,
            description=description,
            **contact,
        )
    except PermissionDenied as exc:
        raise ApiError(
            403,
            _("This api_key may not submit requests for %(compound)s.")
            % {"compound": compound.name},
        ) from exc
    except KeyReused as exc:
        raise ApiError(
            422, _("This Idempotency-Key was already used for a different request.")
        ) from exc
    response = _json(
        [
            {
                "service_request_id": str(issue.pk),
                "service_notice": submission.service_notice,
                "account_id": submission.account_id or None,
            }
        ],
        status=201,
    )
    if replayed:  # a retry: the first request's answer, and nothing new stored
        response["Idempotent-Replayed"] = "true"
    return response


@_api
def requests_endpoint(request: HttpRequest) -> JsonResponse:
    """GET: the public list (filters per the spec). POST: a new request (api_key)."""
    _method(request, "GET", "HEAD", "POST")
    if request.method == "POST":
        return _create(request)
    return _list(request)


@_api
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Anything else under the base URL."""
    raise ApiError(404, _("Not found."))
