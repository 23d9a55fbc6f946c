"""The CLI and the JSON API answer the same case with the same JSON, and refuse bad input
with a Chinese and English message that names the field (exit 2 / HTTP 422)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from jiuye.cli import app

GRADUATE_FOUNDER: dict[str, Any] = {
    "entity": "person",
    "as_of": "2019-06-01",
    "facts": {
        "is_college_graduate": True,
        "is_first_business": True,
        "business_kind": "small_micro_enterprise",
        "business_license_date": "2018-04-01",
        "business_operating_since": "2018-04-01",
        "business_operating_normally": True,
        "has_social_insurance": True,
    },
    "receipts": [],
}


def _cli(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _post(body: Any, query: str = "") -> tuple[int, Any]:
    data = body if isinstance(body, str) else json.dumps(body)
    response = Client().post(f"/api/v1/evaluate{query}", data=data, content_type="application/json")
    return response.status_code, response.json()


def test_cli_and_api_return_the_same_result_json(tmp_path: Path) -> None:
    # given
    case = tmp_path / "case.json"
    case.write_text(json.dumps(GRADUATE_FOUNDER), encoding="utf-8")
    # when
    code, out, _ = _cli("evaluate", str(case))
    status, body = _post(GRADUATE_FOUNDER)
    # then
    assert (code, status) == (0, 200)
    assert json.loads(out) == body
    startup = next(r for r in body["results"] if r["rule"] == "startup_subsidy")
    assert (startup["status"], startup["amount_yuan"], startup["clause"]) == (
        "eligible",
        "5000.00",
        "二（三）",
    )


def test_cli_reads_the_case_from_stdin_and_limits_rules_and_overrides_the_date() -> None:
    # when: one day before the first anniversary of the licence
    code, out, _ = _cli(
        "evaluate",
        "-",
        "--as-of",
        "2019-03-31",
        "--rule",
        "startup_subsidy",
        stdin=json.dumps(GRADUATE_FOUNDER),
    )
    # then
    assert code == 0
    result = json.loads(out)
    assert result["as_of"] == "2019-03-31"
    assert [(r["rule"], r["status"]) for r in result["results"]] == [
        ("startup_subsidy", "ineligible")
    ]


def test_api_takes_the_as_of_date_and_rules_from_the_query() -> None:
    # when
    status, body = _post(GRADUATE_FOUNDER, "?as_of=2019-04-01&rule=startup_subsidy")
    # then
    assert status == 200
    assert [(r["rule"], r["status"], r["amount_yuan"]) for r in body["results"]] == [
        ("startup_subsidy", "eligible", "5000.00")
    ]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        (
            {**GRADUATE_FOUNDER, "facts": {"no_such_fact": True}},
            "unknown_fact",
            "facts.no_such_fact",
        ),
        (
            {**GRADUATE_FOUNDER, "facts": {"is_college_graduate": "yes"}},
            "invalid_type",
            "facts.is_college_graduate",
        ),
        (
            {**GRADUATE_FOUNDER, "facts": {"business_license_date": "2019-02-30"}},
            "invalid_type",
            "facts.business_license_date",
        ),
        (
            {**GRADUATE_FOUNDER, "facts": {"resident_id": "220702199001011235"}},
            "invalid_value",
            "facts.resident_id",
        ),
        ({**GRADUATE_FOUNDER, "as_of": "2018-04-12"}, "as_of_before_policy", "as_of"),
        ({**GRADUATE_FOUNDER, "as_of": "2019-13-01"}, "invalid_date", "as_of"),
        ({**GRADUATE_FOUNDER, "entity": "alien"}, "invalid_entity", "entity"),
        (
            {**GRADUATE_FOUNDER, "facts": {"ownership": "private"}},
            "fact_entity_mismatch",
            "facts.ownership",
        ),
        ({**GRADUATE_FOUNDER, "receipts": [{"rule": "nope"}]}, "unknown_rule", "receipts[0].rule"),
        ("{not json", "invalid_json", "body"),
        ([1, 2], "invalid_case", "case"),
    ],
)
def test_bad_input_is_refused_with_422_and_exit_2_naming_the_field(
    body: Any, code: str, field: str, tmp_path: Path
) -> None:
    # given
    case = tmp_path / "bad.json"
    case.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    # when
    status, answer = _post(body)
    exit_code, out, err = _cli("evaluate", str(case))
    # then
    assert status == 422
    assert answer["code"] == code
    assert answer["extra"]["field"] == field
    assert answer["extra"]["message_zh"]
    assert answer["extra"]["message_en"]
    assert exit_code == 2
    assert out == ""
    assert f"[{code}] {field}:" in err


def test_unknown_rule_in_the_query_is_refused() -> None:
    # when
    status, body = _post(GRADUATE_FOUNDER, "?rule=free_money")
    # then
    assert (status, body["code"]) == (422, "unknown_rule")


def test_cli_refuses_a_missing_file_with_exit_2() -> None:
    # when
    code, _, err = _cli("evaluate", "/nonexistent/case.json")
    # then
    assert code == 2
    assert "file_not_found" in err


def test_rules_endpoint_lists_every_rule_with_conditions_and_clauses() -> None:
    # when
    body = Client().get("/api/v1/rules").json()
    # then
    ids = {r["id"] for r in body}
    assert {
        "startup_subsidy",
        "job_stabilization_subsidy",
        "skill_upgrade_subsidy",
        "soe_veteran_hiring_quota",
        "home_service_training_base_subsidy",
    } <= ids
    startup = next(r for r in body if r["id"] == "startup_subsidy")
    assert startup["clause"] == "二（三）"
    assert startup["once"] is True
    assert all(c["text"] and c["clause"] for c in startup["conditions"])


def test_parameters_endpoint_gives_values_with_sources_and_unset_ones_as_null() -> None:
    # when
    body = Client().get("/api/v1/parameters?as_of=2019-01-01").json()
    # then
    by_name = {p["name"]: p for p in body}
    assert by_name["startup_subsidy.amount_fen"]["value_at_as_of"] == 500000
    assert "5000元" in by_name["startup_subsidy.amount_fen"]["values"][0]["source"]
    assert by_name["job_seeking_subsidy.amount_fen"]["value_at_as_of"] is None
    assert by_name["job_seeking_subsidy.amount_fen"]["note"]


def test_parameters_endpoint_refuses_an_impossible_date() -> None:
    # when
    response = Client().get("/api/v1/parameters?as_of=2019-02-29")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_date"


def test_facts_schema_is_the_same_from_cli_and_api_and_has_chinese_labels() -> None:
    # when
    code, out, _ = _cli("facts")
    api = Client().get("/api/v1/facts").json()
    # then
    assert code == 0
    assert json.loads(out) == api
    facts = api["properties"]["facts"]["properties"]
    assert facts["ui_contribution_months"]["title"] == "累计缴纳失业保险费月数"
    assert facts["received_startup_subsidy"]["type"] == ["boolean", "null"]


def test_the_packages_in_force_are_the_same_from_cli_and_api() -> None:
    # when
    code, out, _ = _cli("packages")
    api = Client().get("/api/v1/package").json()
    # then
    assert code == 0
    assert json.loads(out) == api
    assert api["name"] == "songyuan_2018"
    assert api["packages"] == [
        {
            "name": "songyuan_2018",
            "precedence": 100,
            "title": "松原市关于做好当前和今后一段时期就业创业工作若干政策措施（2018年4月13日）",
        }
    ]
    assert (api["rules"], api["in_force"]) == (24, "2018-04-13")


def test_openapi_document_describes_the_evaluate_body() -> None:
    # when
    doc = Client().get("/api/v1/openapi.json").json()
    # then
    body = doc["paths"]["/api/v1/evaluate"]["post"]["requestBody"]
    assert "facts" in body["content"]["application/json"]["schema"]["properties"]
