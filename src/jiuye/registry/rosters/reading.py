"""The first worksheet as a frame of strings, its header row checked against the roster."""

from __future__ import annotations

from pathlib import Path

import fastexcel
import polars as pl

from jiuye.registry.rosters.container import RosterFileError, SheetScan, column_letter
from jiuye.registry.rosters.specs import Roster


def read_sheet(path: Path, roster: Roster, scan: SheetScan) -> pl.DataFrame:
    """Every cell as text, columns named by the template headers; row 1 is the header."""
    if scan.first_row is None:
        raise RosterFileError("empty", "第一个工作表是空的，请在模板的“花名册”工作表中填写")
    if scan.first_row != 1 or scan.first_cell != "A1":
        raise RosterFileError("header_position", "表头应在第1行、从A列开始，请勿在表头上方"
                                                 "或左侧插入空行、空列")
    merged_header = [ref for _, row, ref in scan.merged if row == 1]
    if merged_header:
        raise RosterFileError("header_merged", f"表头有合并单元格（{merged_header[0]}），"
                                               "请使用原模板表头")
    try:
        sheet = fastexcel.read_excel(str(path)).load_sheet(0, header_row=0, dtypes="string")
        frame = sheet.to_polars()
    except Exception as exc:  # calamine's errors are plain exceptions of several types
        raise RosterFileError("unreadable", "无法读取该工作簿，请用 Excel 另存为 .xlsx "
                                            "后重试") from exc
    check_headers(frame.columns, roster)
    return frame.select(roster.headers)


def check_headers(found: list[str], roster: Roster) -> None:
    """Every template header present, nothing else; names the first difference."""
    expected = roster.headers
    names = [str(name).strip() for name in found]
    missing = [h for h in expected if h not in names]
    extra = [(column_letter(i), n) for i, n in enumerate(names)
             if n not in expected and n != "错误说明" and not n.startswith("__UNNAMED__")]
    problems = []
    if missing:
        problems.append("缺少列：" + "、".join(f"“{h}”" for h in missing))
    if extra:
        problems.append("无法识别的列（可能被改名）：" + "、".join(
            f"{letter}列“{name}”" for letter, name in extra))
    duplicated = sorted({n for n in names if names.count(n) > 1 and n in expected})
    if duplicated:
        problems.append("重复的列：" + "、".join(f"“{h}”" for h in duplicated))
    if problems:
        raise RosterFileError("headers", "；".join(problems)
                              + f"。请使用“{roster.title}”模板的表头，不要改名或删除列")
