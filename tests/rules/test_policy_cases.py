"""The declarative cases of the Songyuan 2018 package, one pytest test per case.

Each file ``policies/songyuan_2018/tests/<rule_id>.yaml`` holds the cases of one rule,
written from the text of the policy. A case names its as-of date, its facts (and
optionally its entity and record of receipts) and what the engine must answer. Every
result field is asserted exactly: ``missing_facts`` and ``unset_parameters`` default to
empty lists and ``amount_yuan`` to null when a case leaves them out; ``failed`` (the ids
of the conditions that are false) is asserted when the case gives it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from jiuye.rules.money import fen_to_yuan

from policies.songyuan_2018 import HERE, package

CASES_DIR = HERE / "tests"
STATUSES = {"eligible", "ineligible", "undetermined"}
CASE_KEYS = {"name", "as_of", "entity", "facts", "receipts", "expect"}
EXPECT_KEYS = {"status", "amount_yuan", "missing_facts", "unset_parameters", "failed"}
MIN_CASES = 150


@dataclass(frozen=True)
class PolicyCase:
    file: Path
    rule: str
    name: str
    payload: dict[str, Any]
    expect: dict[str, Any]


def _json_value(value: Any) -> Any:
    # YAML reads unquoted dates as dates; case JSON carries them as ISO text.
    return value.isoformat() if isinstance(value, dt.date) else value


def _require(ok: bool, where: Path, message: str) -> None:
    if not ok:
        raise ValueError(f"{where.name}: {message}")


def _load_file(path: Path) -> list[PolicyCase]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    _require(
        isinstance(data, dict) and set(data) == {"rule", "cases"},
        path,
        "a case file holds `rule` and `cases`",
    )
    rule_id = str(data["rule"])
    _require(path.stem == rule_id, path, f"the file of rule {rule_id} is {rule_id}.yaml")
    rule = package().rules.get(rule_id)
    cases = []
    for raw in data["cases"]:
        name = str(raw.get("name"))
        _require(set(raw) <= CASE_KEYS, path, f"{name}: unknown keys {set(raw) - CASE_KEYS}")
        _require(
            {"name", "as_of", "facts", "expect"} <= set(raw),
            path,
            f"{name}: a case needs name, as_of, facts and expect",
        )
        expect = raw["expect"]
        _require(set(expect) <= EXPECT_KEYS, path, f"{name}: unknown expect keys")
        _require(expect.get("status") in STATUSES, path, f"{name}: status is one of {STATUSES}")
        _require(
            expect["status"] != "undetermined" or "missing_facts" in expect,
            path,
            f"{name}: an undetermined case lists what is still missing",
        )
        payload: dict[str, Any] = {
            "entity": raw.get("entity", rule.entity if rule else None),
            "as_of": _json_value(raw["as_of"]),
            "facts": {k: _json_value(v) for k, v in (raw["facts"] or {}).items()},
        }
        if "receipts" in raw:
            payload["receipts"] = raw["receipts"]
        cases.append(PolicyCase(path, rule_id, name, payload, expect))
    return cases


def _all_cases() -> list[PolicyCase]:
    return [case for path in sorted(CASES_DIR.glob("*.yaml")) for case in _load_file(path)]


CASES = _all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_policy_case(case: PolicyCase) -> None:
    # given
    pkg = package()
    parsed = pkg.parse_case(case.payload)
    expect = case.expect

    # when
    (result,) = pkg.evaluate(parsed, rule_ids=[case.rule])

    # then
    amount = None if result.amount_fen is None else fen_to_yuan(result.amount_fen)
    assert result.status == expect["status"]
    assert amount == expect.get("amount_yuan")
    assert list(result.missing_facts) == expect.get("missing_facts", [])
    assert list(result.unset_parameters) == expect.get("unset_parameters", [])
    if "failed" in expect:
        failed = sorted(r.id for r in result.reasons if r.value is False)
        assert failed == sorted(expect["failed"])


def test_every_rule_has_a_case_file() -> None:
    # given
    rule_ids = set(package().rules)

    # when
    files = {p.stem for p in CASES_DIR.glob("*.yaml")}

    # then
    assert sorted(rule_ids - files) == []


def test_every_case_file_names_an_existing_rule() -> None:
    # given
    rule_ids = set(package().rules)

    # when
    named = {
        yaml.safe_load(p.read_text(encoding="utf-8"))["rule"] for p in CASES_DIR.glob("*.yaml")
    }

    # then
    assert sorted(named - rule_ids) == []


def test_every_rule_has_cases_that_reach_more_than_one_status() -> None:
    # given
    statuses: dict[str, set[str]] = {}

    # when
    for case in CASES:
        statuses.setdefault(case.rule, set()).add(case.expect["status"])

    # then
    assert sorted(rule for rule, seen in statuses.items() if len(seen) < 2) == []


def test_case_names_are_unique_so_each_is_its_own_test() -> None:
    # given
    names = [c.name for c in CASES]

    # when
    duplicates = sorted({n for n in names if names.count(n) > 1})

    # then
    assert duplicates == []


def test_there_are_at_least_150_cases() -> None:
    # given / when
    total = len(CASES)

    # then
    assert total >= MIN_CASES
