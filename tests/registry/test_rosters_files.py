from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook

from jiuye.registry.rosters import specs
from jiuye.registry.rosters.batches import preview
from jiuye.registry.rosters.container import OLE_MAGIC, RosterFileError, check_file
from tests.registry.rosterkit import ID_A, ID_B, NOW, TODAY, people_file, person_row, workbook


def _preview(path, **kwargs):
    return preview(path, "person", filename=path.name, user_id=None, today=TODAY, now=NOW, **kwargs)


@pytest.fixture
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def test_an_xls_file_is_refused_with_a_request_for_xlsx(tmp_path):
    # given
    path = tmp_path / "old.xls"
    path.write_bytes(OLE_MAGIC + b"\0" * 4000)
    # when
    with pytest.raises(RosterFileError) as caught:
        check_file(path)
    # then
    assert caught.value.code == "xls"
    assert "另存为" in caught.value.message
    assert ".xlsx" in caught.value.message


def test_a_renamed_text_file_is_refused(tmp_path):
    # given
    path = tmp_path / "people.xlsx"
    path.write_text("身份证号码,姓名\n", encoding="utf-8")
    # when
    with pytest.raises(RosterFileError) as caught:
        check_file(path)
    # then
    assert (caught.value.code, caught.value.message) == (
        "not_xlsx",
        "文件不是 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件，请用花名册模板填写后上传",
    )


def test_a_zip_without_a_workbook_is_refused(tmp_path):
    # given
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    # when
    with pytest.raises(RosterFileError) as caught:
        check_file(path)
    # then
    assert caught.value.code == "not_xlsx"


def test_an_oversized_file_is_refused_before_reading(tmp_path):
    # given
    path = people_file(tmp_path / "p.xlsx", [person_row()])
    # when
    with pytest.raises(RosterFileError) as caught:
        check_file(path, max_bytes=1000)
    # then
    assert caught.value.code == "too_large"


def test_a_zip_bomb_is_refused(tmp_path):
    # given a valid workbook whose sheet inflates 64 MiB of zeros from a few KiB
    path = people_file(tmp_path / "bomb.xlsx", [person_row()])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (64 * 2**20))
    # when
    with pytest.raises(RosterFileError) as caught:
        check_file(path)
    # then
    assert caught.value.code == "zip_bomb"


def test_a_zip_bomb_is_refused_by_the_total_size(tmp_path):
    # given
    path = people_file(tmp_path / "p.xlsx", [person_row()])
    # when
    with pytest.raises(RosterFileError) as caught:
        check_file(path, max_inflated=1000)
    # then
    assert caught.value.code == "zip_bomb"


def test_missing_and_renamed_headers_are_named(divisions, tmp_path, var):
    # given
    headers = list(specs.PERSON.headers)
    headers[1] = "名字"
    headers.remove("退役军人")
    path = workbook(tmp_path / "p.xlsx", headers, [])
    # when
    with pytest.raises(RosterFileError) as caught:
        _preview(path)
    # then
    assert caught.value.message == (
        "缺少列：“姓名”、“退役军人”；无法识别的列（可能被改名）：B列“名字”。"
        "请使用“人员花名册”模板的表头，不要改名或删除列"
    )
    assert not (var / "rosters").exists()


def test_a_header_not_on_the_first_row_is_refused(divisions, tmp_path, var):
    # given
    path = workbook(tmp_path / "p.xlsx", [], [[None], specs.PERSON.headers])
    # when
    with pytest.raises(RosterFileError) as caught:
        _preview(path)
    # then
    assert caught.value.code == "header_position"


def test_formulas_and_merged_cells_are_reported_by_cell(divisions, tmp_path, var):
    # given
    wb = Workbook()
    ws = wb.active
    ws.append(specs.PERSON.headers)
    ws.append(person_row(ID_A))
    ws.append(person_row(ID_B))
    ws["B2"] = '="张"&"三"'
    ws.merge_cells("J3:K3")
    wb.save(tmp_path / "p.xlsx")
    # when
    batch = _preview(tmp_path / "p.xlsx")
    # then
    assert [tuple(r) for r in batch.frame("errors").rows()] == [
        (2, "姓名", "单元格含公式，请复制后“粘贴为数值”"),
        (3, "累计缴纳失业保险费月数", "合并单元格（J3:K3），请取消合并并逐格填写"),
    ]
    assert (batch.rows, batch.valid_rows, batch.bad_rows) == (2, 0, 2)


def test_a_numeric_id_cell_fails_its_check_digit(divisions, tmp_path, var):
    # given Excel turned the number into a float and lost the last digits
    path = people_file(tmp_path / "p.xlsx", [person_row(int(ID_A[:15] + "000"))])
    # when
    batch = _preview(path)
    # then
    assert [tuple(r) for r in batch.frame("errors").rows()] == [
        (2, "居民身份证号码", "居民身份证号码校验码不正确，请核对号码")
    ]
