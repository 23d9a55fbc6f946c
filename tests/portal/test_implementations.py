"""The catalogue's implementation statuses are derived from what exists, and stay true."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, reverse

from jiuye.portal import implementations
from jiuye.portal.implementations import BUILT, PLANNED, status_of, statuses
from jiuye.rules.catalogue import Implementation

from policies.loader import policy


def _all() -> list[Implementation]:
    catalogue = policy().catalogue
    entries = [catalogue.preamble, *catalogue.clauses, catalogue.closing]
    return [item for clause in entries for item in clause.implemented_by]


def test_what_is_built_today_is_every_rule_four_registers_and_five_services():
    # given the shipped catalogue and the system as installed
    items = _all()
    # when
    built = {(i.type, i.id) for i in items if status_of(i) == BUILT}
    # then
    assert built == {("rule", rule) for rule in policy().engine.rules} | {
        ("register", "labor_force_registry"),
        ("register", "employer_registry"),
        ("register", "household_registry"),
        ("register", "difficulty_person_registry"),
        ("service", "one_time_notification"),
        ("service", "qr_notification"),
        ("service", "appointment"),
        ("service", "city_wide_handling"),
        ("service", "application_casework"),
    }


def test_every_built_implementation_exists():
    # given
    current = policy()
    # when
    built = [i for i in _all() if status_of(i) == BUILT]
    # then each kind is found where the system keeps it
    for item in built:
        if item.type == "rule":
            assert item.id in current.engine.rules
        elif item.type == "register":
            model = apps.get_model(current.bindings.registers[item.id])
            assert model._meta.app_label == "registry"
        else:
            with pytest.raises(NoReverseMatch, match="arguments"):
                reverse(current.bindings.services[item.id], args=["?", "?", "?"])


def test_every_existing_implementation_reads_built():
    # given every binding of the package and every rule of the engine
    current = policy()
    ids = {(i.type, i.id) for i in _all()}
    # then each binding names a catalogue entry and something that exists
    assert {("register", r) for r in current.bindings.registers} <= ids
    assert set(current.bindings.services) <= {i for t, i in ids if t in ("service", "watch")}
    assert [
        m for m in current.bindings.registers.values() if not implementations.model_exists(m)
    ] == []
    assert [
        u for u in current.bindings.services.values() if not implementations.url_name_exists(u)
    ] == []
    assert {r for r in current.engine.rules} <= {i for t, i in ids if t == "rule"}
    # and so everything bound or in the engine reads built
    assert {i.id for i in _all() if status_of(i) == PLANNED} & (
        set(current.bindings.registers) | set(current.bindings.services) | set(current.engine.rules)
    ) == set()


@pytest.mark.parametrize(
    ("item", "status"),
    [
        (Implementation("rule", "startup_subsidy", "创业补贴"), BUILT),
        (Implementation("rule", "no_such_rule", "未写的规则"), PLANNED),
        (Implementation("register", "employer_registry", "用人单位"), BUILT),
        (Implementation("register", "public_welfare_post_registry", "公益性岗位"), PLANNED),
        (Implementation("service", "appointment", "预约"), BUILT),
        (Implementation("service", "proactive_screening", "主动筛查"), PLANNED),
        (Implementation("watch", "unemployment_monitoring", "失业监测"), PLANNED),
    ],
)
def test_status_of_each_kind(item, status):
    # when / then
    assert status_of(item) == status


def test_a_binding_to_a_model_or_url_that_does_not_exist_reads_planned():
    # given bindings that name a model and a URL nobody built
    current = policy()
    bindings = replace(
        current.bindings,
        registers={"employer_registry": "registry.NoSuchModel"},
        services={"appointment": "portal:no_such_page"},
    )
    pretend = replace(current, bindings=bindings)
    # when
    register = status_of(Implementation("register", "employer_registry", "用人单位"), pretend)
    service = status_of(Implementation("service", "appointment", "预约"), pretend)
    # then
    assert (register, service) == (PLANNED, PLANNED)


def test_url_names_resolve_by_namespace_and_name():
    # when / then
    assert implementations.url_name_exists("portal:book") is True
    assert implementations.url_name_exists("policies") is True
    assert implementations.url_name_exists("portal:policies") is False
    assert implementations.url_name_exists("casework:applications") is False


def test_model_labels_must_name_an_installed_model():
    # when / then
    assert implementations.model_exists("registry.Person") is True
    assert implementations.model_exists("registry.Nobody") is False
    assert implementations.model_exists("nonsense") is False


def test_a_measure_lists_its_implementations_in_catalogue_order():
    # given
    clause = policy().catalogue.by_number("二（一）")
    # when
    rows = statuses(clause)
    # then
    assert [(r.item.id, r.status_label) for r in rows] == [
        (i.id, "已上线" if status_of(i) == BUILT else "规划中") for i in clause.implemented_by
    ]
    assert ("one_time_notification", "服务", "已上线") in {
        (r.item.id, r.type_label, r.status_label) for r in rows
    }


def test_the_measure_page_shows_built_and_planned(client, offices):
    # when
    response = client.get("/policies/m/2-1/", {"date": "2019-06-01"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<section id="implementation">' in html
    built = '<span class="status-built">已上线</span>'
    assert f"一次告知：按事项列出全部条件和材料，一次说清。 {built}" in html
    assert '<span class="status-planned">规划中</span>' in html
