"""Contract tests: schemathesis generates requests from the app's own OpenAPI document and runs
them in-process against the WSGI app, anonymously and with a write token: no 5xx, and every
response (status, content type, headers, body) matches the document.

The operations are driven from one test per caller (schemathesis' Python API with hypothesis),
so the access-control world is built once per caller rather than once per operation.
"""

from __future__ import annotations

import functools

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import token_for


@pytest.fixture(autouse=True)
def keep_test_connection():
    """A raw WSGI call fires request_started/finished, which close the database connection and
    with it the test's transaction (PostgreSQL); Django's test client unhooks them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
MAX_EXAMPLES = 10  # per operation and caller: 20 generated requests per operation in all
SETTINGS = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@functools.lru_cache(maxsize=1)
def _operations():
    """The API's operations, loaded from its OpenAPI document once for both callers."""
    from icsplan.config.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    return tuple(operations)


def _exercise(headers: dict[str, str]) -> int:
    failures = []
    count = 0
    for operation in _operations():
        @SETTINGS
        @given(case=operation.as_strategy())
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
        count += 1
    assert not failures, "\n\n".join(failures)
    return count


def test_anonymous_calls_match_the_document(world):
    assert _exercise({}) > 40


def test_authenticated_calls_match_the_document(world):
    token = token_for(world.user("editor"), scope="write")
    assert _exercise({"Authorization": f"Bearer {token}"}) > 40
