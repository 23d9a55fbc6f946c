"""The roster workbooks: the blank templates and the error rows, through the one writer
(:mod:`jiuye.core.xlsx`, which neutralises every cell a spreadsheet would run)."""

from __future__ import annotations

import polars as pl

from jiuye.core.xlsx import BOLD, HEADER, TEXT, WRAP, Book, Sheet
from jiuye.registry.rosters import specs as s
from jiuye.registry.rosters.validate import ROW

DATA_SHEET, HELP_SHEET = "花名册", "填写说明"
ERROR_COLUMN = "错误说明"
TEXT_KINDS = (s.RESIDENT_ID, s.CREDIT_CODE, s.PERSON_REF, s.EMPLOYER_REF, s.DIVISION, s.TEXT)
TEMPLATE_ROWS = 1000  # blank rows formatted as text below the header


def _width(sheet: Sheet, index: int, header: str) -> None:
    sheet.width(index, max(12, len(header) * 2 + 4))


def template(roster: s.Roster) -> bytes:
    """A blank roster: the header row on the first sheet; example and help on the second."""
    book = Book()
    data = book.sheet(DATA_SHEET)
    data.append(roster.headers, HEADER)
    for index, column in enumerate(roster.columns):
        _width(data, index, column.header)
    # text format keeps 18-digit numbers whole when typed or pasted
    text_columns = [i + 1 for i, c in enumerate(roster.columns) if c.kind in TEXT_KINDS]
    data.style(rows=range(2, TEMPLATE_ROWS + 2), columns=text_columns, style=TEXT)
    data.freeze("A2")
    help_sheet = book.sheet(HELP_SHEET)
    help_sheet.append(roster.headers, BOLD)
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
            ],
            WRAP,
        )
    help_sheet.append([])
    for note in (
        *roster.notes,
        "请在“花名册”工作表第1行表头下逐行填写，不要改动、删除或移动表头。",
        "不要使用公式和合并单元格；带【示例】的行不会导入。",
        "选填项留空表示不掌握该信息，导入时保留系统中已有的值。",
    ):
        help_sheet.append([note], WRAP)
    for index, column in enumerate(roster.columns):
        _width(help_sheet, index, column.header)
    help_sheet.width(2, 60)
    return book.content()


def error_rows(roster: s.Roster, raw: pl.DataFrame, errors: pl.DataFrame) -> bytes:
    """The bad rows as typed, with a 错误说明 column; fix them and upload this file again."""
    notes = errors.group_by("row", maintain_order=True).agg(
        pl.concat_str(pl.col("column"), pl.lit("："), pl.col("message"))
        .str.join("；")
        .alias(ERROR_COLUMN)
    )
    bad = raw.join(notes, left_on=ROW, right_on="row", how="inner").sort(ROW)
    book = Book(streaming=True)
    sheet = book.sheet(DATA_SHEET)
    sheet.append([*roster.headers, ERROR_COLUMN], BOLD)
    for row in bad.select(*roster.headers, ERROR_COLUMN).iter_rows():
        sheet.append(row, TEXT)
    return book.content()
