"""Checks of an uploaded .xlsx or .csv before any parser sees it: one place for every upload.

An .xlsx is a zip of XML parts. We refuse: anything over the size limit; an OLE
compound file (.xls, or an encrypted workbook) with a request to save as .xlsx;
anything that is not a zip holding a workbook (e.g. a renamed text file); a zip whose
directory is oversized, holds a name twice, or declares parts that would inflate past
the limit or by an absurd ratio (a zip bomb). Every part is then inflated by
:mod:`jiuye.core.ooxml` itself, held to the size its directory declares (a part that
declares 1 KB and inflates to 3 GB is refused after the first megabyte), and every
worksheet's XML is streamed once for the last row and column any cell lands on: a
sheet whose declared ``<dimension>`` or real cells pass the row, column or
rows × columns limit is refused before calamine would allocate its dense block
(one cell at ``XFD1048576`` asks it for 512 GiB). The first worksheet's stream also
yields its formulas and merged cells, which calamine would silently read as values or
blanks.

A .csv must be text (no zip or OLE header, no NUL byte) in UTF-8 (BOM or not) or
GB18030. Rosters, the bureau's division files and the reference figures use these
checks; each reads its own columns afterwards. The limits come from settings
(``UPLOAD_MAX_BYTES``, ``UPLOAD_MAX_INFLATED_BYTES``, the roster's older names
``ROSTER_MAX_UPLOAD_BYTES``/``ROSTER_MAX_INFLATED_BYTES``; ``UPLOAD_MAX_ROWS``,
``UPLOAD_MAX_COLUMNS``, ``UPLOAD_MAX_CELLS``).

Files holding personal data are written owner-only: :func:`private_dir` (0700) and
:func:`write_private` / :func:`open_private` (0600).
"""

from __future__ import annotations

import os
import posixpath
import zipfile
from collections.abc import Callable, Collection, Sequence
from enum import StrEnum
from pathlib import Path
from typing import IO, BinaryIO, ClassVar
from xml.parsers import expat

from jiuye.core.errors import JiuyeError
from jiuye.core.ooxml import (
    Limits,
    Refused,
    SheetScan,
    central_directory_size,
    inflate,
    sheet_extent,
)

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
    "open_private",
    "private_dir",
    "read_csv_text",
    "sheet_limits",
    "write_private",
]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_INFLATED_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # plain sheet XML inflates 5–40×; bombs inflate 1000× and more
# Rows, columns and cells of a worksheet (settings UPLOAD_MAX_ROWS, _COLUMNS, _CELLS):
# a sheet of Excel holds 1,048,576 rows (the registry's benchmark roster has 1,000,000);
# the widest template has 12 columns plus 错误说明, so 32 leaves room; rows × columns
# stops at a full-length sheet 16 columns wide, what the largest real roster costs the
# reader (~64 bytes a cell of the block: 1 GiB), whatever the file's shape.
DEFAULT_MAX_ROWS = 1_048_576
DEFAULT_MAX_COLUMNS = 32
DEFAULT_MAX_CELLS = 1_048_576 * 16
MAX_DIRECTORY_BYTES = 1024 * 1024  # a workbook's zip directory is a few KB
MAX_PARTS = 10_000
MAX_WORKBOOK_PART_BYTES = 10 * 1024 * 1024


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


def sheet_limits() -> Limits:
    """The largest worksheet an upload may hold (settings ``UPLOAD_MAX_ROWS``,
    ``UPLOAD_MAX_COLUMNS``, ``UPLOAD_MAX_CELLS``)."""
    return Limits(
        rows=_setting("UPLOAD_MAX_ROWS", default=DEFAULT_MAX_ROWS),
        columns=_setting("UPLOAD_MAX_COLUMNS", default=DEFAULT_MAX_COLUMNS),
        cells=_setting("UPLOAD_MAX_CELLS", default=DEFAULT_MAX_CELLS),
    )


def check_xlsx(
    path: Path,
    *,
    max_bytes: int | None = None,
    max_inflated: int | None = None,
    limits: Limits | None = None,
    template: str = "模板",
    error: type[FileError] = FileError,
) -> SheetScan:
    """The container checks of an .xlsx, every part inflated and every sheet measured,
    and the findings of its first sheet.

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
        with path.open("rb") as handle:
            if central_directory_size(handle) > MAX_DIRECTORY_BYTES:
                raise error(FileCode.ZIP_BOMB, "压缩包目录异常庞大（疑似压缩炸弹），已拒绝")
            with zipfile.ZipFile(handle) as archive:
                return _check_archive(
                    archive, handle, inflated_limit, limits or sheet_limits(), error
                )
    except Refused as refused:
        raise error(refused.code, refused.message) from None
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


def _check_archive(
    archive: zipfile.ZipFile,
    handle: BinaryIO,
    inflated_limit: int,
    limits: Limits,
    error: type[FileError],
) -> SheetScan:
    infos = archive.infolist()
    names = [info.filename for info in infos]
    folded = {name.lower().replace("\\", "/") for name in names}
    if len(infos) > MAX_PARTS or len(folded) != len(names):
        raise error(FileCode.NOT_XLSX, "压缩包结构异常（部件过多或重名），不是 Excel 保存的 .xlsx")
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise error(FileCode.NOT_XLSX, "压缩包中没有 Excel 工作簿，不是 .xlsx 文件")
    _check_sizes(infos, inflated_limit, error)
    by_name = {info.filename: info for info in infos}
    sheets = _sheets(handle, by_name, error)
    scan = SheetScan()
    measured = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
    for number, (title, name) in enumerate(sheets, start=1):
        if name in measured or name not in by_name:
            continue
        measured.add(name)
        info = by_name[name]
        extent = sheet_extent(
            lambda info=info: inflate(handle, info),  # type: ignore[misc]
            limits,
            sheet=f"第{number}个工作表“{title}”",
            findings=scan if number == 1 else None,
        )
        if number == 1:
            scan.rows, scan.columns = extent.rows, extent.columns
    for info in infos:
        if info.filename not in measured:
            for _ in inflate(handle, info):
                pass  # the real size of every other part, held to its declared size
    scan.merged = sorted(set(scan.merged), key=lambda m: (m[1], m[0]))
    return scan


def _sheets(
    handle: BinaryIO, by_name: dict[str, zipfile.ZipInfo], error: type[FileError]
) -> list[tuple[str, str]]:
    """(title, part name) of every sheet in the workbook's order, found as calamine finds
    them: ``<sheet>`` elements (any prefix) of xl/workbook.xml whose ``r:id`` (or
    ``relationships:id``) names a ``<Relationship>`` of xl/_rels/workbook.xml.rels; the
    target under ``xl/`` unless it starts with ``xl/`` or ``/xl/``, matched without
    regard to case. Both XML parts are parsed with expat, so no quoting or prefix can
    hide a sheet. The first sheet must exist."""
    for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        info = by_name.get(name)
        if info is not None and info.file_size > MAX_WORKBOOK_PART_BYTES:
            raise error(FileCode.ZIP_BOMB, "工作簿结构异常（疑似压缩炸弹），已拒绝")
    rels_info = by_name.get("xl/_rels/workbook.xml.rels")
    rels = _elements(_read(handle, rels_info), "Relationship") if rels_info else []
    targets = {a["Id"]: a["Target"] for a in rels if "Id" in a and "Target" in a}
    lower = {name.lower(): name for name in by_name}
    sheets = []
    elements = _elements(_read(handle, by_name["xl/workbook.xml"]), "sheet")
    for number, attributes in enumerate(elements, start=1):
        rid = attributes.get("r:id", attributes.get("relationships:id"))
        target = targets.get(rid) if rid is not None else None
        parts = [lower[p.lower()] for p in _sheet_paths(target or "") if p.lower() in lower]
        if number == 1 and (target is None or not parts):
            break  # the sheet a reader loads first is missing
        sheets += [(attributes.get("name", ""), part) for part in parts]
    if not sheets:
        raise error(FileCode.NO_SHEET, "工作簿中没有工作表")
    return sheets


def _sheet_paths(target: str) -> list[str]:
    """Where a reader may look for a sheet's part: calamine's rule and the normalised path."""
    if target.startswith("/xl/"):
        literal = target[1:]
    elif target.startswith("xl/"):
        literal = target
    else:
        literal = "xl/" + target
    paths = [literal, posixpath.normpath(literal.replace("\\", "/")).lstrip("/")]
    return list(dict.fromkeys(paths))


def _elements(data: bytes, local: str) -> list[dict[str, str]]:
    """The attributes of every element named ``local`` (with or without a prefix)."""
    found: list[dict[str, str]] = []
    parser = expat.ParserCreate()

    def start(name: str, attributes: dict[str, str]) -> None:
        if name.rpartition(":")[2] == local:
            found.append(attributes)

    def refuse(*_: object) -> None:
        raise Refused("not_xlsx", "文件含有 Excel 不会写入的 XML 声明（DOCTYPE/ENTITY），已拒绝")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise Refused("not_xlsx", "工作簿结构的 XML 有误，文件已损坏") from exc
    return found


def _read(handle: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    return b"".join(inflate(handle, info))


def _check_sizes(infos: list[zipfile.ZipInfo], inflated_limit: int, error: type[FileError]) -> None:
    """What the directory declares: the real sizes are then held to these by inflate."""
    declared = sum(info.file_size for info in infos)
    if declared > inflated_limit:
        raise error(FileCode.ZIP_BOMB, "解压后体积过大（疑似压缩炸弹），已拒绝；请分批上传")
    for info in infos:
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise error(FileCode.ZIP_BOMB, "文件压缩比异常（疑似压缩炸弹），已拒绝")


def private_dir(path: Path) -> Path:
    """``path`` (and missing parents) as a directory only its owner can enter (0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def open_private(path: Path) -> IO[bytes]:
    """``path`` opened for writing, created or truncated, readable by its owner only (0600)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT
    return os.fdopen(descriptor, "wb")


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with mode 0600."""
    with open_private(path) as handle:
        handle.write(data)


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
