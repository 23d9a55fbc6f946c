"""Workbooks written with openpyxl: the blank templates and the error rows."""

from __future__ import annotations

import io

import polars as pl
from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import (  # type: ignore[import-untyped, unused-ignore]
    Alignment,
    Font,
    PatternFill,
)
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet.worksheet import (  # type: ignore[import-untyped, unused-ignore]
    Worksheet,
)

from jiuye.registry.rosters import specs as s
from jiuye.registry.rosters.validate import ROW

DATA_SHEET, HELP_SHEET = "花名册", "填写说明"
ERROR_COLUMN = "错误说明"
TEXT_KINDS = (s.RESIDENT_ID, s.CREDIT_CODE, s.PERSON_REF, s.EMPLOYER_REF, s.DIVISION, s.TEXT)
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _width(ws: Worksheet, index: int, header: str) -> None:
    ws.column_dimensions[get_column_letter(index + 1)].width = max(12, len(header) * 2 + 4)


def template(roster: s.Roster) -> bytes:
    """A blank roster: the header row on the first sheet; example and help on the second."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = DATA_SHEET
    ws.append(roster.headers)
    for index, column in enumerate(roster.columns):
        cell = ws.cell(row=1, column=index + 1)
        cell.font, cell.fill = _BOLD, _HEAD_FILL
        _width(ws, index, column.header)
        if column.kind in TEXT_KINDS:
            # text format keeps 18-digit numbers whole when typed or pasted
            for row in range(2, 1002):
                ws.cell(row=row, column=index + 1).number_format = "@"
    ws.freeze_panes = "A2"
    help_sheet = wb.create_sheet(HELP_SHEET)
    help_sheet.append(roster.headers)
    example = [c.example for c in roster.columns]
    example[0] = s.EXAMPLE_MARK + example[0]
    help_sheet.append(example)
    help_sheet.append([])
    help_sheet.append(["列名", "是否必填", "填写说明", "示例"])
    for column in roster.columns:
        help_sheet.append(
            [
                column.header,
                "必填" if column.required else "选填",
                column.explanation,
                column.example,
            ]
        )
    help_sheet.append([])
    for note in (
        *roster.notes,
        "请在“花名册”工作表第1行表头下逐行填写，不要改动、删除或移动表头。",
        "不要使用公式和合并单元格；带【示例】的行不会导入。",
        "选填项留空表示不掌握该信息，导入时保留系统中已有的值。",
    ):
        help_sheet.append([note])
    for index, column in enumerate(roster.columns):
        _width(help_sheet, index, column.header)
        help_sheet.cell(row=1, column=index + 1).font = _BOLD
    help_sheet.column_dimensions["C"].width = 60
    for row in help_sheet.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _bytes(wb)


def error_rows(roster: s.Roster, raw: pl.DataFrame, errors: pl.DataFrame) -> bytes:
    """The bad rows as typed, with a 错误说明 column; fix them and upload this file again."""
    notes = errors.group_by("row", maintain_order=True).agg(
        pl.concat_str(pl.col("column"), pl.lit("："), pl.col("message"))
        .str.join("；")
        .alias(ERROR_COLUMN)
    )
    bad = raw.join(notes, left_on=ROW, right_on="row", how="inner").sort(ROW)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET)
    header = []
    for text in (*roster.headers, ERROR_COLUMN):
        cell = WriteOnlyCell(ws, value=text)
        cell.font = _BOLD
        header.append(cell)
    ws.append(header)
    for row in bad.select(*roster.headers, ERROR_COLUMN).iter_rows():
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = "@"
            cells.append(cell)
        ws.append(cells)
    return _bytes(wb)


def _bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
