"""Checks of the uploaded file before any spreadsheet parser sees it.

An .xlsx is a zip of XML parts. We refuse: anything over the size limit; an OLE
compound file (.xls, or an encrypted workbook) with a request to save as .xlsx;
anything that is not a zip holding a workbook (e.g. a renamed text file); a zip whose
parts would inflate past the limit or by an absurd ratio (a zip bomb). The first
worksheet's XML is then streamed once (counting the bytes really inflated) to find
formulas and merged cells, which calamine would silently read as values or blanks.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_INFLATED_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200          # plain sheet XML inflates 5–40×; bombs inflate 1000× and more
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


class RosterFileError(ValueError):
    """The file as a whole cannot be read: machine code and a Chinese message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class SheetScan:
    """What the XML of the first worksheet shows: (column letter, row) of each finding."""

    formulas: set[tuple[str, int]] = field(default_factory=set)
    merged: list[tuple[str, int, str]] = field(default_factory=list)  # top-left + range
    first_row: int | None = None
    first_cell: str | None = None


def max_upload_bytes() -> int:
    return int(getattr(settings, "ROSTER_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def max_inflated_bytes() -> int:
    return int(getattr(settings, "ROSTER_MAX_INFLATED_BYTES", DEFAULT_MAX_INFLATED_BYTES))


def check_file(path: Path, *, max_bytes: int | None = None,
               max_inflated: int | None = None) -> SheetScan:
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    inflated_limit = max_inflated_bytes() if max_inflated is None else max_inflated
    size = path.stat().st_size
    if size > limit:
        raise RosterFileError("too_large", f"文件过大：{size / 2**20:.1f} MB，"
                                           f"上限为 {limit / 2**20:.0f} MB，请分批上传")
    if size == 0:
        raise RosterFileError("empty", "文件为空")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        raise RosterFileError("xls", "这是旧版 Excel（.xls）或加密的工作簿，请在 Excel 中"
                                     "“另存为”Excel 工作簿（.xlsx，不设密码）后再上传")
    if not zipfile.is_zipfile(path):
        raise RosterFileError("not_xlsx", "文件不是 Excel 工作簿（.xlsx），可能是改了扩展名"
                                          "的其他文件，请用花名册模板填写后上传")
    try:
        with zipfile.ZipFile(path) as archive:
            sheet = _first_sheet(archive)
            _check_sizes(archive, size, inflated_limit)
            return _scan(archive, sheet, inflated_limit)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError,
            NotImplementedError) as exc:
        raise RosterFileError("not_xlsx", "文件已损坏或不是 Excel 工作簿（.xlsx）") from exc


def _first_sheet(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise RosterFileError("not_xlsx", "压缩包中没有 Excel 工作簿，不是 .xlsx 文件")
    for info in archive.infolist():
        if info.filename in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels") and (
                info.file_size > 10 * 2**20):
            raise RosterFileError("zip_bomb", "工作簿结构异常（疑似压缩炸弹），已拒绝")
    found = _SHEET.search(archive.read("xl/workbook.xml"))
    rels = archive.read("xl/_rels/workbook.xml.rels") if (
        "xl/_rels/workbook.xml.rels" in names) else b""
    targets = {rid: target for rid, target in _REL.findall(rels)}
    targets.update({rid: target for target, rid in _REL_REVERSED.findall(rels)})
    if found is None or found.group(1) not in targets:
        raise RosterFileError("no_sheet", "工作簿中没有工作表")
    target = bytes(targets[found.group(1)]).decode()
    name = target.lstrip("/") if target.startswith("/") else "xl/" + target
    if name not in names:
        raise RosterFileError("no_sheet", "工作簿中没有工作表")
    return name


def _check_sizes(archive: zipfile.ZipFile, size: int, inflated_limit: int) -> None:
    declared = sum(info.file_size for info in archive.infolist())
    if declared > inflated_limit:
        raise RosterFileError("zip_bomb", "解压后体积过大（疑似压缩炸弹），已拒绝；"
                                          "请分批上传")
    for info in archive.infolist():
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise RosterFileError("zip_bomb", "文件压缩比异常（疑似压缩炸弹），已拒绝")


def _scan(archive: zipfile.ZipFile, sheet: str, inflated_limit: int) -> SheetScan:
    scan = SheetScan()
    inflated = 0
    tail = b""
    with archive.open(sheet) as stream:
        while chunk := stream.read(_CHUNK):
            inflated += len(chunk)
            # the declared sizes can lie: count what really comes out
            if inflated > inflated_limit:
                raise RosterFileError("zip_bomb", "解压后体积过大（疑似压缩炸弹），已拒绝")
            window = tail + chunk
            if scan.first_row is None and (row := _FIRST_ROW.search(window)):
                scan.first_row = int(row.group(1))
                cell = _CELL_REF.search(window, row.end())
                scan.first_cell = (cell.group(1) + cell.group(2)).decode() if cell else None
            _find_formulas(window, scan)
            for col, row_no, end in _MERGE.findall(window):
                if len(scan.merged) < MAX_CELL_FINDINGS:
                    scan.merged.append((col.decode(), int(row_no),
                                        f"{col.decode()}{int(row_no)}:{end.decode()}"))
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
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
