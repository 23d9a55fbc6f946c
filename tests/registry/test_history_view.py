"""The change history on the detail pages: who changed what, when, from which source."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from jiuye.registry import models as m
from jiuye.registry.rosters import batches
from jiuye.registry.services import person_upsert
from tests.registry.rosterkit import ID_A, NOW, TODAY, people_file, person_row
from tests.registry.staff import staff


@pytest.fixture(autouse=True)
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def _history_section(response) -> str:
    html = response.content.decode()
    return html[html.index("<h2>变更记录</h2>") :]


@pytest.fixture
def imported(divisions, tmp_path):
    """A person created by a roster import, then changed on a screen by a named clerk."""
    clerk = staff("ningjiang_clerk", "220702", full=True)
    path = people_file(tmp_path / "宁江人员.xlsx", [person_row(ID_A, "张三")])
    batch = batches.preview(
        path, "person", filename=path.name, user_id=clerk.pk, today=TODAY, now=NOW
    )
    batches.confirm(batch, actor_id=clerk.pk, now=NOW)
    person_upsert(
        actor=clerk,
        source=m.Source.SCREEN,
        data={"resident_id": ID_A, "hukou_type": "rural", "is_disabled": True},
    )
    return m.Person.objects.get(resident_id=ID_A)


@pytest.mark.django_db
def test_the_person_page_shows_the_import_run_and_the_change(client, imported):
    # given
    client.force_login(staff("county_full", "220702", full=True))
    # when
    section = _history_section(client.get(reverse("registry:person_detail", args=[imported.pk])))
    # then: newest first, with the clerk, the source and the readable change
    assert section.index("户籍类型：空 → 农村户籍") < section.index("批量导入“人员花名册”")
    assert (
        "（文件 宁江人员.xlsx，本批新建 1 条），填写了：居民身份证号码、姓名、户籍所在地" in section
    )
    assert section.count("ningjiang_clerk") == 2
    assert "花名册导入" in section
    assert "残疾人（持证）：空 → 是" in section
    # never the full number or the name in clear
    assert ID_A not in section
    assert "张三" not in section
    assert not re.search(r"\d{17}[\dX]", section)


@pytest.mark.django_db
def test_sensitive_values_in_the_history_are_hidden_without_the_right(client, imported):
    # given
    client.force_login(staff("county_plain", "220702"))
    # when
    section = _history_section(client.get(reverse("registry:person_detail", args=[imported.pk])))
    # then
    assert "残疾人（持证）：已隐藏" in section
    assert "户籍类型：空 → 农村户籍" in section


@pytest.mark.django_db
def test_an_added_record_and_an_employer_year_read_by_their_field_names(client, divisions):
    # given
    from jiuye.registry.services import employer_year_upsert, person_add_record
    from tests.registry.factories import EmployerFactory, PersonFactory

    clerk = staff("clerk", "220702", full=True)
    person = PersonFactory(division=divisions["220702001"])
    employer = EmployerFactory(division=divisions["220702001"])
    person_add_record(
        actor=clerk,
        source=m.Source.SCREEN,
        person=person,
        kind="training",
        data={"kind": "employment_skills", "class_hours": 80, "start": dt.date(2018, 3, 1)},
    )
    employer_year_upsert(
        actor=clerk, source=m.Source.SCREEN, employer=employer, year=2018, data={"layoffs": 3}
    )
    client.force_login(clerk)
    # when
    person_section = _history_section(
        client.get(reverse("registry:person_detail", args=[person.pk]))
    )
    employer_section = _history_section(
        client.get(reverse("registry:employer_detail", args=[employer.pk]))
    )
    # then
    assert "培训：培训类型 就业技能培训；学时数 80；开班日期 2018-03-01" in person_section
    assert "2018年度数据：裁员人数 3" in employer_section


@pytest.mark.django_db
def test_a_record_without_history_says_so(client, divisions):
    from tests.registry.factories import PersonFactory

    person = PersonFactory(division=divisions["220702001"])
    client.force_login(staff("clerk", "220702"))
    section = _history_section(client.get(reverse("registry:person_detail", args=[person.pk])))
    assert "暂无变更记录" in section
