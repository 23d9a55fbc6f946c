"""Helpers of the roster tests: workbooks built cell by cell with openpyxl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from jiuye.identity import make_credit_code, make_resident_id
from jiuye.registry.rosters import specs

TODAY = dt.date(2019, 6, 30)
NOW = dt.datetime(2019, 6, 30, 9, 0, tzinfo=dt.UTC)
ID_A = make_resident_id("220702", dt.date(1990, 1, 7), 123, "male")
ID_B = make_resident_id("220721", dt.date(1985, 3, 1), 124, "female")
CODE_A = make_credit_code("9", "1", "220702", "MA0Y4XUQ")
CODE_B = make_credit_code("9", "1", "220721", "MA0Y4XUR")


def person_row(
    resident_id: str = ID_A, name: str = "张三", division: str = "220702001", **cells: Any
) -> list[Any]:
    """A row of the person roster; ``cells`` by header override the blanks."""
    row: dict[str, Any] = {h: None for h in specs.PERSON.headers}
    row.update({"居民身份证号码": resident_id, "姓名": name, "户籍所在地": division})
    row.update(cells)
    return list(row.values())


def workbook(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def people_file(path: Path, rows: list[list[Any]]) -> Path:
    return workbook(path, specs.PERSON.headers, rows)
