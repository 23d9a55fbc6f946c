"""The API fuzzed by Schemathesis against a live server, over its own OpenAPI document.

Every operation of /api/v1/openapi.json runs Schemathesis's phases: the schema's
examples, coverage (boundary and negative values of every parameter and body field,
other methods), and fuzzing (generated valid and invalid requests, at most
``MAX_EXAMPLES`` each). Each response must not be a server error, must have a status the
schema declares, and must match the schema declared for that status (content type
included). The stateful phase chains operations through OpenAPI links; the API has
none yet, which the last test pins so that adding one brings the phase in.

The server is a real threaded HTTP server on loopback running the WSGI application in
this process; the API needs no database, and a request that reached for one would fail
(pytest-django blocks it), so the run is the same on SQLite and PostgreSQL and happens
once, in the SQLite pass of ``make test``.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jiuye.api.main import api

#: Generated requests per operation in the fuzzing phase (coverage and examples add theirs).
MAX_EXAMPLES = 60
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

DOCUMENT = api.get_openapi_schema(path_prefix="/api/v1/")


# The case endpoints read the database, which this server-only run has none of: they
# are tested with the database in tests/casework/test_api.py.
def without_cases(document: dict) -> dict:
    paths = {
        path: item
        for path, item in document["paths"].items()
        if not any(
            "cases" in (op.get("tags") or []) for op in item.values() if isinstance(op, dict)
        )
    }
    return {**document, "paths": paths}


DOCUMENT = without_cases(DOCUMENT)
schema = schemathesis.openapi.from_dict(DOCUMENT)
#: (operation, phase, status) → requests sent, printed with ``-s`` for the record.
SENT: Counter[tuple[str, str, int]] = Counter()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The application on a free loopback port for this module's tests."""
    httpd = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    httpd.set_app(WSGIHandler())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()
    if SENT:
        total = sum(SENT.values())
        print(f"\nschemathesis: {total} requests", dict(sorted(SENT.items())))  # noqa: T201


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        yield http


def test_the_live_server_serves_the_document_being_fuzzed(server, session):
    # when
    served = session.get(f"{server}/api/v1/openapi.json", timeout=30)
    # then
    assert served.status_code == 200
    assert without_cases(served.json()) == DOCUMENT


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,  # shared CPUs: no timed assertions
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)
def test_no_request_gets_a_server_error_or_an_answer_outside_the_schema(case, server, session):
    # when / then
    response = case.call_and_validate(base_url=server, session=session, checks=CHECKS)
    phase = case.meta.phase.name.value if case.meta else "?"
    SENT[(case.operation.label, phase, response.status_code)] += 1


def test_a_body_over_the_upload_limit_is_refused_in_the_declared_error_shape(
    server, session, settings
):
    # given
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    operation = schema["/api/v1/evaluate"]["POST"]
    # when
    response = session.post(
        f"{server}/api/v1/evaluate",
        data=b" " * (limit + 1),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    # then
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert "413" in DOCUMENT["paths"]["/api/v1/evaluate"]["post"]["responses"]
    operation.validate_response(response)


def test_a_body_exactly_at_the_upload_limit_is_read(server, session, settings):
    # given a body of exactly the limit (spaces, then not JSON: refused as such)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    # when
    response = session.post(
        f"{server}/api/v1/evaluate",
        data=b" " * limit,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_json"


def test_no_operation_links_to_another_so_there_is_no_stateful_phase_yet():
    # Schemathesis chains operations through OpenAPI links or ids it infers; today every
    # operation stands alone. When this fails, fuzz the workflows too:
    # schema.as_state_machine().TestCase with the server as base URL.
    workflow = schema.as_state_machine()
    transitions = [
        name for name, v in vars(workflow).items() if hasattr(v, "hypothesis_stateful_rule")
    ]
    assert (transitions, workflow.bundles) == ([], {})
