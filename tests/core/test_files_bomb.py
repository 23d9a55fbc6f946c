"""Small .xlsx uploads built to take the server down, tried as an attacker would (issue 10 §6).

Each hostile file is checked, and read if the check lets it through, in a child process
whose address space is capped at 1 GiB (``tests.core.hostile.probe``): before the fix
the reader aborted (XFD1048576: 512 GiB asked for) or ran out of memory there, and a
regression would again, without taking the test run down. The pages are tried only
with files the capped child has seen refused.
"""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from jiuye.core.files import (
    DEFAULT_MAX_CELLS,
    DEFAULT_MAX_COLUMNS,
    DEFAULT_MAX_ROWS,
    FileError,
    check_xlsx,
    column_letter,
)
from jiuye.core.ooxml import Limits, letters_greater, number_greater
from tests.core import hostile as h

MIB = 1024 * 1024


def _hostile_files(folder: Path) -> dict[str, Path]:
    rows_without_r = h.HEADER_ROW + b"<row></row>" * (DEFAULT_MAX_ROWS + 1) + b"<row>"
    rows_without_r += b'<c t="inlineStr"><is><t>x</t></is></c></row>'
    utf16 = codecs.BOM_UTF16_LE + h.far_cell("XFD1048576").replace(
        b'encoding="UTF-8"', b'encoding="UTF-16"'
    ).decode().encode("utf-16-le")
    files = {
        "xfd.xlsx": h.workbook(folder / "xfd.xlsx", h.far_cell("XFD1048576")),
        "zz.xlsx": h.workbook(folder / "zz.xlsx", h.far_cell("ZZ200000")),
        "strings.xlsx": h.lying_shared_strings(folder / "strings.xlsx"),
        "second_sheet.xlsx": h.workbook(
            folder / "second_sheet.xlsx", h.far_cell("B2"), h.far_cell("XFD1048576")
        ),
        "declared.xlsx": h.workbook(
            folder / "declared.xlsx", h.sheet(h.HEADER_ROW, dimension="A1:XFD1048576")
        ),
        "cells_without_r.xlsx": h.workbook(
            folder / "cells_without_r.xlsx",
            h.sheet(h.HEADER_ROW + b'<row r="1048576">' + b"<c><v>1</v></c>" * 16384 + b"</row>"),
        ),
        "rows_without_r.xlsx": h.workbook(folder / "rows_without_r.xlsx", h.sheet(rows_without_r)),
        "second_r.xlsx": h.workbook(
            folder / "second_r.xlsx",
            h.sheet(h.HEADER_ROW + b'<row r="2"><c r="A2" r="XFD1048576"><v>1</v></c></row>'),
        ),
        "quoted_gt.xlsx": h.workbook(
            folder / "quoted_gt.xlsx",
            h.sheet(h.HEADER_ROW + b'<row r="2"><c x=">" r="XFD1048576"><v>1</v></c></row>'),
        ),
        "single_quotes.xlsx": h.workbook(
            folder / "single_quotes.xlsx",
            h.sheet(h.HEADER_ROW + b"<row r='2'><c r='XFD1048576'><v>1</v></c></row>"),
        ),
        "lower_case.xlsx": h.workbook(
            folder / "lower_case.xlsx",
            h.sheet(h.HEADER_ROW + b'<row r="2"><c r="xfd1048576"><v>1</v></c></row>'),
        ),
        "prefixed.xlsx": h.workbook(
            folder / "prefixed.xlsx",
            h.far_cell("XFD1048576")
            .replace(b"<row", b"<x:row")
            .replace(b"</row", b"</x:row")
            .replace(b"<c ", b"<x:c ")
            .replace(b"</c>", b"</x:c>")
            .replace(b"<worksheet xmlns=", b"<worksheet xmlns:x="),
        ),
        "utf16.xlsx": h.workbook(folder / "utf16.xlsx", utf16),
        "lying_part.xlsx": h.raw_zip(
            folder / "lying_part.xlsx",
            [
                *[
                    h.honest(name, data)
                    for name, data in h.parts([h.far_cell("B2")], h.SHARED_STRINGS, {})
                ],
                h.Entry(
                    "docProps/custom.xml",
                    h.repeated_deflate(b"<x>", b"y" * MIB, 300, b"</x>"),
                    100,
                    0,
                ),
            ],
        ),
    }
    return files


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    files = _hostile_files(tmp_path_factory.mktemp("hostile"))
    return {"files": files, **h.probe(list(files.values()))}  # type: ignore[dict-item]


def _refused(outcome: dict[str, Any], code: str, *words: str) -> None:
    assert outcome["code"] == code, outcome
    for word in words:
        assert word in outcome["message"]
    # refused before any large allocation (the child's peak, Python and Polars included)
    assert outcome["rss_mib"] < 512


def test_a_2_kb_file_with_one_cell_at_xfd1048576_is_refused(outcomes):
    # given a workbook of two cells, A1 and XFD1048576 (calamine asked for 512 GiB)
    assert outcomes["files"]["xfd.xlsx"].stat().st_size < 2048
    # then
    _refused(outcomes["xfd.xlsx"], "sheet_too_large", "过大", "XFD1048576", "1048576 行 × 16384 列")


def test_one_cell_at_zz200000_is_refused_not_accepted_at_7_gib(outcomes):
    _refused(outcomes["zz.xlsx"], "sheet_too_large", "ZZ200000", "200000 行 × 702 列")


def test_shared_strings_that_declare_1_kb_and_inflate_to_3_gb_are_refused(outcomes):
    # given: 3 GB of one string in about 3 MB, declared as 1,024 bytes
    assert outcomes["files"]["strings.xlsx"].stat().st_size < 8 * MIB
    # then: refused after the first megabyte, not accepted at 3 GiB
    _refused(outcomes["strings.xlsx"], "zip_bomb", "xl/sharedStrings.xml", "超过其声明")


def test_any_part_that_inflates_past_its_declared_size_is_refused(outcomes):
    _refused(outcomes["lying_part.xlsx"], "zip_bomb", "docProps/custom.xml")


def test_every_sheet_is_measured_not_only_the_first(outcomes):
    _refused(outcomes["second_sheet.xlsx"], "sheet_too_large", "第2个工作表", "XFD1048576")


def test_a_declared_dimension_past_the_limits_is_refused(outcomes):
    _refused(outcomes["declared.xlsx"], "sheet_too_large", "声明的范围为 A1:XFD1048576")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("cells_without_r.xlsx", "sheet_too_large"),  # placed one after another: Q…XFD
        # a million empty <row>s, each one below the last, compress 1000 times over
        ("rows_without_r.xlsx", "zip_bomb"),
        ("second_r.xlsx", "not_xlsx"),  # calamine takes the last r; expat refuses both
        ("quoted_gt.xlsx", "sheet_too_large"),  # a '>' in a quoted value before r
        ("single_quotes.xlsx", "sheet_too_large"),
        ("lower_case.xlsx", "sheet_too_large"),  # calamine reads xfd as XFD
        ("prefixed.xlsx", "sheet_too_large"),  # <x:c>: calamine matches local names
        ("utf16.xlsx", "sheet_too_large"),
    ],
)
def test_the_same_far_cell_written_any_other_way_is_refused(outcomes, name, code):
    _refused(outcomes[name], code)


# ---------------------------------------------------------------- limits, at and past


@pytest.fixture
def small(settings):
    settings.UPLOAD_MAX_ROWS, settings.UPLOAD_MAX_COLUMNS, settings.UPLOAD_MAX_CELLS = 20, 13, 260


def _block(last: str, *, prefixed: bool = False) -> bytes:
    """A header at A1 and a cell at ``last``, as Excel writes them or with a prefix."""
    xml = h.far_cell(last)
    if prefixed:  # the same cells, read element by element with expat
        xml = xml.replace(b"<row", b"<x:row").replace(b"</row", b"</x:row")
        xml = xml.replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>")
        xml = xml.replace(b"<worksheet xmlns=", b"<worksheet xmlns:x=")
    return xml


@pytest.mark.parametrize("prefixed", [False, True])
def test_a_sheet_exactly_at_the_row_column_and_cell_limits_passes(small, tmp_path, prefixed):
    # given: row 20, column M (13): 260 cells from A1
    path = h.workbook(tmp_path / "at.xlsx", _block("M20", prefixed=prefixed))
    # when
    scan = check_xlsx(path)
    # then
    assert (scan.rows, scan.columns) == (20, 13)


@pytest.mark.parametrize("prefixed", [False, True])
@pytest.mark.parametrize(
    ("last", "cells", "shown"),
    [("M21", 260, "21 行 × 13 列"), ("N20", 260, "20 行 × 14 列"), ("M20", 259, "20 行 × 13 列")],
)
def test_one_row_column_or_cell_over_is_refused(
    small, settings, tmp_path, prefixed, last, cells, shown
):
    # given
    settings.UPLOAD_MAX_CELLS = cells
    path = h.workbook(tmp_path / "over.xlsx", _block(last, prefixed=prefixed))
    # when
    with pytest.raises(FileError) as caught:
        check_xlsx(path)
    # then
    assert caught.value.code == "sheet_too_large"
    assert shown in caught.value.message
    assert caught.value.http_status == 422


def test_a_declared_dimension_one_row_over_is_refused_and_at_the_limit_passes(small, tmp_path):
    # given
    at = h.workbook(tmp_path / "at.xlsx", h.sheet(h.HEADER_ROW, dimension="A1:M20"))
    over = h.workbook(tmp_path / "over.xlsx", h.sheet(h.HEADER_ROW, dimension="A1:M21"))
    # when
    check_xlsx(at)
    with pytest.raises(FileError) as caught:
        check_xlsx(over)
    # then
    assert "声明的范围为 A1:M21" in caught.value.message


# ---------------------------------------------------------------- where calamine puts cells


@st.composite
def layouts(draw: st.DrawFn) -> tuple[bytes, tuple[int, int], bool]:
    """A sheetData written in any mix of the ways calamine accepts, with where calamine
    puts its last cell (rows and cells with or without ``r``) and whether every cell's
    ``r`` agrees with its row (as every spreadsheet program writes them)."""
    prefixed = draw(st.booleans())
    c, row_tag = ("x:c", "x:row") if prefixed else ("c", "row")
    body, last_row, last_col, regular = b"", 0, 0, True
    cursor_row = 1
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            cursor_row = draw(st.integers(cursor_row, cursor_row + 30))
            body += b'<%s r="%d">' % (row_tag.encode(), cursor_row)
        else:
            body += b"<%s>" % row_tag.encode()
        next_col = 1
        for _ in range(draw(st.integers(1, 4))):
            if draw(st.booleans()):
                col = draw(st.integers(next_col, next_col + 40))
                row = cursor_row if draw(st.booleans()) else draw(st.integers(1, 80))
                regular = regular and row == cursor_row
                ref = f"{column_letter(col - 1)}{row}".encode()
                body += b'<%s r="%s"><v>1</v></%s>' % (c.encode(), ref, c.encode())
            else:
                col, row = next_col, cursor_row
                body += b"<%s><v>1</v></%s>" % (c.encode(), c.encode())
            next_col = col + 1
            last_row, last_col = max(last_row, row), max(last_col, col)
        body += b"</%s>" % row_tag.encode()
        cursor_row += 1
    xml = h.sheet(body)
    if prefixed:
        xml = xml.replace(b"<worksheet xmlns=", b"<worksheet xmlns:x=")
        xml = xml.replace(b"<sheetData>", b"<x:sheetData>").replace(
            b"</sheetData>", b"</x:sheetData>"
        )
    return xml, (last_row, last_col), regular


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(layout=layouts())
def test_the_measured_extent_never_falls_short_of_where_calamine_puts_cells(tmp_path, layout):
    # given
    xml, (rows, columns), regular = layout
    path = h.workbook(tmp_path / "sheet.xlsx", xml)
    wide = Limits(rows=10**7, columns=16_384, cells=10**12)
    # when
    scan = check_xlsx(path, limits=wide)
    # then: never less than calamine's extent (a bound), equal when the file is regular
    assert scan.rows >= rows
    assert scan.columns >= columns
    if regular:
        assert (scan.rows, scan.columns) == (rows, columns)
    # and exactly at that extent it passes, one row or column less it is refused
    check_xlsx(path, limits=Limits(scan.rows, scan.columns, scan.rows * scan.columns))
    for tight in (
        Limits(rows - 1, 16_384, 10**12),
        Limits(10**7, columns - 1, 10**12),
        Limits(10**7, 16_384, rows * columns - 1),
    ):
        with pytest.raises(FileError):
            check_xlsx(path, limits=tight)


@given(limit=st.integers(0, 10**8), number=st.integers(0, 10**9), zeros=st.integers(0, 2))
def test_the_number_pattern_matches_exactly_the_numbers_above_its_limit(limit, number, zeros):
    import re

    text = "0" * zeros + str(number)
    assert bool(re.fullmatch(f"0*(?:{number_greater(limit)})", text)) == (number > limit)


@given(limit=st.integers(0, 18_300), column=st.integers(1, 18_278))
def test_the_letters_pattern_matches_exactly_the_columns_right_of_its_limit(limit, column):
    import re

    letters = column_letter(column - 1)
    assert bool(re.fullmatch(f"(?:{letters_greater(limit)})", letters)) == (column > limit)


# ---------------------------------------------------------------- legitimate files pass


def test_a_large_but_legitimate_roster_passes_with_its_formulas_reported(tmp_path):
    # given: 3,000 rows of the widest roster as openpyxl writes them, one formula
    from jiuye.registry.rosters import specs

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(specs.PERSON.headers)
    for i in range(3_000):
        sheet.append([f"22070219900107{i:04d}", "张三", "220702001", *["是"] * 9])
    sheet.append(["=1+1"])
    path = tmp_path / "large.xlsx"
    book.save(path)
    # when
    scan = check_xlsx(path)
    # then
    assert (scan.rows, scan.columns) == (3_002, 12)
    assert (scan.first_row, scan.first_cell) == (1, "A1")
    assert scan.formulas == {("A", 3_002)}


@pytest.mark.parametrize("kind", ["person", "household", "employer"])
def test_the_roster_templates_pass(tmp_path, kind):
    # given: the blank templates carry 1,000 text-formatted rows
    from jiuye.registry.rosters import specs
    from jiuye.registry.rosters.workbook import template

    path = tmp_path / "t.xlsx"
    path.write_bytes(template(specs.ROSTERS[kind]))
    # when
    scan = check_xlsx(path)
    # then
    assert scan.rows == 1_001
    assert scan.columns == len(specs.ROSTERS[kind].columns)


def test_the_default_limits_fit_the_widest_roster_with_room():
    from jiuye.registry.rosters import specs

    widest = max(len(r.columns) for r in specs.ROSTERS.values()) + 1  # and 错误说明
    assert DEFAULT_MAX_ROWS >= 1_000_000  # the registry benchmark's roster
    assert DEFAULT_MAX_COLUMNS >= 2 * widest
    assert DEFAULT_MAX_CELLS >= DEFAULT_MAX_ROWS * widest


# ---------------------------------------------------------------- through the pages


@pytest.fixture
def county_staff(db):
    from jiuye.geo.models import Division, DivisionLevel
    from jiuye.staff.models import StaffProfile
    from tests.factories import StaffUserFactory

    county = Division.objects.create(
        code="220702", name="宁江区", level=DivisionLevel.COUNTY, vintage=dt.date(2017, 10, 31)
    )
    user = StaffUserFactory(username="ningjiang")
    StaffProfile.objects.create(user=user, division=county)
    return user


@pytest.mark.parametrize("name", ["xfd.xlsx", "zz.xlsx", "strings.xlsx"])
def test_the_roster_upload_page_refuses_the_file_in_chinese(
    client, county_staff, settings, tmp_path, outcomes, name
):
    # given: the capped child saw the file refused (a regression stops there)
    assert outcomes[name]["code"] in ("sheet_too_large", "zip_bomb"), outcomes[name]
    settings.VAR_DIR = tmp_path / "var"
    client.force_login(county_staff)
    # when
    with outcomes["files"][name].open("rb") as handle:
        response = client.post(
            reverse("registry:rosters:upload"), {"kind": "person", "file": handle}
        )
    # then
    body = response.content.decode()
    assert response.status_code == 400
    assert outcomes[name]["message"] in body.replace("&#x27;", "'").replace("&quot;", '"')
    assert not any((tmp_path / "var" / "rosters").glob("*/meta.json"))


def test_the_division_file_reader_refuses_it_too(outcomes):
    # given
    from jiuye.geo.community_files import DivisionFileError, read_community_file

    assert outcomes["xfd.xlsx"]["code"] == "sheet_too_large"
    # when
    with pytest.raises(DivisionFileError) as caught:
        read_community_file(outcomes["files"]["xfd.xlsx"])
    # then
    assert caught.value.code == "sheet_too_large"


def test_an_oversized_zip_directory_or_a_doubled_name_is_refused(tmp_path):
    # given
    entries = [h.honest(n, d) for n, d in h.parts([h.far_cell("B2")], h.SHARED_STRINGS, {})]
    doubled = h.raw_zip(tmp_path / "doubled.xlsx", [*entries, entries[-1]])
    many = h.raw_zip(
        tmp_path / "many.xlsx", [*entries, *(h.honest(f"x/{i:06d}", b"") for i in range(30_000))]
    )
    # when
    with pytest.raises(FileError) as twice:
        check_xlsx(doubled)
    with pytest.raises(FileError) as crowded:
        check_xlsx(many)
    # then
    assert twice.value.code == "not_xlsx"
    assert crowded.value.code == "zip_bomb"


def test_the_sheet_a_reader_loads_first_is_the_one_measured_however_it_is_written(tmp_path):
    # given: the first <sheet> prefixed and single-quoted, its target's file name in capitals,
    # and a harmless second sheet a naive scan would take for the first
    workbook = (
        b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + h.MAIN + b" xmlns:r="
        b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
        b' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>'
        b"<x:sheet name='bomb' sheetId='1' r:id='rId9'/>"
        b'<sheet name="S1" sheetId="2" r:id="rId1"/></sheets></workbook>'
    )
    rels = h.workbook_rels(2).replace(
        b"</Relationships>",
        b"<Relationship Id='rId9' Type='x' Target='/xl/worksheets/Sheet2.xml'/></Relationships>",
    )
    path = h.workbook(tmp_path / "b.xlsx", h.far_cell("B2"), h.far_cell("XFD1048576"))
    import zipfile

    with zipfile.ZipFile(path) as old, zipfile.ZipFile(tmp_path / "c.xlsx", "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "xl/workbook.xml":
                data = workbook
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = rels
            new.writestr(item.filename, data)
    # when
    with pytest.raises(FileError) as caught:
        check_xlsx(tmp_path / "c.xlsx")
    # then
    assert caught.value.code == "sheet_too_large"
    assert "第1个工作表“bomb”" in caught.value.message


def test_part_names_that_differ_only_in_case_are_refused(tmp_path):
    # given: a reader matching names without regard to case could take either
    entries = [h.honest(n, d) for n, d in h.parts([h.far_cell("B2")], h.SHARED_STRINGS, {})]
    twin = h.honest("XL/worksheets/sheet1.xml", h.far_cell("XFD1048576"))
    path = h.raw_zip(tmp_path / "twins.xlsx", [*entries, twin])
    # when
    with pytest.raises(FileError) as caught:
        check_xlsx(path)
    # then
    assert caught.value.code == "not_xlsx"
