"""The upload container checks of jiuye.core.files, shared by rosters, division files and rates."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from jiuye.core.errors import JiuyeError
from jiuye.core.files import (
    OLE_MAGIC,
    FileCode,
    FileError,
    SheetScan,
    check_header_position,
    check_xlsx,
    header_problems,
    read_csv_text,
)


class OwnError(FileError):
    pass


def test_a_file_error_is_a_jiuye_error_with_status_422() -> None:
    # given / when
    error = FileError(FileCode.EMPTY, "文件为空")

    # then
    assert isinstance(error, JiuyeError)
    assert (error.code, error.message, error.http_status) == ("empty", "文件为空", 422)


def test_an_xlsx_of_exactly_the_limit_passes_the_size_check_and_one_byte_more_does_not(
    tmp_path: Path,
) -> None:
    # given
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"x" * 100)

    # when
    with pytest.raises(FileError) as at_limit:
        check_xlsx(path, max_bytes=100, max_inflated=10**6)
    with pytest.raises(FileError) as over:
        check_xlsx(path, max_bytes=99, max_inflated=10**6)

    # then
    assert at_limit.value.code == "not_xlsx"
    assert over.value.code == "too_large"


def test_the_caller_chooses_the_error_class_and_the_template_named(tmp_path: Path) -> None:
    # given
    path = tmp_path / "a.xlsx"
    path.write_text("姓名\n", encoding="utf-8")

    # when
    with pytest.raises(OwnError) as caught:
        check_xlsx(path, template="花名册模板", error=OwnError)

    # then
    assert caught.value.message == (
        "文件不是 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件，请用花名册模板填写后上传"
    )


def test_an_ole_file_is_refused_as_xls(tmp_path: Path) -> None:
    # given
    path = tmp_path / "a.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 100)

    # when
    with pytest.raises(FileError) as caught:
        check_xlsx(path)

    # then
    assert caught.value.code == "xls"


def test_a_zip_that_inflates_beyond_the_limit_is_a_zip_bomb(tmp_path: Path) -> None:
    # given
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", '<sheet r:id="rId1"/>')
        archive.writestr(
            "xl/_rels/workbook.xml.rels", '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
        )
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 5_000_000)

    # when
    with pytest.raises(FileError) as caught:
        check_xlsx(path, max_inflated=4_000_000)

    # then
    assert caught.value.code == "zip_bomb"


def test_a_header_below_row_one_or_merged_is_refused() -> None:
    # given
    low = SheetScan(first_row=2, first_cell="A2")
    merged = SheetScan(first_row=1, first_cell="A1", merged=[("A", 1, "A1:B1")])

    # when
    with pytest.raises(FileError) as low_error:
        check_header_position(low)
    with pytest.raises(FileError) as merged_error:
        check_header_position(merged)

    # then
    assert low_error.value.code == "header_position"
    assert (merged_error.value.code, merged_error.value.message) == (
        "header_merged",
        "表头有合并单元格（A1:B1）",
    )


def test_csv_text_in_gb18030_is_read_and_a_renamed_zip_is_refused(tmp_path: Path) -> None:
    # given
    text = tmp_path / "a.csv"
    text.write_bytes("名称\n松原\n".encode("gb18030"))
    renamed = tmp_path / "b.csv"
    renamed.write_bytes(b"PK\x03\x04rest")

    # when
    read = read_csv_text(text)
    with pytest.raises(FileError) as caught:
        read_csv_text(renamed)

    # then
    assert read == "名称\n松原\n"
    assert caught.value.code == "not_csv"


def test_header_problems_names_missing_unknown_and_doubled_columns() -> None:
    # given
    found = ["名称", "备注", "名称", "__UNNAMED__3", ""]

    # when
    problems = header_problems(found, ["代码", "名称", "上级"], required=["代码", "名称"])

    # then
    assert problems == [
        "缺少列：“代码”",
        "无法识别的列（可能被改名）：第2列“备注”",
        "重复的列：“名称”",
    ]
