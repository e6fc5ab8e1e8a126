"""schemathesis against the JSON API's own OpenAPI schema: every operation, generated
inputs (ids, pages, action names and bodies) sent with a real key, through Django's WSGI
handler on the test database — no answer is a 5xx and every answer matches the schema
(status documented, JSON body of the documented shape, headers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from deliberation.models import Organization
from deliberation.services.open311_keys import create_api_key
from deliberation.views.api import api
from tests.support.demo import Demo

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
SCHEMA.app = WSGIHandler()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _connection_kept_open() -> Iterator[None]:
    """Requests share the test's transaction, as with Django's test client: the handler
    must not close the connection when a request starts or ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def office_key(demo: Demo) -> str:
    """The subdistrict office sees every compound: lists answer with rows."""
    office = Organization.objects.filter(kind=Organization.Kind.SUBDISTRICT_OFFICE).first()
    _key, raw = create_api_key(name="schemathesis", organization=office)
    return raw


@SCHEMA.parametrize()
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_schema(case: Any, office_key: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {office_key}"},
        # An action's body is documented as any map of form fields (the form, not the
        # schema, knows its fields), so a schema-valid body may still be a 422.
        excluded_checks=[positive_data_acceptance],
    )
