"""The clause catalogue holds every measure of the Songyuan 2018 text, word for word.

The expected texts come from the source file through a small parser written
here, never from the catalogue itself.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from jiuye.rules.catalogue import (
    IMPLEMENTATION_TYPES,
    KINDS,
    Catalogue,
    load_catalogue,
)

from policies.loader import policy
from policies.songyuan_2018 import CATALOGUE

REPOSITORY = Path(__file__).resolve().parents[2]
SOURCE = REPOSITORY / "policies/songyuan_2018/source/songyuan-2018-employment-measures.txt"
SHARED = REPOSITORY.parent / "shared/policy/songyuan-2018-employment-measures.txt"

MEASURES_PER_SECTION = {"一": 4, "二": 3, "三": 8, "四": 5, "五": 4, "六": 4}
NUMERALS = "一二三四五六七八"
EXPECTED_NUMBERS = [
    f"{section}（{NUMERALS[i]}）"
    for section, count in MEASURES_PER_SECTION.items()
    for i in range(count)
]

# The rule ids of the engine issue (plus return_home_base_support, which the engine
# splits off 三（三）) and the clause each rule belongs to.
EXPECTED_RULES = {
    ("startup_subsidy", "二（三）"),
    ("incubation_base_support", "二（三）"),
    ("guarantee_fund_target", "二（二）"),
    ("job_seeking_subsidy", "三（一）"),
    ("internship_subsidy", "三（一）"),
    ("graduate_hiring_social_insurance_subsidy", "三（一）"),
    ("graduate_flexible_employment_social_insurance_subsidy", "三（一）"),
    ("graduation_year_status", "三（一）"),
    ("grassroots_service_establishment", "三（二）"),
    ("return_home_entrepreneurship_support", "三（三）"),
    ("return_home_base_support", "三（三）"),
    ("job_stabilization_subsidy", "三（四）"),
    ("layoff_rate_below_unemployment_rate", "三（四）"),
    ("labor_export_service_subsidy", "三（五）"),
    ("employment_difficulty_person", "三（五）"),
    ("employment_difficulty_person", "三（七）"),
    ("rural_skills_training_subsidy", "三（六）"),
    ("zero_employment_household", "三（七）"),
    ("household_employment_assistance", "三（七）"),
    ("soe_veteran_hiring_quota", "三（八）"),
    ("training_base_target", "四（一）"),
    ("vocational_training_subsidy", "四（三）"),
    ("apprenticeship_training_subsidy", "四（三）"),
    ("skill_upgrade_subsidy", "四（四）"),
    ("home_service_training_base_subsidy", "四（五）"),
}

SECTION_LINE = re.compile(r"^\s*([一二三四五六])、(.+?)\s*$")
MEASURE_LINE = re.compile(r"^\s*（([一二三四五六七八])）(.+?)\s*$")


def parse_source() -> dict[str, Any]:
    """Sections, measures, preamble and closing provisions as the source text has them."""
    sections: dict[str, str] = {}
    measures: dict[str, tuple[str, str]] = {}
    preamble = closing = ""
    section = ""
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if match := SECTION_LINE.match(line):
            section = match.group(1)
            sections[section] = match.group(2)
        elif match := MEASURE_LINE.match(line):
            measures[f"{section}（{match.group(1)}）"] = (section, match.group(2))
        elif line.strip().startswith("为深入贯彻落实"):
            preamble = line.strip()
        elif line.strip().startswith("本文件规定的政策措施"):
            closing = line.strip()
    return {"sections": sections, "measures": measures, "preamble": preamble, "closing": closing}


SOURCE_TEXT = parse_source()


def departments_named_at_the_end(text: str) -> list[str]:
    """The departments in the parenthesis closing the text, nested parentheses kept whole."""
    assert text.endswith("负责）")
    depth, start = 0, -1
    for index in range(len(text) - 1, -1, -1):
        depth += {"）": 1, "（": -1}.get(text[index], 0)
        if depth == 0:
            start = index
            break
    inner = text[start + 1 : -1].removesuffix("负责").removesuffix("等")
    names, depth, current = [], 0, ""
    for char in inner:
        depth += {"（": 1, "）": -1}.get(char, 0)
        if char == "、" and depth == 0:
            names.append(current)
            current = ""
        else:
            current += char
    return [*names, current]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    """The shipped catalogue, loaded once for the read-only tests."""
    return load_catalogue(CATALOGUE)


def write_catalogue(tmp_path: Path, change: Any) -> Path:
    """A copy of the real catalogue, changed by ``change(data)``, written to tmp_path."""
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_source_text_has_the_28_numbered_measures_the_parser_expects() -> None:
    # given
    measures = SOURCE_TEXT["measures"]
    # when
    numbers = list(measures)
    # then
    assert numbers == EXPECTED_NUMBERS
    assert len(numbers) == 28


def test_the_catalogue_holds_exactly_the_28_numbered_measures_in_order(
    catalogue: Catalogue,
) -> None:
    # given the shipped catalogue
    # when
    numbers = [clause.clause for clause in catalogue.clauses]
    # then
    assert numbers == EXPECTED_NUMBERS
    assert catalogue.numbers() == frozenset(EXPECTED_NUMBERS)


@pytest.mark.parametrize("number", EXPECTED_NUMBERS)
def test_each_measure_text_equals_the_source_character_for_character(
    number: str, catalogue: Catalogue
) -> None:
    # given
    section, source_text = SOURCE_TEXT["measures"][number]
    # when
    clause = catalogue.by_number(number)
    # then
    assert clause.text == source_text
    assert clause.section == section
    assert clause.title == source_text.split("。")[0]


@pytest.mark.parametrize("number", EXPECTED_NUMBERS)
def test_lead_departments_are_those_in_the_parenthesis_ending_the_measure(
    number: str, catalogue: Catalogue
) -> None:
    # given
    _, source_text = SOURCE_TEXT["measures"][number]
    # when
    clause = catalogue.by_number(number)
    # then
    assert list(clause.lead_departments) == departments_named_at_the_end(source_text)


def test_departments_with_parentheses_or_a_bank_are_read_whole(catalogue: Catalogue) -> None:
    # given the shipped catalogue
    # when
    county, bank = catalogue.by_number("二（三）"), catalogue.by_number("二（二）")
    return_home, leadership = catalogue.by_number("三（三）"), catalogue.by_number("六（一）")
    # then
    assert county.lead_departments == (
        "各县（市、区）政府",
        "市工信局",
        "市人社局",
        "市财政局",
        "市科技局",
        "市住建局",
    )
    assert bank.lead_departments == ("中国人民银行松原分行", "市财政局", "市人社局", "松原银监分局")
    assert return_home.lead_departments == (
        "市农民工等人员返乡创业工作推进领导小组办公室",
        "市财政局",
    )
    assert leadership.lead_departments == ("市农民工和就业工作领导小组办公室",)


def test_the_section_headings_are_those_of_the_source(catalogue: Catalogue) -> None:
    # given the shipped catalogue
    # when
    sections = {section.section: section.title for section in catalogue.sections}
    # then
    assert sections == SOURCE_TEXT["sections"]
    assert list(sections) == list(MEASURES_PER_SECTION)


def test_the_preamble_and_the_closing_provisions_match_the_source(catalogue: Catalogue) -> None:
    # given the shipped catalogue
    # when
    preamble, closing = catalogue.preamble, catalogue.closing
    # then
    assert preamble.text == SOURCE_TEXT["preamble"]
    assert closing.clause == "附则"
    assert closing.text == SOURCE_TEXT["closing"]
    assert closing.text.startswith("本文件规定的政策措施自发布之日起施行")


def test_the_typos_of_the_original_are_kept(catalogue: Catalogue) -> None:
    # given
    clause = catalogue.by_number("一（一）")
    # when
    text = clause.text
    # then
    assert clause.title == "健立经济增长与扩大就业联动机制"
    assert "财政、贷币和就业政策" in text


def test_the_document_metadata_names_the_issuer_date_and_provincial_document(
    catalogue: Catalogue,
) -> None:
    # given the shipped catalogue
    # when
    document = catalogue.document
    # then
    assert document.title == "关于做好当前和今后一段时期就业创业工作若干政策措施"
    assert document.issuer == "松原市人民政府"
    assert document.date == dt.date(2018, 4, 13)
    assert document.in_force_from == dt.date(2018, 4, 13)
    assert document.in_force_text == "自发布之日起施行"
    assert document.implements == "吉政发〔2017〕32号"
    assert (REPOSITORY / "policies/songyuan_2018" / document.source_file) == SOURCE


def test_every_measure_has_at_least_one_implementation(catalogue: Catalogue) -> None:
    # given the shipped catalogue
    # when
    without = [clause.clause for clause in catalogue.clauses if not clause.implemented_by]
    # then
    assert without == []


def test_kinds_and_types_are_valid(catalogue: Catalogue) -> None:
    # given the shipped catalogue
    entries = [catalogue.preamble, *catalogue.clauses, catalogue.closing]
    # when
    kinds = {kind for clause in entries for kind in clause.kinds}
    implementations = [item for clause in entries for item in clause.implemented_by]
    # then
    assert kinds <= KINDS
    assert {item.type for item in implementations} <= IMPLEMENTATION_TYPES
    assert all(clause.kind == clause.kinds[0] for clause in entries)
    assert all(item.note_zh for item in implementations)


def test_a_pure_mechanism_is_made_visible_by_a_watch_or_register(catalogue: Catalogue) -> None:
    # given the shipped catalogue
    # when
    mechanisms = [clause for clause in catalogue.clauses if clause.kinds == ("mechanism",)]
    # then
    assert [clause.clause for clause in mechanisms] == [
        "一（二）",
        "一（三）",
        "一（四）",
        "四（二）",
        "五（三）",
    ]
    for clause in mechanisms:
        assert {item.type for item in clause.implemented_by} & {"watch", "register"}


def test_the_rules_of_the_engine_issue_are_listed_under_their_clauses(
    catalogue: Catalogue,
) -> None:
    # given the shipped catalogue (whether they are built is derived: tests/portal)
    # when
    rules = [
        (item.id, clause.clause)
        for clause in catalogue.clauses
        for item in clause.implemented_by
        if item.type == "rule"
    ]
    # then
    assert set(rules) == EXPECTED_RULES
    assert len(rules) == len(EXPECTED_RULES)


def test_an_unknown_clause_number_raises_key_error(catalogue: Catalogue) -> None:
    # given the shipped catalogue
    # when / then
    with pytest.raises(KeyError, match="七（一）"):
        catalogue.by_number("七（一）")


@pytest.mark.skipif(not SHARED.exists(), reason="the shared policy text is not beside the repo")
def test_the_source_copy_is_byte_identical_to_the_shared_policy_text() -> None:
    # given
    shared = SHARED.read_bytes()
    # when
    copy = SOURCE.read_bytes()
    # then
    assert copy == shared


def test_the_loader_gives_the_shipped_catalogue() -> None:
    # given
    path = CATALOGUE
    # when
    catalogue = load_catalogue(path)
    # then
    assert catalogue == policy().catalogue


def _set_kind(data: Any) -> None:
    data["clauses"][0]["kind"] = "subsidy"
    del data["clauses"][0]["kinds"]


def _duplicate(data: Any) -> None:
    data["clauses"][1]["clause"] = "一（一）"


def _drop_text(data: Any) -> None:
    del data["clauses"][5]["text"]


def _no_implementation(data: Any) -> None:
    data["clauses"][2]["implemented_by"] = []


def _unknown_type(data: Any) -> None:
    data["clauses"][3]["implemented_by"][0]["type"] = "robot"


def _bad_date(data: Any) -> None:
    data["document"]["in_force_from"] = "2018-04-31"


def _kinds_without_primary(data: Any) -> None:
    data["clauses"][0]["kinds"] = ["mechanism", "watch"]


def _wrong_section(data: Any) -> None:
    data["clauses"][0]["section"] = "二"


def _unknown_field(data: Any) -> None:
    data["clauses"][0]["kind_zh"] = "监测"


def _status_by_hand(data: Any) -> None:
    data["clauses"][0]["implemented_by"][0]["status"] = "built"


def _no_closing(data: Any) -> None:
    del data["closing"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set_kind, "种类无效"),
        (_duplicate, "条款重复"),
        (_drop_text, "缺少字段"),
        (_no_implementation, "没有实现方式"),
        (_unknown_type, "类型未知"),
        (_bad_date, "in_force_from 应为日期"),
        (_kinds_without_primary, "种类无效"),
        (_wrong_section, "部分不符"),
        (_unknown_field, "未知字段"),
        (_no_closing, "缺少字段"),
        (_status_by_hand, "未知字段"),
    ],
)
def test_a_bad_catalogue_file_raises_value_error_in_chinese_and_english(
    tmp_path: Path, change: Any, message: str
) -> None:
    # given
    path = write_catalogue(tmp_path, change)
    # when / then
    with pytest.raises(ValueError, match=message) as raised:
        load_catalogue(path)
    assert "条款目录无效" in str(raised.value)
    assert "Invalid clause catalogue" in str(raised.value)


def test_an_unchanged_copy_written_like_the_bad_ones_loads_equal(tmp_path: Path) -> None:
    # given
    path = write_catalogue(tmp_path, lambda data: None)
    # when
    catalogue = load_catalogue(path)
    # then
    assert catalogue == load_catalogue(CATALOGUE)
