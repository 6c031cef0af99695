"""Schemathesis over the whole OpenAPI schema, as each role: no 5xx, nothing that breaks the schema.

Bounded so CI stays fast: a few examples per operation and role, derandomized (the same cases
every run), no deadline. Requests go through the WSGI app in the test's own transaction.
Run alone: `pytest tests/fuzz -m fuzz`; more examples: FUZZ_EXAMPLES=50.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from apps.accounts.roles import Role
from civicportal.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
ROLES = [None, Role.RESIDENT, Role.ASSOCIATION_OFFICER, Role.SCHOOL_STAFF, Role.CITY_STAFF, Role.SYSTEM_ADMIN]
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def credentials(request, make_user) -> dict[str, str]:
    role = request.param
    if role is None:
        return {}
    user = make_user(role)  # role holders get their TOTP from tests/conftest.py
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


@pytest.mark.parametrize("credentials", ROLES, indirect=True, ids=lambda r: r or "anonymous")
@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api(case, credentials):
    case.call_and_validate(headers={**credentials, "Accept-Language": "en"}, checks=CHECKS)
