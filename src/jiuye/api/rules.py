"""Rules endpoints: POST /evaluate, GET /rules, /parameters, /facts.

The request body of /evaluate is read raw and validated by the engine itself, so that bad
input always answers 422 in the one error shape ``{"code", "message", "extra"}`` with a
Chinese and English message naming the field (never ninja's generic validation shape).

/evaluate answers with its JSON written once by orjson: the result is the engine's own
JSON-ready dict, so ninja's validation and re-serialisation of ``dict[str, Any]`` (two
thirds of the time of a call) only repeated work. The ``response=`` declarations stay,
so the OpenAPI schema is the same.
"""

from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.responses import Status

from jiuye.core.errors import JiuyeError
from jiuye.evaluation import (
    evaluate_json,
    facts_schema,
    load_json,
    package_info,
    parameters_json,
    parse_as_of,
    rules_json,
)
from jiuye.rules import CaseError

router = Router(tags=["rules"])

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
_fallback = DjangoJSONEncoder().default


def json_response(data: Any, status: int = 200) -> HttpResponse:
    """``data`` as the API's JSON (as ninja's renderer would write it, only faster)."""
    return HttpResponse(
        orjson.dumps(data, default=_fallback), status=status, content_type=JSON_CONTENT_TYPE
    )


class ErrorOut(Schema):
    code: str
    message: str
    extra: dict[str, Any]


class BodyTooLarge(JiuyeError):
    http_status = 413


def _body(request: HttpRequest) -> bytes:
    """The raw body; one over Django's limit is refused in the API's error shape (413)."""
    try:
        return request.body
    except RequestDataTooBig as error:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raise BodyTooLarge(
            "body_too_large",
            f"请求体过大（最多 {limit} 字节）",
            extra={"field": "body", "max_bytes": limit, "message_en": "request body too large"},
        ) from error


class EvaluateQuery(Schema):
    as_of: str | None = None
    rule: list[str] | None = None


#: The document's example case (a graduate's first small business); bench/api.py posts it.
EXAMPLE_CASE: dict[str, Any] = {
    "entity": "person",
    "as_of": "2019-06-01",
    "facts": {
        "is_college_graduate": True,
        "is_first_business": True,
        "business_kind": "small_micro_enterprise",
        "business_license_date": "2018-04-01",
        "business_operating_since": "2018-04-10",
        "business_operating_normally": True,
        "has_social_insurance": True,
    },
    "receipts": [],
}


def _case_body_schema() -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": facts_schema(),
                    "example": EXAMPLE_CASE,
                }
            },
        }
    }


#: What /evaluate answers, declared for the document (and checked by the fuzz run in
#: tests/api/test_fuzz.py) without a response model, so serialisation stays as it is.
_RESULT_SCHEMA: dict[str, Any] = {
    "required": ["package", "entity", "as_of", "results"],
    "properties": {
        "package": {"type": "string"},
        "entity": {"type": "string"},
        "as_of": {"type": "string", "format": "date"},
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["rule", "title", "kind", "status", "missing_facts", "reasons"],
                "properties": {
                    "rule": {"type": "string"},
                    "title": {"type": "string"},
                    "kind": {"type": "string"},
                    "status": {"type": "string"},
                    "missing_facts": {"type": "array", "items": {"type": "string"}},
                    "reasons": {
                        "type": "array",
                        "items": {"type": "object", "required": ["id", "text"]},
                    },
                },
            },
        },
    },
}


@router.post(
    "/evaluate",
    response={200: dict[str, Any], 413: ErrorOut, 422: ErrorOut},
    summary="测评一个案例",
    openapi_extra={
        **_case_body_schema(),
        "responses": {200: {"content": {"application/json": {"schema": _RESULT_SCHEMA}}}},
    },
    url_name="evaluate",
)
def evaluate(request: HttpRequest, query: Query[EvaluateQuery]) -> HttpResponse:
    """按全部（或 ?rule= 指定的）规则测评案例；?as_of= 覆盖案例中的测评日期。"""
    try:
        result = evaluate_json(
            load_json(_body(request)), as_of=parse_as_of(query.as_of), rule_ids=query.rule
        )
    except CaseError as error:
        return json_response(error.as_dict(), status=422)
    return json_response(result)


@router.get("/rules", response=list[dict[str, Any]], summary="全部规则", url_name="rules")
def rules(request: HttpRequest) -> list[dict[str, Any]]:
    return rules_json()


@router.get(
    "/parameters",
    response={200: list[dict[str, Any]], 422: ErrorOut},
    summary="全部分日期参数",
    url_name="parameters",
)
def parameters(
    request: HttpRequest, as_of: str | None = None
) -> Status[list[dict[str, Any]] | dict[str, Any]]:
    try:
        when = parse_as_of(as_of)
    except CaseError as error:
        return Status(422, error.as_dict())
    return Status(200, parameters_json(when))


@router.get("/facts", response=dict[str, Any], summary="事实项 JSON Schema", url_name="facts")
def facts(request: HttpRequest) -> dict[str, Any]:
    return facts_schema()


@router.get("/package", response=dict[str, Any], summary="政策包信息", url_name="package")
def package_endpoint(request: HttpRequest) -> dict[str, Any]:
    """在施行的政策包：名称、文件、规则和参数个数，及其组成（按优先级从高到低）。"""
    return package_info()
