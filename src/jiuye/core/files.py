"""Checks of an uploaded .xlsx or .csv before any parser sees it: one place for every upload.

An .xlsx is a zip of XML parts. We refuse: anything over the size limit; an OLE
compound file (.xls, or an encrypted workbook) with a request to save as .xlsx;
anything that is not a zip holding a workbook (e.g. a renamed text file); a zip whose
parts would inflate past the limit or by an absurd ratio (a zip bomb). The first
worksheet's XML is then streamed once (counting the bytes really inflated) to find
formulas and merged cells, which calamine would silently read as values or blanks.

A .csv must be text (no zip or OLE header, no NUL byte) in UTF-8 (BOM or not) or
GB18030. Rosters, the bureau's division files and the reference figures use these
checks; each reads its own columns afterwards. The limits come from settings
(``UPLOAD_MAX_BYTES``, ``UPLOAD_MAX_INFLATED_BYTES``; the roster's older names
``ROSTER_MAX_UPLOAD_BYTES``/``ROSTER_MAX_INFLATED_BYTES`` still count).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from jiuye.core.errors import JiuyeError

__all__ = [
    "OLE_MAGIC",
    "FileCode",
    "FileError",
    "SheetScan",
    "check_header_position",
    "check_xlsx",
    "column_letter",
    "header_problems",
    "max_inflated_bytes",
    "max_upload_bytes",
    "read_csv_text",
]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_INFLATED_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # plain sheet XML inflates 5–40×; bombs inflate 1000× and more
MAX_CELL_FINDINGS = 10_000
_CHUNK = 4 * 1024 * 1024
_OVERLAP = 4096

_FORMULA = re.compile(rb"<f[ >/]")
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"')
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})([0-9]+):([A-Z]{1,3}[0-9]+)"')
_FIRST_ROW = re.compile(rb'<row r="([0-9]+)"')
_SHEET = re.compile(rb'<sheet [^>]*?r:id="([^"]+)"')
_REL = re.compile(rb'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"')
_REL_REVERSED = re.compile(rb'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')


class FileCode(StrEnum):
    """Why a file as a whole cannot be used."""

    TOO_LARGE = "too_large"
    EMPTY = "empty"
    XLS = "xls"
    NOT_XLSX = "not_xlsx"
    NOT_CSV = "not_csv"
    ZIP_BOMB = "zip_bomb"
    NO_SHEET = "no_sheet"
    ENCODING = "encoding"
    FILE_TYPE = "file_type"
    HEADER_POSITION = "header_position"
    HEADER_MERGED = "header_merged"
    HEADERS = "headers"
    UNREADABLE = "unreadable"


class FileError(JiuyeError):
    """The file as a whole cannot be read: machine code and a Chinese message."""

    http_status: ClassVar[int] = 422


@dataclass
class SheetScan:
    """What the XML of the first worksheet shows: (column letter, row) of each finding."""

    formulas: set[tuple[str, int]] = field(default_factory=set)
    merged: list[tuple[str, int, str]] = field(default_factory=list)  # top-left + range
    first_row: int | None = None
    first_cell: str | None = None


def _setting(*names: str, default: int) -> int:
    from django.conf import settings

    for name in names:
        value = getattr(settings, name, None)
        if value is not None:
            return int(value)
    return default


def max_upload_bytes() -> int:
    return _setting("UPLOAD_MAX_BYTES", "ROSTER_MAX_UPLOAD_BYTES", default=DEFAULT_MAX_UPLOAD_BYTES)


def max_inflated_bytes() -> int:
    return _setting(
        "UPLOAD_MAX_INFLATED_BYTES", "ROSTER_MAX_INFLATED_BYTES", default=DEFAULT_MAX_INFLATED_BYTES
    )


def check_xlsx(
    path: Path,
    *,
    max_bytes: int | None = None,
    max_inflated: int | None = None,
    template: str = "模板",
    error: type[FileError] = FileError,
) -> SheetScan:
    """The container checks of an .xlsx and the scan of its first sheet.

    ``template`` names what the user should fill in ("花名册模板"); ``error`` is the
    subclass of :class:`FileError` raised (an app's own, with the same codes).
    """
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    inflated_limit = max_inflated_bytes() if max_inflated is None else max_inflated
    size = path.stat().st_size
    if size > limit:
        raise error(
            FileCode.TOO_LARGE,
            f"文件过大：{size / 2**20:.1f} MB，上限为 {limit / 2**20:.0f} MB，请分批上传",
        )
    if size == 0:
        raise error(FileCode.EMPTY, "文件为空")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        raise error(
            FileCode.XLS,
            "这是旧版 Excel（.xls）或加密的工作簿，请在 Excel 中"
            "“另存为”Excel 工作簿（.xlsx，不设密码）后再上传",
        )
    if not zipfile.is_zipfile(path):
        raise error(
            FileCode.NOT_XLSX,
            f"文件不是 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件，请用{template}填写后上传",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            sheet = _first_sheet(archive, error)
            _check_sizes(archive, inflated_limit, error)
            return _scan(archive, sheet, inflated_limit, error)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        NotImplementedError,
    ) as exc:
        raise error(FileCode.NOT_XLSX, "文件已损坏或不是 Excel 工作簿（.xlsx）") from exc


def check_header_position(
    scan: SheetScan,
    *,
    error: type[FileError] = FileError,
    empty: str = "第一个工作表是空的",
    merged_hint: str = "",
) -> None:
    """The header in row 1 from column A, not merged."""
    if scan.first_row is None:
        raise error(FileCode.EMPTY, empty)
    if scan.first_row != 1 or scan.first_cell != "A1":
        raise error(
            FileCode.HEADER_POSITION, "表头应在第1行、从A列开始，请勿在表头上方或左侧插入空行、空列"
        )
    merged = [ref for _, row, ref in scan.merged if row == 1]
    if merged:
        raise error(FileCode.HEADER_MERGED, f"表头有合并单元格（{merged[0]}）{merged_hint}")


def read_csv_text(
    path: Path,
    *,
    max_bytes: int | None = None,
    too_large: str | None = None,
    not_csv: str = "文件不是 CSV 文本（可能是改了扩展名的 Excel 或其他文件），"
    "请另存为 CSV（逗号分隔）",
    error: type[FileError] = FileError,
) -> str:
    """The text of a CSV upload: refused when too large, binary or in an unknown encoding."""
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    size = path.stat().st_size
    if size > limit:
        raise error(FileCode.TOO_LARGE, too_large or f"文件过大：{size / 2**20:.1f} MB")
    data = path.read_bytes()
    if data.startswith((OLE_MAGIC[:4], ZIP_MAGIC)) or b"\x00" in data:
        raise error(FileCode.NOT_CSV, not_csv)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise error(FileCode.ENCODING, "无法识别文件编码，请保存为 UTF-8 的 CSV") from exc


def header_problems(
    found: Sequence[str],
    expected: Sequence[str],
    *,
    required: Collection[str] | None = None,
    ignored: Collection[str] = (),
    locate: Callable[[int], str] = lambda i: f"第{i + 1}列",
) -> list[str]:
    """What is wrong with a header row: missing, unknown (renamed) and doubled columns.

    >>> header_problems(["姓名", "电话", "姓名"], ["姓名", "证件号"],
    ...                 locate=lambda i: column_letter(i) + "列")
    ['缺少列：“证件号”', '无法识别的列（可能被改名）：B列“电话”', '重复的列：“姓名”']
    """
    names = [str(name).strip() for name in found]
    needed = expected if required is None else required
    problems = []
    missing = [h for h in needed if h not in names]
    if missing:
        problems.append("缺少列：" + "、".join(f"“{h}”" for h in missing))
    extra = [
        (i, n)
        for i, n in enumerate(names)
        if n and n not in expected and n not in ignored and not n.startswith("__UNNAMED__")
    ]
    if extra:
        problems.append(
            "无法识别的列（可能被改名）：" + "、".join(f"{locate(i)}“{n}”" for i, n in extra)
        )
    doubled = sorted({n for n in names if names.count(n) > 1 and n in expected})
    if doubled:
        problems.append("重复的列：" + "、".join(f"“{h}”" for h in doubled))
    return problems


def _first_sheet(archive: zipfile.ZipFile, error: type[FileError]) -> str:
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise error(FileCode.NOT_XLSX, "压缩包中没有 Excel 工作簿，不是 .xlsx 文件")
    for info in archive.infolist():
        if info.filename in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels") and (
            info.file_size > 10 * 2**20
        ):
            raise error(FileCode.ZIP_BOMB, "工作簿结构异常（疑似压缩炸弹），已拒绝")
    found = _SHEET.search(archive.read("xl/workbook.xml"))
    rels = (
        archive.read("xl/_rels/workbook.xml.rels")
        if ("xl/_rels/workbook.xml.rels" in names)
        else b""
    )
    targets = {rid: target for rid, target in _REL.findall(rels)}
    targets.update({rid: target for target, rid in _REL_REVERSED.findall(rels)})
    if found is None or found.group(1) not in targets:
        raise error(FileCode.NO_SHEET, "工作簿中没有工作表")
    target = bytes(targets[found.group(1)]).decode()
    name = target.lstrip("/") if target.startswith("/") else "xl/" + target
    if name not in names:
        raise error(FileCode.NO_SHEET, "工作簿中没有工作表")
    return name


def _check_sizes(archive: zipfile.ZipFile, inflated_limit: int, error: type[FileError]) -> None:
    declared = sum(info.file_size for info in archive.infolist())
    if declared > inflated_limit:
        raise error(FileCode.ZIP_BOMB, "解压后体积过大（疑似压缩炸弹），已拒绝；请分批上传")
    for info in archive.infolist():
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise error(FileCode.ZIP_BOMB, "文件压缩比异常（疑似压缩炸弹），已拒绝")


def _scan(
    archive: zipfile.ZipFile, sheet: str, inflated_limit: int, error: type[FileError]
) -> SheetScan:
    scan = SheetScan()
    inflated = 0
    tail = b""
    with archive.open(sheet) as stream:
        while chunk := stream.read(_CHUNK):
            inflated += len(chunk)
            # the declared sizes can lie: count what really comes out
            if inflated > inflated_limit:
                raise error(FileCode.ZIP_BOMB, "解压后体积过大（疑似压缩炸弹），已拒绝")
            window = tail + chunk
            if scan.first_row is None and (row := _FIRST_ROW.search(window)):
                scan.first_row = int(row.group(1))
                cell = _CELL_REF.search(window, row.end())
                scan.first_cell = (cell.group(1) + cell.group(2)).decode() if cell else None
            _find_formulas(window, scan)
            for col, row_no, end in _MERGE.findall(window):
                if len(scan.merged) < MAX_CELL_FINDINGS:
                    scan.merged.append(
                        (col.decode(), int(row_no), f"{col.decode()}{int(row_no)}:{end.decode()}")
                    )
            tail = window[-_OVERLAP:]
    scan.merged = sorted(set(scan.merged), key=lambda m: (m[1], m[0]))
    return scan


def _find_formulas(window: bytes, scan: SheetScan) -> None:
    for match in _FORMULA.finditer(window):
        if len(scan.formulas) >= MAX_CELL_FINDINGS:
            return
        start = window.rfind(b"<c ", 0, match.start())
        cell = _CELL_REF.match(window, start) if start >= 0 else None
        if cell is not None:
            scan.formulas.add((cell.group(1).decode(), int(cell.group(2))))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA.

    >>> column_letter(0), column_letter(25), column_letter(26)
    ('A', 'Z', 'AA')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
