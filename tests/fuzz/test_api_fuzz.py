"""Schemathesis over the whole OpenAPI schema, as each role: no 5xx, nothing that breaks the schema.

Bounded so CI stays fast: a few examples per operation and role, derandomized (the same cases
every run), no deadline. Requests go through the WSGI app in the test's own transaction.
Run alone: `pytest tests/fuzz`; more examples: FUZZ_EXAMPLES=50 pytest tests/fuzz.
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

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
ROLES = [None, Role.RESIDENT, Role.ASSOCIATION_OFFICER, Role.SCHOOL_STAFF, Role.CITY_STAFF, Role.SYSTEM_ADMIN]
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# Schema examples and random fuzzing, bounded by EXAMPLES. The coverage phase (every boundary and
# negative case the schema implies, ~200 per operation, not bounded by max_examples) is for a
# deeper run: FUZZ_PHASES=examples,coverage,fuzzing.
schema.config.phases.update(phases=os.environ.get("FUZZ_PHASES", "examples,fuzzing").split(","))


@pytest.fixture
def role_headers(make_user) -> dict[str, dict[str, str]]:
    """Request headers per role: nothing for anonymous, a DRF token for each role holder."""
    headers = {}
    for role in ROLES:
        if role is None:
            headers["anonymous"] = {}
            continue
        user = make_user(role)  # role holders get their TOTP from tests/conftest.py
        headers[str(role)] = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    return headers


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api(case, role_headers):
    # Each generated request is sent as every role: generating is the slow part, sending is not.
    for role, headers in role_headers.items():
        try:
            case.call_and_validate(headers={**headers, "Accept-Language": "en"}, checks=CHECKS)
        except Exception as error:
            error.add_note(f"(sent as {role})")
            raise
