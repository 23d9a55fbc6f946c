"""The one loader: which packages are in force, in what order, and what each part gives."""

from __future__ import annotations

import re
import types
from pathlib import Path
from types import SimpleNamespace

import pytest

from jiuye.evaluation import package
from jiuye.rules import PolicyPackage
from jiuye.rules.catalogue import Implementation
from jiuye.rules.facts import ENTITIES

from policies import loader
from policies.loader import PolicyConfigError, configured_modules, load_policy, policy

SONGYUAN = "policies.songyuan_2018"


def _module(name: str, precedence: int, **attributes: object) -> types.ModuleType:
    """A package module made in the test, whose engine package is Songyuan's."""
    from policies.songyuan_2018 import package as songyuan

    module = types.ModuleType(f"tests.policy_packages.fake_{name}")
    module.NAME, module.TITLE, module.PRECEDENCE = name, f"{name} 文件", precedence
    module.load_package = songyuan
    for key, value in attributes.items():
        setattr(module, key, value)
    return module


def test_by_default_the_songyuan_package_alone_is_in_force(monkeypatch):
    # given no configuration
    monkeypatch.delenv(loader.ENV, raising=False)
    # when
    current = policy()
    # then
    assert configured_modules() == (SONGYUAN,)
    assert [(p.name, p.precedence, p.module_name) for p in current.packages] == [
        ("songyuan_2018", 100, SONGYUAN)
    ]
    assert current.packages[0].title.startswith("松原市关于做好当前和今后一段时期就业创业工作")
    assert current.engine is package()
    assert current.package("songyuan_2018") is current.packages[0]


def test_the_setting_names_the_modules_comma_separated(monkeypatch):
    # given
    monkeypatch.setenv(loader.ENV, f" {SONGYUAN} , tests.policy_packages.amended_demo,")
    # when / then
    assert configured_modules() == (SONGYUAN, "tests.policy_packages.amended_demo")


def test_an_empty_setting_means_the_default(monkeypatch):
    # given
    monkeypatch.setenv(loader.ENV, " , ")
    # when / then
    assert configured_modules() == (SONGYUAN,)


def test_a_package_not_in_force_is_a_key_error():
    # when / then
    with pytest.raises(KeyError, match="amended_demo"):
        policy().package("amended_demo")


def test_the_package_gives_every_part():
    # when
    current = policy()
    # then
    assert current.catalogue.document.title == "关于做好当前和今后一段时期就业创业工作若干政策措施"
    assert current.bindings.stable_min_contract_months in current.engine.parameters
    assert current.bindings.stable_min_continuous_months in current.engine.parameters
    assert current.bindings.startup_subsidy_amount in current.engine.parameters
    assert set(current.bindings.receipt_rules) <= set(current.engine.rules)
    assert all(current.engine.rules[r].once for r in current.bindings.receipt_rules)
    assert current.bindings.startup_subsidy_rule in current.engine.rules
    assert sorted(current.audiences.by_clause) == sorted(current.catalogue.numbers())
    assert current.questionnaire.entities == ("person", "employer")
    assert current.questionnaire.region_names == {"22": "吉林省"}


def test_the_package_labels_name_every_engine_entity_as_the_engine_does():
    # when
    labels = policy().labels.entities
    # then the apps' labels and the engine's messages never drift apart
    assert labels == ENTITIES
    assert policy().labels.entity("household") == "家庭"
    assert policy().labels.entity("robot") == "robot"


def test_an_unknown_module_is_a_configuration_error():
    # when / then
    with pytest.raises(PolicyConfigError, match="找不到政策包 policies.nowhere") as raised:
        load_policy(["policies.nowhere"])
    assert raised.value.code == "policy_package_missing"


def test_a_module_without_the_declarations_is_refused():
    # given
    bare = types.ModuleType("bare")
    # when / then
    with pytest.raises(PolicyConfigError, match="缺少 NAME、TITLE、PRECEDENCE、load_package"):
        load_policy([bare])


def test_two_packages_of_equal_precedence_are_refused():
    # given
    import policies.songyuan_2018 as songyuan

    twin = _module("twin", 100)
    # when / then
    with pytest.raises(PolicyConfigError, match="优先级不能相同") as raised:
        load_policy([songyuan, twin])
    assert raised.value.code == "policy_precedence_tie"


def test_the_same_package_twice_is_refused():
    # when / then
    with pytest.raises(PolicyConfigError, match="不能施行两次"):
        load_policy([SONGYUAN, SONGYUAN])


def test_a_part_no_package_has_is_a_configuration_error():
    # given a package with a catalogue but no bindings, audiences, hints or labels
    from policies.songyuan_2018 import CATALOGUE

    alone = _module("alone", 1, CATALOGUE=CATALOGUE)
    # when / then
    with pytest.raises(PolicyConfigError, match="都没有 bindings"):
        load_policy([alone])


def test_several_packages_are_composed_lowest_precedence_first(monkeypatch):
    # given a stand-in for the engine's compose that records what it is given
    import policies.songyuan_2018 as songyuan

    seen: list[list[PolicyPackage]] = []

    def compose(packages: list[PolicyPackage]) -> PolicyPackage:
        seen.append(list(packages))
        return packages[-1]

    monkeypatch.setattr("policies.loader.compose", compose)
    low = _module("province", 50, load_package=lambda: SimpleNamespace(name="province package"))
    high = _module("amendment", 200, load_package=lambda: SimpleNamespace(name="amendment package"))
    # when
    current = load_policy([high, songyuan, low])
    # then
    assert [p.name for p in current.packages] == ["amendment", "songyuan_2018", "province"]
    assert [p.name for p in seen[0]] == ["province package", "songyuan_2018", "amendment package"]
    assert [p.precedence for p in seen[0]] == [50, 100, 200]
    assert current.engine.name == "amendment package"


def test_the_highest_package_with_a_part_gives_it_and_catalogue_additions_join(monkeypatch):
    # given an amendment with its own labels and one implementation added to 三（一）
    import policies.songyuan_2018 as songyuan
    from policies.model import Labels

    monkeypatch.setattr("policies.loader.compose", lambda packages: packages[-1])
    added = Implementation("rule", "demo_rule", "修订新增的规则。")
    amendment = _module(
        "amendment",
        200,
        CATALOGUE_ADDITIONS={"三（一）": (added,)},
        LABELS=Labels(entities={"person": "劳动者"}),
    )
    # when
    current = load_policy([songyuan, amendment])
    # then
    assert current.labels.entity("person") == "劳动者"
    assert current.bindings is load_policy([songyuan]).bindings
    assert current.catalogue.by_number("三（一）").implemented_by[-1] == added
    assert current.catalogue.by_number("三（二）") == policy().catalogue.by_number("三（二）")


def test_an_addition_to_a_clause_the_text_does_not_have_is_refused(monkeypatch):
    # given
    import policies.songyuan_2018 as songyuan

    monkeypatch.setattr("policies.loader.compose", lambda packages: packages[-1])
    added = Implementation("rule", "demo_rule", "修订新增的规则。")
    amendment = _module("amendment", 200, CATALOGUE_ADDITIONS={"七（一）": (added,)})
    # when / then
    with pytest.raises(KeyError, match="七（一）"):
        load_policy([songyuan, amendment])


def test_no_module_of_the_application_imports_or_opens_a_package_by_its_path():
    # given every module of the application
    source = Path(__file__).resolve().parents[2] / "src/jiuye"
    naming = re.compile(r"(from|import) policies\.songyuan_2018|[\"']policies/songyuan_2018")
    # when
    found = sorted(
        str(p.relative_to(source))
        for p in source.rglob("*.py")
        if naming.search(p.read_text(encoding="utf-8"))
    )
    # then
    assert found == []
