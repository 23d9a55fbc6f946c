from __future__ import annotations

import io

import pytest
from django.db import IntegrityError
from openpyxl import load_workbook

from jiuye.registry import models as m
from jiuye.registry.rosters import batches, specs, sqlio
from jiuye.registry.rosters.workbook import HELP_SHEET, error_rows, template
from tests.registry.rosterkit import (
    CODE_A,
    ID_A,
    ID_B,
    NOW,
    TODAY,
    people_file,
    person_row,
    workbook,
)


@pytest.fixture(autouse=True)
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def _import(path, kind="person", actor_id=None):
    batch = batches.preview(path, kind, filename=path.name, user_id=actor_id, today=TODAY, now=NOW)
    return batch, batches.confirm(batch, actor_id=actor_id, now=NOW)


def _state():
    return (
        list(m.Person.objects.order_by("id").values()),
        list(m.ChangeLog.objects.order_by("id").values()),
    )


def test_confirm_imports_only_the_valid_rows_with_masked_history(divisions, tmp_path):
    # given
    path = people_file(
        tmp_path / "p.xlsx",
        [
            person_row(ID_A, **{"户籍类型": "城镇户籍"}),
            person_row(ID_B, "李四", "220721100"),
            person_row(ID_A[:17] + "0" if ID_A[17] != "0" else ID_A[:17] + "1", "王五"),
        ],
    )
    # when
    batch, result = _import(path)
    # then
    assert result == {"created": 2, "updated": 0, "unchanged": 0}
    assert list(
        m.Person.objects.order_by("id").values_list("resident_id", "name", "sex", "hukou_type")
    ) == [(ID_A, "张三", "male", "urban"), (ID_B, "李四", "female", None)]
    # the import's creations are one event: a row for the run of new ids, naming the
    # roster, the file and the fields given (never sex or birth date), not the values
    log = m.ChangeLog.objects.get()
    first, second = m.Person.objects.order_by("id").values_list("id", flat=True)
    assert (log.entity, log.action, log.source) == ("person", "create", "roster")
    assert (log.object_id, log.object_id_last) == (first, second)
    assert log.changes == {
        "roster": "人员花名册",
        "file": "p.xlsx",
        "rows": 2,
        "fields": ["resident_id", "name", "division", "hukou_type"],
    }
    assert [h.pk for h in m.ChangeLog.objects.of("person", second)] == [log.pk]
    assert not m.ChangeLog.objects.of("person", second + 1).exists()
    assert not m.ChangeLog.objects.of("employer", first).exists()
    assert ID_A not in str(list(m.ChangeLog.objects.values_list("changes", flat=True)))
    assert batch.status == "imported"
    assert batches.load(batch.token) is None
    assert not batch.folder.exists()


def test_uploading_the_same_file_twice_changes_nothing(divisions, tmp_path):
    # given
    path = people_file(tmp_path / "p.xlsx", [person_row(ID_A), person_row(ID_B, "李四")])
    _import(path)
    before = _state()
    # when
    _, result = _import(path)
    # then
    assert result == {"created": 0, "updated": 0, "unchanged": 2}
    assert _state() == before


def test_a_changed_cell_updates_and_logs_only_that_field(divisions, tmp_path):
    # given
    _import(people_file(tmp_path / "a.xlsx", [person_row(ID_A, **{"退役军人": "否"})]))
    # when
    _, result = _import(
        people_file(tmp_path / "b.xlsx", [person_row(ID_A, **{"退役军人": "是", "户籍类型": None})])
    )
    # then
    assert result == {"created": 0, "updated": 1, "unchanged": 0}
    assert m.Person.objects.get().is_veteran is True
    log = m.ChangeLog.objects.order_by("-id").first()
    assert (log.action, log.changes) == ("update", {"is_veteran": {"old": False, "new": True}})


def test_a_failure_during_confirm_leaves_nothing_half_imported(divisions, tmp_path, monkeypatch):
    # given
    path = people_file(tmp_path / "p.xlsx", [person_row(ID_A), person_row(ID_B, "李四")])
    batch = batches.preview(path, "person", filename="p.xlsx", user_id=None, today=TODAY, now=NOW)
    real = sqlio.insert

    def failing(table, frame):
        if table == m.ChangeLog._meta.db_table:
            raise IntegrityError("simulated failure while writing the history")
        real(table, frame)

    monkeypatch.setattr("jiuye.registry.rosters.upsert.insert", failing)
    # when
    with pytest.raises(IntegrityError):
        batches.confirm(batch, actor_id=None, now=NOW)
    # then
    assert (m.Person.objects.count(), m.ChangeLog.objects.count()) == (0, 0)
    assert batches.load(batch.token).status == "previewed"


def test_a_failure_while_computing_the_history_leaves_nothing(divisions, tmp_path, monkeypatch):
    # given: on PostgreSQL the history is computed in a thread while the rows are written
    path = people_file(tmp_path / "p.xlsx", [person_row(ID_A), person_row(ID_B, "李四")])
    batch = batches.preview(path, "person", filename="p.xlsx", user_id=None, today=TODAY, now=NOW)

    def failing(*args):
        raise ValueError("simulated failure in the history")

    monkeypatch.setattr("jiuye.registry.rosters.upsert._created_runs", failing)
    # when
    with pytest.raises(ValueError, match="simulated"):
        batches.confirm(batch, actor_id=None, now=NOW)
    # then
    assert (m.Person.objects.count(), m.ChangeLog.objects.count()) == (0, 0)
    assert batches.load(batch.token).status == "previewed"


def test_a_batch_imports_once(divisions, tmp_path):
    # given
    path = people_file(tmp_path / "p.xlsx", [person_row(ID_A)])
    batch = batches.preview(path, "person", filename="p.xlsx", user_id=None, today=TODAY, now=NOW)
    twin = batches.load(batch.token)  # e.g. a second click on 确认 in another tab
    batches.confirm(batch, actor_id=None, now=NOW)
    # when
    with pytest.raises(batches.RosterFileError) as again:
        batches.confirm(batch, actor_id=None, now=NOW)
    with pytest.raises(batches.RosterFileError) as other:
        batches.confirm(twin, actor_id=None, now=NOW)
    # then
    assert again.value.code == "already_imported"
    assert other.value.code == "gone"
    assert m.ChangeLog.objects.count() == 1


def test_child_rosters_upsert_by_person_and_employer(divisions, tmp_path):
    # given
    _import(people_file(tmp_path / "p.xlsx", [person_row(ID_A), person_row(ID_B, "李四")]))
    _import(
        workbook(
            tmp_path / "e.xlsx",
            specs.EMPLOYER.headers,
            [[CODE_A, "松原某某有限公司", "企业", "220702001", "民营企业", "小型", None]],
        ),
        "employer",
    )
    employment = workbook(
        tmp_path / "j.xlsx",
        specs.EMPLOYMENT.headers,
        [[ID_A, "单位就业", "2018-03-01", None, CODE_A, 36, "是"]],
    )
    households = workbook(
        tmp_path / "h.xlsx",
        specs.HOUSEHOLD.headers,
        [["H1", "220702001", ID_A, "户主"], ["H1", "220702001", ID_B, "配偶"]],
    )
    insurance = workbook(
        tmp_path / "u.xlsx",
        specs.UNEMPLOYMENT_INSURANCE.headers,
        [[CODE_A, 2018, "是", "1234.5", "0", 10]],
    )
    certificates = workbook(
        tmp_path / "c.xlsx", specs.CERTIFICATE.headers, [[ID_A, "电工", 4, "2017-06-30", "是"]]
    )
    # when
    results = [
        _import(employment, "employment")[1],
        _import(households, "household")[1],
        _import(insurance, "unemployment_insurance")[1],
        _import(certificates, "certificate")[1],
    ]
    again = [
        _import(employment, "employment")[1],
        _import(households, "household")[1],
        _import(insurance, "unemployment_insurance")[1],
        _import(certificates, "certificate")[1],
    ]
    # then
    assert [r["created"] for r in results] == [1, 2, 1, 1]
    assert [r["created"] + r["updated"] for r in again] == [0, 0, 0, 0]
    job = m.EmploymentRecord.objects.get()
    assert (job.person.resident_id, job.employer.credit_code, job.contract_months) == (
        ID_A,
        CODE_A,
        36,
    )
    assert m.EmployerYear.objects.get().ui_premiums_fen == 123450
    assert m.Household.objects.get().members.count() == 2
    assert m.Certificate.objects.get().level == 4
    log = m.ChangeLog.objects.filter(action="add", entity="person").first()
    assert log.changes["employment"]["form"] == "employee"
    assert "old" not in log.changes["employment"]


def test_error_rows_workbook_holds_the_bad_rows_and_an_explanation(divisions, tmp_path):
    # given
    path = people_file(
        tmp_path / "p.xlsx",
        [person_row(ID_A), person_row(ID_B, None, **{"毕业日期": "2018-02-30"})],
    )
    batch = batches.preview(path, "person", filename="p.xlsx", user_id=None, today=TODAY, now=NOW)
    # when
    content = error_rows(specs.PERSON, batch.frame("raw"), batch.frame("errors"))
    # then
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == [*specs.PERSON.headers, "错误说明"]
    assert len(rows) == 2
    assert rows[1][0] == ID_B
    assert rows[1][-1] == "姓名：必填项为空；毕业日期：日期不存在（如2月30日）"


def test_the_error_rows_file_can_be_uploaded_again_after_correction(divisions, tmp_path):
    # given
    bad = batches.preview(
        people_file(tmp_path / "p.xlsx", [person_row(ID_A, None)]),
        "person",
        filename="p.xlsx",
        user_id=None,
        today=TODAY,
        now=NOW,
    )
    fixed = tmp_path / "fixed.xlsx"
    wb = load_workbook(io.BytesIO(error_rows(specs.PERSON, bad.frame("raw"), bad.frame("errors"))))
    wb.active["B2"] = "张三"
    wb.save(fixed)
    # when
    _, result = _import(fixed)
    # then
    assert result["created"] == 1


@pytest.mark.parametrize("kind", list(specs.ROSTERS))
def test_templates_have_the_chinese_headers_and_a_marked_example(kind):
    # given
    roster = specs.ROSTERS[kind]
    # when
    wb = load_workbook(io.BytesIO(template(roster)))
    # then
    assert wb.sheetnames == ["花名册", HELP_SHEET]
    assert [c.value for c in wb["花名册"][1]] == roster.headers
    assert [c.value for c in wb[HELP_SHEET][1]] == roster.headers
    assert str(wb[HELP_SHEET]["A2"].value).startswith("【示例】")


def test_rows_written_a_slice_at_a_time_are_the_same(divisions, tmp_path, monkeypatch):
    # given: on PostgreSQL a large frame is encoded and copied a slice at a time
    monkeypatch.setattr(sqlio, "COPY_SLICE", 1)
    path = people_file(tmp_path / "p.xlsx", [person_row(ID_A), person_row(ID_B, "李四")])
    # when
    _, result = _import(path)
    # then
    assert result["created"] == 2
    assert sorted(m.Person.objects.values_list("name", flat=True)) == ["张三", "李四"]


def test_new_ids_with_a_gap_are_logged_as_two_runs():
    # given: ids 1-3 and 7-8 (another writer took 4-6 meanwhile)
    import polars as pl

    from jiuye.registry.rosters.upsert import Target, _created_runs

    target = Target(m.Person, ("resident_id",), ("name",), "person")
    created = pl.DataFrame({"id": [8, 1, 2, 3, 7], "resident_id": ["a"] * 5, "name": [None] * 5})
    # when
    runs = _created_runs(target, created, {"roster": "人员花名册", "file": "p.xlsx"})
    # then: the fields given exclude the all-empty column
    assert runs.select("object_id", "object_id_last").rows() == [(1, 3), (7, 8)]
    assert runs["changes"].to_list() == [
        '{"roster": "人员花名册", "file": "p.xlsx", "fields": ["resident_id"], "rows": 3}',
        '{"roster": "人员花名册", "file": "p.xlsx", "fields": ["resident_id"], "rows": 2}',
    ]


def test_the_history_of_a_record_holds_its_creation_run_and_its_updates(divisions, tmp_path):
    # given: created by one import, changed by a second
    _import(people_file(tmp_path / "a.xlsx", [person_row(ID_A), person_row(ID_B, "李四")]))
    _import(people_file(tmp_path / "b.xlsx", [person_row(ID_B, "李斯")]))
    first, second = m.Person.objects.order_by("id").values_list("id", flat=True)
    # when
    history = list(m.ChangeLog.objects.of("person", second).order_by("id"))
    # then
    assert [(h.action, h.object_id, h.object_id_last) for h in history] == [
        ("create", first, second),
        ("update", second, None),
    ]
    assert history[1].changes == {"name": {"old": "李*", "new": "李*"}}
    assert [h.action for h in m.ChangeLog.objects.of("person", first)] == ["create"]


@pytest.mark.django_db
def test_a_large_import_refreshes_the_planner_statistics(divisions, tmp_path, monkeypatch):
    # given: the threshold lowered to the two rows of the file
    from django.db import connection

    from jiuye.registry.rosters import imports

    monkeypatch.setattr(imports, "ANALYZE_FROM_ROWS", 2)
    path = people_file(tmp_path / "p.xlsx", [person_row(ID_A), person_row(ID_B, "李四")])
    # when
    _import(path)
    # then: PostgreSQL counts the rows now (SQLite needs no statistics)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = %s", [m.Person._meta.db_table]
            )
            assert cursor.fetchone()[0] == 2
    # and below the threshold nothing is analysed
    monkeypatch.setattr(imports, "ANALYZE_FROM_ROWS", 3)
    calls = []
    monkeypatch.setattr(imports, "refresh_statistics", calls.append)
    _import(people_file(tmp_path / "q.xlsx", [person_row(ID_A, "张四")]))
    assert calls == []
