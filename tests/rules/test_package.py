"""The policy in force holds together (read through the loader): rules cite clauses that
exist, the catalogue names every rule, and every figure of the text is a dated parameter
with its source."""

from __future__ import annotations

from datetime import date

import pytest

from jiuye.rules import PolicyPackage
from jiuye.rules.catalogue import Catalogue

from policies.loader import policy


def package() -> PolicyPackage:
    return policy().engine


def load_catalogue() -> Catalogue:
    return policy().catalogue


def test_every_rule_and_condition_cites_a_clause_of_the_text() -> None:
    # given
    clauses = load_catalogue().numbers()
    # when
    cited = {(rule.id, rule.clause) for rule in package().rules.values()}
    cited |= {
        (f"{rule.id}.{c.id}", c.clause)
        for rule in package().rules.values()
        for c in rule.all_conditions()
    }
    # then
    assert {(name, clause) for name, clause in cited if clause not in clauses} == set()


def test_the_catalogue_and_the_package_name_the_same_rules() -> None:
    # given
    catalogue = load_catalogue()
    # when
    listed = {i.id for c in catalogue.clauses for i in c.implemented_by if i.type == "rule"}
    # then
    assert listed == set(package().rules)


def test_the_catalogue_lists_each_rule_under_the_clause_the_rule_cites() -> None:
    # given
    catalogue = load_catalogue()
    # when
    wrong = [
        rule.id
        for rule in package().rules.values()
        if rule.id not in {i.id for i in catalogue.by_number(rule.clause).implemented_by}
    ]
    # then
    assert wrong == []


def test_every_parameter_cites_an_existing_clause_or_the_closing_provisions() -> None:
    # given
    clauses = load_catalogue().numbers() | {"附则"}
    # then
    assert [p.name for p in package().parameters.values() if p.clause not in clauses] == []


def test_every_set_value_has_a_source_and_every_open_one_says_who_sets_it() -> None:
    # when
    params = package().parameters.values()
    # then
    assert [p.name for p in params for v in p.values if v.value is not None and not v.source] == []
    assert [
        p.name
        for p in params
        if all(v.value is None for v in p.values) and not (p.note and p.set_by)
    ] == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("startup_subsidy.amount_fen", 500_000),
        ("startup_subsidy.min_operating_months", 12),
        ("job_stabilization_subsidy.premium_share_percent", 50),
        ("rural_skills_training_subsidy.rate_fen_per_class_hour", 800),
        ("skill_upgrade_subsidy.level5_amount_fen", 100_000),
        ("skill_upgrade_subsidy.level4_amount_fen", 150_000),
        ("skill_upgrade_subsidy.level3_amount_fen", 200_000),
        ("skill_upgrade_subsidy.min_ui_months", 36),
        ("skill_upgrade_subsidy.apply_within_months", 12),
        ("skill_upgrade_subsidy.certificates_from", date(2017, 1, 1)),
        ("home_service_training_base_subsidy.amount_fen", 5_000_000),
        ("soe_veteran_hiring_quota.min_share_percent", 10),
        ("guarantee_fund_target.min_total_fen", 1_000_000_000),
        ("guarantee_fund_target.deadline", date(2020, 4, 13)),
        ("training_base_target.min_count", 5),
        ("policy.in_force_date", date(2018, 4, 13)),
    ],
)
def test_each_figure_of_the_text_is_a_parameter_in_force_from_2018_04_13(
    name: str, value: object
) -> None:
    # when
    param = package().parameters[name]
    # then
    assert param.value_at(date(2018, 4, 13)) == value
    assert param.value_at(date(2018, 4, 12)) is None


@pytest.mark.parametrize(
    "name",
    [
        "internship_subsidy.amount_fen",
        "job_seeking_subsidy.amount_fen",
        "graduate_hiring_social_insurance_subsidy.amount_fen",
        "graduate_flexible_employment_social_insurance_subsidy.amount_fen",
        "incubation_base_support.amount_fen",
        "return_home_entrepreneurship_support.amount_fen",
        "labor_export_service_subsidy.amount_fen",
        "vocational_training_subsidy.amount_fen",
        "skill_upgrade_subsidy.shortage_level5_amount_fen",
    ],
)
def test_amounts_the_text_leaves_open_are_unset(name: str) -> None:
    # then
    assert package().parameters[name].value_at(date(2026, 1, 1)) is None


def test_the_package_in_force_date_is_the_parameter() -> None:
    # then
    pkg = package()
    assert pkg.in_force == pkg.parameters["policy.in_force_date"].value_at(date(2018, 4, 13))


def test_the_readme_lists_every_rule_with_its_clause() -> None:
    # given
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    # then
    missing = [
        r.id
        for r in package().rules.values()
        if f"| `{r.id}` | {r.title} | {r.clause} |" not in readme
    ]
    assert missing == []
