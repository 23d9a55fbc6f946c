"""The parts of an .xlsx inflated and measured as a reader would see them, not as the zip says.

A reader (calamine behind fastexcel) holds the cells of a worksheet as one dense block
from its first to its last cell, ~32 bytes a cell: one cell at ``XFD1048576`` next to
``A1`` asks for 512 GiB and aborts the process. It also inflates a part for as long as
the compressed stream runs, whatever size the zip's directory declares. So before any
reader sees the file:

* :func:`inflate` streams each part's compressed bytes through zlib itself, stops as
  soon as the output passes the size the directory declares, and requires that size
  and the CRC exactly at the end (the declared sizes are then a true bound);
* :func:`sheet_extent` streams a worksheet's XML and finds the last row and column any
  cell can land on, exactly as calamine places cells (a cell's own ``r``, else the
  next column of the row; a row's ``r``, else the row after the last), and refuses a
  sheet past the limits the moment a cell goes beyond them.

The common case (every cell written ``<c r="B7"``…, as Excel, WPS, LibreOffice,
openpyxl and xlsxwriter do) is checked with a few linear passes of Rust's regex engine
through Polars; anything else (prefixed elements, cells without ``r``, a second ``r``,
other quoting, another encoding) is parsed with expat, element by element.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import BinaryIO
from xml.parsers import expat

__all__ = [
    "MAX_CELL_FINDINGS",
    "Extent",
    "Limits",
    "Refused",
    "SheetScan",
    "central_directory_size",
    "column_number",
    "inflate",
    "letters_greater",
    "number_greater",
    "pieces",
    "sheet_extent",
]

CHUNK = 4 * 1024 * 1024  # inflated bytes per step
PIECE = 8 * 1024 * 1024  # sheet XML scanned at a time
MAX_CELL_FINDINGS = 10_000
MAX_SPAN = 4 * 1024 * 1024  # the longest run of sheet XML without a '>' (one tag or text)
_LOCAL = struct.Struct("<4s5H3L2H")
_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


class Refused(Exception):
    """A part or sheet that no reader may be given: a machine code and a Chinese message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int
    cells: int  # rows × columns of the block from A1 to the last cell


@dataclass
class SheetScan:
    """What the XML of the first worksheet shows: (column letter, row) of each finding."""

    formulas: set[tuple[str, int]] = field(default_factory=set)
    merged: list[tuple[str, int, str]] = field(default_factory=list)  # top-left + range
    first_row: int | None = None
    first_cell: str | None = None
    rows: int = 0  # the last row and column a cell of the sheet lands on
    columns: int = 0


@dataclass
class Extent:
    """The last row and column a cell of the sheet lands on (1-based; 0: no cell)."""

    rows: int = 0
    columns: int = 0
    cell: str = ""  # the reference that set the larger of the two, for the message


# ---------------------------------------------------------------- the zip's directory


def central_directory_size(handle: BinaryIO) -> int:
    """The byte size of the zip's central directory, read from its end record.

    Python's zipfile builds an object for every entry of the directory before it can be
    asked anything, so the directory is measured first.
    """
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(max(0, size - (_EOCD.size + 65_535)))
    tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        raise Refused("not_xlsx", "文件已损坏或不是 Excel 工作簿（.xlsx）")
    directory = _EOCD.unpack_from(tail, at)[5]
    if directory != 0xFFFFFFFF or at < _ZIP64_LOCATOR.size:
        return int(directory)
    locator = _ZIP64_LOCATOR.unpack_from(tail, at - _ZIP64_LOCATOR.size)
    if locator[0] != b"PK\x06\x07":
        return int(directory)
    handle.seek(locator[2])
    record = handle.read(_ZIP64_EOCD.size)
    if len(record) < _ZIP64_EOCD.size or record[:4] != b"PK\x06\x06":
        raise Refused("not_xlsx", "文件已损坏或不是 Excel 工作簿（.xlsx）")
    return int(_ZIP64_EOCD.unpack(record)[8])


def inflate(handle: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The bytes of one part as a reader gets them, at most :data:`CHUNK` at a time.

    Refused: encrypted or exotically compressed parts, a stream that inflates past the
    size the directory declares (checked as it goes, so a 3 GB stream declared as 1 KB
    costs one chunk), and one that ends short of it or with another CRC.
    """
    name = info.filename
    if info.flag_bits & 0x1:
        raise Refused("not_xlsx", f"部件“{name}”已加密，请在 Excel 中取消加密后另存为 .xlsx")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise Refused(
            "not_xlsx", f"部件“{name}”使用了 Excel 不使用的压缩方式，请用 Excel 另存为 .xlsx"
        )
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL.size)
    if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise Refused("not_xlsx", "文件已损坏或不是 Excel 工作簿（.xlsx）")
    name_length, extra_length = _LOCAL.unpack(header)[-2:]
    handle.seek(info.header_offset + _LOCAL.size + name_length + extra_length)
    left, declared = info.compress_size, info.file_size
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type else None
    produced, crc = 0, 0
    while True:
        if inflater is not None and inflater.unconsumed_tail:
            data = inflater.decompress(inflater.unconsumed_tail, CHUNK)
        elif left > 0 and not (inflater is not None and inflater.eof):
            raw = handle.read(min(CHUNK, left))
            if not raw:
                break
            left -= len(raw)
            data = raw if inflater is None else inflater.decompress(raw, CHUNK)
        else:
            break
        produced += len(data)
        if produced > declared:
            raise Refused(
                "zip_bomb",
                f"部件“{name}”解压后的实际大小超过其声明的 {declared} 字节（疑似压缩炸弹），已拒绝",
            )
        if data:
            crc = zlib.crc32(data, crc)
            yield data
    if produced != declared or crc != info.CRC or (inflater is not None and not inflater.eof):
        raise Refused("not_xlsx", f"文件已损坏：部件“{name}”不完整或校验不符，请重新保存后上传")


def pieces(chunks: Iterator[bytes], size: int = PIECE) -> Iterator[bytes]:
    """The stream in pieces of about ``size`` bytes, each cut after its last '>' so that no
    tag is split between two pieces (each byte copied once)."""
    buffered: list[bytes | memoryview] = []
    length = 0
    for chunk in chunks:
        if length + len(chunk) < size:
            buffered.append(chunk)
            length += len(chunk)
            continue
        cut = chunk.rfind(b">") + 1
        if cut == 0:
            buffered.append(chunk)
            length += len(chunk)
            if length > size + MAX_SPAN:
                raise _too_long()
            continue
        buffered.append(memoryview(chunk)[:cut])
        yield b"".join(buffered)
        rest = chunk[cut:]
        if len(rest) > MAX_SPAN:
            raise _too_long()
        buffered, length = [rest], len(rest)
    if length:
        yield b"".join(buffered)


def _too_long() -> Refused:
    return Refused(
        "not_xlsx", "工作表中有超长的单元格或标签（超过 4 MiB），Excel 不会写出这样的文件"
    )


# ---------------------------------------------------------------- cell references


def column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384 (case as calamine: either).

    >>> column_number("A"), column_number("AF"), column_number("xfd")
    (1, 32, 16384)
    """
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def number_greater(limit: int) -> str:
    """A regex (no look-around, so Rust's engine runs it) for decimal numbers above ``limit``,
    written without leading zeros.

    >>> number_greater(0)
    '[1-9][0-9]*'
    >>> number_greater(5019).split("|")
    ['[1-9][0-9]{4,}', '50[2-9][0-9]', '5[1-9][0-9]{2}', '[6-9][0-9]{3}']
    """
    if limit <= 0:
        return "[1-9][0-9]*"
    text = str(limit)
    options = [f"[1-9][0-9]{{{len(text)},}}"]
    for index in range(len(text) - 1, -1, -1):
        digit = int(text[index])
        if digit == 9:
            continue
        rest = len(text) - index - 1
        tail = "" if rest == 0 else ("[0-9]" if rest == 1 else f"[0-9]{{{rest}}}")
        low = digit + 1
        options.append(text[:index] + (str(low) if low == 9 else f"[{low}-9]") + tail)
    return "|".join(options)


def letters_greater(limit: int) -> str:
    """A regex for column letters (one to three, upper case) of a column above ``limit``.

    >>> letters_greater(0), letters_greater(12), letters_greater(32)
    ('[A-Z]{1,3}', '[A-Z]{2,3}|[M-Z]', '[A-Z]{3}|[B-Z][A-Z]|A[G-Z]')
    """
    if limit <= 0:
        return "[A-Z]{1,3}"
    if limit >= 26**3 + 26**2 + 26:  # past ZZZ: only four letters are further right
        return "[A-Z]{4}"
    text = _letters(limit)
    options = []
    if len(text) < 3:
        options.append(f"[A-Z]{{{len(text) + 1},3}}" if len(text) == 1 else "[A-Z]{3}")
    for index in range(len(text)):
        char = text[index]
        if char == "Z":
            continue
        rest = len(text) - index - 1
        tail = "" if rest == 0 else ("[A-Z]" if rest == 1 else f"[A-Z]{{{rest}}}")
        low = chr(ord(char) + 1)
        options.append(text[:index] + (low if low == "Z" else f"[{low}-Z]") + tail)
    return "|".join(options)


_REF = re.compile(r"([A-Za-z]+)([0-9]+)")
_DIGITS = re.compile(rb"[0-9]{1,9}")
_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"')
_CELL_COLUMNS = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_DIMENSION = re.compile(
    rb"<(?:[A-Za-z_][\w.\-]*:)?dimension\b[^>]*?\sref\s*=\s*[\"']([^\"']*)[\"']"
)
_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)[\"']")


def parse_reference(text: str) -> tuple[int, int]:
    """(row, column) of a cell reference such as ``B7``; refused when it is none."""
    match = _REF.fullmatch(text)
    if match is None:
        raise Refused("not_xlsx", f"单元格地址“{text[:20]}”无法识别，文件已损坏")
    letters, digits = match.groups()
    # more than 3 letters or 7 digits is past any limit: keep the numbers small
    column = column_number(letters) if len(letters) <= 3 else 26**4
    row = int(digits) if len(digits) <= 8 else 10**8
    return row, column


# ---------------------------------------------------------------- the extent of a sheet


class _Bound:
    """The extent so far and the limits, refusing as soon as a cell passes one."""

    def __init__(self, limits: Limits, sheet: str) -> None:
        self.limits, self.sheet, self.extent = limits, sheet, Extent()

    def cell(self, row: int, column: int, ref: str) -> None:
        extent = self.extent
        if row > extent.rows or column > extent.columns:
            extent.rows, extent.columns = max(row, extent.rows), max(column, extent.columns)
            extent.cell = ref
            self.check()

    def check(self, *, declared: str = "") -> None:
        extent, limits = self.extent, self.limits
        if (
            extent.rows > limits.rows
            or extent.columns > limits.columns
            or extent.rows * extent.columns > limits.cells
        ):
            if declared:
                where = f"声明的范围为 {declared}"
            else:
                where = f"有内容的单元格远至 {extent.cell}" if extent.cell else "有内容的单元格"
            raise Refused(
                "sheet_too_large",
                f"{self.sheet}过大：{where}（{extent.rows} 行 × {extent.columns} 列），"
                f"上限为 {limits.rows} 行、{limits.columns} 列、共 {limits.cells} 个单元格。"
                "请删除表格下方和右侧多余的行列后另存，或分批上传",
            )

    def dimension(self, ref: bytes) -> None:
        text = ref.decode("ascii", "replace").strip()
        try:
            last = parse_reference(text.rpartition(":")[2].replace("$", ""))
        except Refused:
            raise Refused(
                "not_xlsx", f"{self.sheet}的范围声明“{text[:40]}”无法识别，文件已损坏"
            ) from None
        probe = _Bound(self.limits, self.sheet)
        probe.extent = Extent(*last, cell=text)
        probe.check(declared=text)


_ODD = "|".join(
    (
        r'<c(?:[\t\n\r/>]| [^r]| r[^=]| r=[^"])',  # a cell whose first attribute is not r="
        r'<c r="(?:[^A-Z]|[A-Z]{4}|[A-Z]{1,3}(?:[^A-Z0-9]|[0-9]{8}|[0-9]{1,7}[^0-9"]))',
        r":(?:c|row)[\t\n\r />]",  # a prefixed cell or row
        r"[\"'][ \t\n\r]*r[ \t\n\r]*=",  # an r attribute after another (calamine takes the last)
    )
)
_FORMULA_MARK = "<f[ >/]"
_MARKS = f"{_ODD}|{_FORMULA_MARK}"


@lru_cache(maxsize=256)
def _rows_beyond(rows: int) -> str:
    """Cells below row ``rows`` (Rust regex; references already known well formed)."""
    return f'<c r="[A-Z]{{1,3}}0*(?:{number_greater(rows)})"'


@lru_cache(maxsize=256)
def _columns_beyond(columns: int) -> str:
    """Cells right of column ``columns``."""
    return f'<c r="(?:{letters_greater(columns)})[0-9]'


def sheet_extent(
    reopen: Callable[[], Iterator[bytes]],
    limits: Limits,
    *,
    sheet: str = "工作表",
    findings: SheetScan | None = None,
) -> Extent:
    """The extent of the worksheet whose XML ``reopen()`` streams; refused past ``limits``.

    ``findings`` (the first sheet's) collects formulas, merged cells and where the first
    row starts. If the fast path gives up, the stream is read again with expat.
    """
    extent = _fast_extent(reopen(), limits, sheet, _Findings(findings) if findings else None)
    if extent is None:
        extent = _exact_extent(reopen(), limits, sheet, _Findings(findings) if findings else None)
    if findings is not None:
        findings.rows, findings.columns = extent.rows, extent.columns
    return extent


def _fast_extent(
    chunks: Iterator[bytes], limits: Limits, sheet: str, findings: _Findings | None
) -> Extent | None:
    """Every cell's own reference, read with Rust's regex engine; None: take expat."""
    import polars as pl

    bound = _Bound(limits, sheet)
    rows = 0  # the last row number written on a <row r=…> so far
    first = prologue = True
    for piece in pieces(chunks):
        if first:
            first = False
            declared = _DECLARATION.match(piece)
            if declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8"):
                return None
        if b"\0" in piece:
            return None  # UTF-16 or worse: expat decodes it
        if prologue:
            # calamine reads <dimension> before <sheetData> only (and expands no DTD)
            data = piece.find(b"sheetData")
            prologue = data < 0
            for ref in _DIMENSION.findall(piece, 0, len(piece) if prologue else data):
                bound.dimension(ref)
        last_row = piece.rfind(b'<row r="')
        if last_row >= 0 and (digits := _DIGITS.match(piece, last_row + 8)) is not None:
            rows = max(rows, int(digits.group()))
        # the columns of the first cells (the header row) as a start: usually all of them
        for letters in set(_CELL_COLUMNS.findall(piece, 0, 65_536)):
            if (number := column_number(letters.decode())) > bound.extent.columns:
                bound.extent.columns = number
                bound.extent.cell = _offender(piece, _columns_beyond(number - 1))
        known = bound.extent.columns
        if known > limits.columns:
            _grow_rows(bound, piece, rows)  # refused, with the cell named
        try:
            frame = pl.DataFrame({"xml": pl.Series([piece], dtype=pl.Binary).cast(pl.String)})
        except pl.exceptions.InvalidOperationError:
            return None  # not UTF-8: expat decides
        text = pl.col("xml")
        merges = b"<mergeCell " in piece
        # one pass of the DFA over the piece tells whether anything needs a closer look
        marks = f"{_MARKS}|{_rows_beyond(rows)}|{_columns_beyond(known)}"
        if not frame.select(text.str.contains(marks)).item():
            if findings is not None:
                findings.feed(piece, formulas=False, merges=merges)
            _grow_rows(bound, piece, rows)
            continue
        found = frame.select(
            odd=text.str.contains(_ODD),
            formula=text.str.contains(_FORMULA_MARK),
            below=text.str.contains(_rows_beyond(rows)),
            right=text.str.contains(_columns_beyond(known)),
        ).row(0, named=True)
        if found["odd"]:
            return None
        if findings is not None:
            findings.feed(piece, formulas=found["formula"], merges=merges)
        column = frame.to_series()
        if found["below"]:
            return None  # a cell below every row written so far: count exactly
        if found["right"]:
            if column.str.contains(_columns_beyond(limits.columns))[0]:
                ref = _offender(piece, _columns_beyond(limits.columns))
                bound.extent.columns = parse_reference(ref)[1] if ref else limits.columns + 1
                bound.extent.cell = ref
            else:
                bound.extent.columns = _last_column(column, known, limits.columns)
        _grow_rows(bound, piece, rows)
    return bound.extent


def _grow_rows(bound: _Bound, piece: bytes, rows: int) -> None:
    """The rows of a piece holding cells reach the last row written so far; then the
    limits are checked."""
    if b'<c r="' in piece:
        bound.extent.rows = max(bound.extent.rows, rows)
        if bound.extent.rows > bound.limits.rows:
            pattern = _rows_beyond(bound.limits.rows)
            bound.extent.cell = _offender(piece, pattern) or f"第{rows}行"
    bound.check()


def _offender(piece: bytes, pattern: str) -> str:
    """The reference of the first cell of ``piece`` that ``pattern`` finds (for the message)."""
    match = re.search(pattern.encode(), piece)
    if match is None:
        return ""
    ref = _CELL.match(piece, match.start())
    return ref.group(1).decode() if ref else ""


def _last_column(text: object, known: int, limit: int) -> int:
    """The last column a cell of ``text`` (a one-string Series) names, some cell being right
    of ``known`` and none right of ``limit``: a bisection, one regex pass a step."""
    low, high = known, limit
    while high - low > 1:
        middle = (low + high) // 2
        if text.str.contains(_columns_beyond(middle))[0]:  # type: ignore[attr-defined]
            low = middle
        else:
            high = middle
    return high


def _doctype() -> Refused:
    return Refused("not_xlsx", "文件含有 Excel 不会写入的 XML 声明（DOCTYPE/ENTITY），已拒绝")


_FORMULA = re.compile(rb"<f[ >/]")
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"')
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})([0-9]+):([A-Z]{1,3}[0-9]+)"')
_FIRST_ROW = re.compile(rb'<row r="([0-9]+)"')


class _Findings:
    """Formulas, merged cells and the header's position, from the pieces of the first
    sheet's XML (every tag whole in one piece; a cell's formula may follow in the next)."""

    def __init__(self, scan: SheetScan) -> None:
        self.scan = scan
        self.last_cell: tuple[str, int] | None = None
        # a second reading (expat's) after the first found the header row but not its cell
        self.want_first_cell = scan.first_row is not None and scan.first_cell is None

    def feed(self, piece: bytes, *, formulas: bool = True, merges: bool = True) -> None:
        scan = self.scan
        start = 0
        if scan.first_row is None and (row := _FIRST_ROW.search(piece)):
            scan.first_row = int(row.group(1))
            self.want_first_cell, start = True, row.end()
        if self.want_first_cell and (cell := _CELL_REF.search(piece, start)):
            scan.first_cell = (cell.group(1) + cell.group(2)).decode()
            self.want_first_cell = False
        if formulas:
            self._formulas(piece)
        last = piece.rfind(b"<c ")
        if last >= 0 and (cell := _CELL_REF.match(piece, last)):
            self.last_cell = (cell.group(1).decode(), int(cell.group(2)))
        if merges:
            for col, row_no, end in _MERGE.findall(piece):
                if len(scan.merged) < MAX_CELL_FINDINGS:
                    top = f"{col.decode()}{int(row_no)}"
                    scan.merged.append((col.decode(), int(row_no), f"{top}:{end.decode()}"))

    def _formulas(self, piece: bytes) -> None:
        scan = self.scan
        for match in _FORMULA.finditer(piece):
            if len(scan.formulas) >= MAX_CELL_FINDINGS:
                return
            start = piece.rfind(b"<c ", 0, match.start())
            if start < 0:
                if self.last_cell is not None:  # the cell opened in the previous piece
                    scan.formulas.add(self.last_cell)
                continue
            cell = _CELL_REF.match(piece, start)
            if cell is not None:
                scan.formulas.add((cell.group(1).decode(), int(cell.group(2))))


class _Cursor:
    """Where calamine puts the next cell: the row of the last ``<row r>`` (else one past
    the previous row) and the column after the previous cell (or its own ``r``)."""

    def __init__(self, bound: _Bound) -> None:
        self.bound, self.row, self.column = bound, 1, 1

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            ref = attributes.get("r")
            if ref is None:
                row, column = self.row, self.column
                ref = f"{_letters(column)}{row}"
            else:
                row, column = parse_reference(ref)
            self.column = column + 1
            self.bound.cell(row, column, ref)
        elif local == "row":
            ref = attributes.get("r")
            if ref is not None:
                if not ref.isdigit():
                    raise Refused("not_xlsx", f"行号“{ref[:20]}”无法识别，文件已损坏")
                self.row = int(ref) if len(ref) <= 8 else 10**8
        elif local == "dimension" and "ref" in attributes:
            self.bound.dimension(attributes["ref"].encode())

    def end(self, name: str) -> None:
        if name.rpartition(":")[2] == "row":
            self.row, self.column = self.row + 1, 1


def _exact_extent(
    chunks: Iterator[bytes], limits: Limits, sheet: str, findings: _Findings | None
) -> Extent:
    bound = _Bound(limits, sheet)
    cursor = _Cursor(bound)
    parser = expat.ParserCreate()
    parser.StartElementHandler = cursor.start
    parser.EndElementHandler = cursor.end

    def refuse(*_: object) -> None:
        raise _doctype()

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        for piece in pieces(chunks):
            if findings is not None:
                findings.feed(piece)
            parser.Parse(piece, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise Refused("not_xlsx", "工作表的 XML 有误，文件已损坏，请用 Excel 另存为 .xlsx") from exc
    return bound.extent
