"""POST /api/v1/evaluate writes its JSON once (orjson): the same answer and the same
OpenAPI schema as ninja's generic path."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from jiuye.evaluation import evaluate_json

CASE = {
    "entity": "person",
    "as_of": "2019-06-01",
    "facts": {"is_college_graduate": True, "is_first_business": True},
    "receipts": [],
}


def post(body: str, query: str = ""):
    return Client().post(f"/api/v1/evaluate{query}", body, content_type="application/json")


def test_the_answer_is_the_engines_json_as_it_was():
    # when
    response = post(json.dumps(CASE), "?rule=startup_subsidy")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == evaluate_json(CASE, rule_ids=["startup_subsidy"])
    assert "一次性初创企业补贴" in response.content.decode()  # UTF-8, not \\u escapes


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{", "invalid_json"),
        ('{"entity": "person", "as_of": "2019-06-01", "receipts": [{"rule": {}}]}', "unknown_rule"),
    ],
)
def test_bad_input_keeps_the_one_error_shape(body, code):
    response = post(body)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/json; charset=utf-8"
    answer = response.json()
    assert sorted(answer) == ["code", "extra", "message"]
    assert answer["code"] == code


def test_the_openapi_schema_of_evaluate_is_unchanged():
    # the orjson answer leaves the document as declared: the result's shape (checked by
    # the fuzz run), a body too large (413) and a case refused (422), in the error shape
    from jiuye.api.rules import _RESULT_SCHEMA

    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    doc = Client().get("/api/v1/openapi.json").json()
    assert doc["paths"]["/api/v1/evaluate"]["post"]["responses"] == {
        "200": {
            "description": "OK",
            "content": {
                "application/json": {
                    "schema": {
                        "additionalProperties": True,
                        "title": "Response",
                        "type": "object",
                        **_RESULT_SCHEMA,
                    }
                }
            },
        },
        "413": {"description": "Request Entity Too Large", "content": error},
        "422": {"description": "Unprocessable Entity", "content": error},
    }
