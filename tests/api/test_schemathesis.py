"""Schemathesis against the API's own schema (/api/v1/openapi.json), through the WSGI
application: for generated requests of every operation, with a token that may write,
the API never answers with a server error and answers only with documented statuses.

Transactional: the WSGI handler closes the database connection at the end of each
request (``request_finished``), which a test inside one transaction would not survive.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from api.models import ApiClient
from api.services import api_client_create
from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def token(admin_user, gardelegen, bindlach, active_members, structural_c, settings):
    # Every generated request counts against the limit, and the clock stands almost still.
    settings.API_RATE_LIMIT = 1_000_000
    return api_client_create(actor=admin_user, name="Schemathesis", scope=ApiClient.Scope.WRITE).token


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_keeps_to_its_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, status_code_conformance],
    )
