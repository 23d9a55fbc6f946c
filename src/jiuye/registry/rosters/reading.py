"""The first worksheet as a frame of strings, its header row checked against the roster.

A cell our writer neutralised (``'=…``: :mod:`jiuye.core.xlsx` puts a quote before text
that starts like a formula) reads back as its text without the quote, so an error-rows
file uploaded again holds what was first typed.
"""

from __future__ import annotations

from pathlib import Path

import fastexcel
import polars as pl

from jiuye.core.files import check_header_position, column_letter, header_problems
from jiuye.registry.rosters.container import RosterFileError, SheetScan
from jiuye.registry.rosters.specs import Roster

_NEUTRALISED = "^'([=+\\-@\t\r])"


def read_sheet(path: Path, roster: Roster, scan: SheetScan) -> pl.DataFrame:
    """Every cell as text, columns named by the template headers; row 1 is the header."""
    check_header_position(
        scan,
        error=RosterFileError,
        empty="第一个工作表是空的，请在模板的“花名册”工作表中填写",
        merged_hint="，请使用原模板表头",
    )
    try:
        sheet = fastexcel.read_excel(str(path)).load_sheet(0, header_row=0, dtypes="string")
        frame = sheet.to_polars()
    except Exception as exc:  # calamine's errors are plain exceptions of several types
        raise RosterFileError(
            "unreadable", "无法读取该工作簿，请用 Excel 另存为 .xlsx 后重试"
        ) from exc
    check_headers(frame.columns, roster)
    return frame.select(pl.col(header).str.replace(_NEUTRALISED, "$1") for header in roster.headers)


def check_headers(found: list[str], roster: Roster) -> None:
    """Every template header present, nothing else; names the first difference."""
    problems = header_problems(
        found, roster.headers, ignored=("错误说明",), locate=lambda i: f"{column_letter(i)}列"
    )
    if problems:
        raise RosterFileError(
            "headers", "；".join(problems) + f"。请使用“{roster.title}”模板的表头，不要改名或删除列"
        )
