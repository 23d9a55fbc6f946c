"""The bureau's village/community list as a file: CSV or .xlsx, read into rows of text.

Format (first row the header, one community or village a row, column order free):

==============  ========  =====================================================
header          required  content
==============  ========  =====================================================
统计用区划代码  yes       12 digits (e.g. 220702001001); text, not a number cell
名称            yes       the 居委会/村委会 name, at most 100 characters
城乡分类代码    no        111, 112, 121, 122, 123, 210 or 220
上级代码        no        the township's 9 digits (or 12 ending in 000); must be
                          the first 9 digits of the code; derived when absent
==============  ========  =====================================================

CSV: UTF-8 (with or without BOM) or GB18030, comma-separated. XLSX: the first
worksheet, header in row 1 from column A; an .xlsx passes the upload
container checks of :mod:`jiuye.core.files` (size, .xls, renamed files, zip bombs)
and may hold no formulas or merged cells. Anything else (.xls, a renamed file, another
extension) is refused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jiuye.core.files import (
    FileError,
    check_header_position,
    check_xlsx,
    column_letter,
    header_problems,
    read_csv_text,
)
from jiuye.geo.models import UrbanRural

CODE, NAME, URBAN_RURAL, PARENT = "统计用区划代码", "名称", "城乡分类代码", "上级代码"
REQUIRED = (CODE, NAME)
HEADERS = (CODE, NAME, URBAN_RURAL, PARENT)


def explanations() -> dict[str, str]:
    return {
        CODE: "12位统计用区划代码（前9位为所属乡镇街道），请用文本格式填写",
        NAME: "居委会、村委会名称，不超过100字",
        URBAN_RURAL: "选填：" + "、".join(f"{c.value} {c.label}" for c in UrbanRural),
        PARENT: "选填：所属乡镇街道的9位代码（或以000结尾的12位代码），须与区划代码前9位一致",
    }


DATA_SHEET, HELP_SHEET = "社区村", "填写说明"


class DivisionFileError(FileError):
    """The file as a whole cannot be used: machine code and a Chinese message."""


@dataclass(frozen=True)
class CellProblem:
    row: int  # the row number a spreadsheet or text editor shows (header: 1)
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}：{self.message}"


@dataclass(frozen=True)
class Sheet:
    rows: list[tuple[int, dict[str, str]]]  # (row number, header → text), blank rows left out
    problems: list[CellProblem]  # cells no value can be trusted from


def read_community_file(path: Path) -> Sheet:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".xls":
        raise DivisionFileError(
            "xls",
            "不支持旧版 Excel（.xls），请在 Excel 中“另存为”Excel 工作簿（.xlsx）或 CSV 后再导入",
        )
    raise DivisionFileError(
        "file_type", f"不支持的文件类型“{path.suffix or '无扩展名'}”，请使用 .csv 或 .xlsx 文件"
    )


def _read_csv(path: Path) -> Sheet:
    text = read_csv_text(path, error=DivisionFileError)
    table = list(csv.reader(io.StringIO(text, newline="")))
    if not table:
        raise DivisionFileError("empty", "文件为空")
    headers = _check_headers(table[0])
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {h: (cells[i].strip() if i < len(cells) else "") for i, h in headers.items()}
        if any(values.values()):
            rows.append((number, values))
    return Sheet(rows, [])


def _read_xlsx(path: Path) -> Sheet:
    import fastexcel

    scan = check_xlsx(path, error=DivisionFileError)
    check_header_position(scan, error=DivisionFileError)
    try:
        frame = (
            fastexcel.read_excel(str(path)).load_sheet(0, header_row=0, dtypes="string").to_polars()
        )
    except Exception as exc:  # calamine's errors are plain exceptions of several types
        raise DivisionFileError(
            "unreadable", "无法读取该工作簿，请用 Excel 另存为 .xlsx 后重试"
        ) from exc
    headers = _check_headers(list(frame.columns))
    by_letter = {column_letter(i): h for i, h in headers.items()}
    rows = []
    for number, record in enumerate(frame.iter_rows(), start=2):
        values = {h: _cell_text(record[i]) for i, h in headers.items()}
        if any(values.values()):
            rows.append((number, values))
    problems = [
        CellProblem(row, by_letter.get(col, f"{col}列"), "单元格含公式，请复制后“粘贴为数值”")
        for col, row in sorted(scan.formulas)
        if row > 1
    ]
    problems += [
        CellProblem(
            row, by_letter.get(col, f"{col}列"), f"合并单元格（{ref}），请取消合并并逐格填写"
        )
        for col, row, ref in scan.merged
        if row > 1
    ]
    return Sheet(rows, problems)


def _cell_text(value: object) -> str:
    text = "" if value is None else str(value).strip()
    # a code typed into a number cell comes back as "220702001001.0"
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


def _check_headers(found: list[str]) -> dict[int, str]:
    """Column index → header for the known columns; refuse renamed, missing or doubled."""
    names = [str(name).strip() for name in found]
    known = {i: n for i, n in enumerate(names) if n in HEADERS}
    problems = header_problems(names, HEADERS, required=REQUIRED)
    if problems:
        raise DivisionFileError(
            "headers", "；".join(problems) + "。表头应为：" + "、".join(HEADERS) + "（后两列选填）"
        )
    return known


def write_template(path: Path, rows: Sequence[Sequence[str]] = ()) -> Path:
    """An .xlsx with the header (and ``rows``) on the first sheet, help on the second."""
    from jiuye.core.xlsx import BOLD, TEXT, Book

    book = Book()
    sheet = book.sheet(DATA_SHEET)
    sheet.append(list(HEADERS), BOLD)
    for row in rows:
        sheet.append(list(row))
    for index, width in enumerate((18, 30, 14, 14)):
        sheet.width(index, width)
    # codes stay text
    sheet.style(rows=range(2, max(1002, len(rows) + 2)), columns=range(1, 5), style=TEXT)
    sheet.freeze("A2")
    help_sheet = book.sheet(HELP_SHEET)
    help_sheet.append(["列名", "是否必填", "填写说明"])
    for header in HEADERS:
        help_sheet.append(
            [header, "必填" if header in REQUIRED else "选填", explanations()[header]]
        )
    help_sheet.append([])
    for note in (
        "在“社区村”工作表第1行表头下逐行填写，不要改动表头；不要使用公式和合并单元格。",
        "所属乡镇街道须已在区划表中；有任何一行不合格时整个文件都不导入。",
        "也可保存为 CSV（UTF-8，逗号分隔），表头相同。",
    ):
        help_sheet.append([note])
    help_sheet.width(2, 70)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
