from __future__ import annotations

import pytest
import schemathesis
from hypothesis import settings, HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from jiuye.api.main import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))


@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_api(case, live_server):
    case.call_and_validate(base_url=live_server.url, checks=[not_a_server_error, response_schema_conformance, status_code_conformance])
