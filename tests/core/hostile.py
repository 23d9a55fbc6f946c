"""Small .xlsx files built part by part, honest or lying, for the upload-check tests.

``workbook`` writes a minimal valid workbook with zipfile (true sizes); ``raw_zip``
writes the zip by hand so that a part may declare one size and inflate to another;
``repeated_deflate`` makes a raw deflate stream that inflates to gigabytes from a few
megabytes (each megabyte compressed once after a full flush, then repeated).
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
    b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def workbook_xml(count: int) -> bytes:
    sheets = b"".join(
        b'<sheet name="S%d" sheetId="%d" r:id="rId%d"/>' % (i, i, i) for i in range(1, count + 1)
    )
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + MAIN + b" xmlns:r="
        b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b"<sheets>" + sheets + b"</sheets></workbook>"
    )


def workbook_rels(count: int) -> bytes:
    rels = b"".join(
        b'<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i, i)
        for i in range(1, count + 1)
    )
    strings = (
        b'<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' % (count + 1)
    )
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
        b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + rels
        + strings
        + b"</Relationships>"
    )


def sheet(body: bytes, *, dimension: str | None = None) -> bytes:
    """A worksheet whose sheetData is ``body`` (rows as written)."""
    dim = b'<dimension ref="%s"/>' % dimension.encode() if dimension else b""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        + MAIN
        + b">"
        + dim
        + b"<sheetData>"
        + body
        + b"</sheetData></worksheet>"
    )


def cell(ref: str, text: str = "x") -> bytes:
    return b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), text.encode())


HEADER_ROW = b'<row r="1">' + cell("A1", "h") + b"</row>"


def far_cell(ref: str) -> bytes:
    """The header at A1 and one more cell at ``ref``: calamine's block spans both."""
    row = "".join(ch for ch in ref if ch.isdigit())
    return sheet(HEADER_ROW + b'<row r="%s">' % row.encode() + cell(ref) + b"</row>")


SHARED_STRINGS = b"<sst " + MAIN + b' count="0" uniqueCount="0"></sst>'


def workbook(
    path: Path,
    *sheets: bytes,
    shared_strings: bytes = SHARED_STRINGS,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A valid .xlsx of ``sheets`` (worksheet XML each), written with zipfile."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts(list(sheets), shared_strings, extra or {}):
            archive.writestr(name, data)
    return path


def parts(
    sheets: list[bytes], shared_strings: bytes, extra: dict[str, bytes]
) -> list[tuple[str, bytes]]:
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", workbook_xml(len(sheets))),
        ("xl/_rels/workbook.xml.rels", workbook_rels(len(sheets))),
    ]
    parts += [(f"xl/worksheets/sheet{i}.xml", xml) for i, xml in enumerate(sheets, start=1)]
    parts.append(("xl/sharedStrings.xml", shared_strings))
    parts += list(extra.items())
    return parts


@dataclass(frozen=True)
class Entry:
    name: str
    compressed: bytes  # raw deflate (method 8) or the bytes themselves (method 0)
    declared: int  # the uncompressed size the zip's directory states
    crc: int
    method: int = 8


def honest(name: str, data: bytes) -> Entry:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return Entry(name, packer.compress(data) + packer.flush(), len(data), zlib.crc32(data))


def raw_zip(path: Path, entries: Sequence[Entry]) -> Path:
    """A zip written field by field, so that an entry may lie about its size."""
    body = b""
    directory = b""
    for entry in entries:
        name = entry.name.encode()
        offset = len(body)
        fields = (entry.method, 0, 0x21, entry.crc, len(entry.compressed), entry.declared)
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, *fields, len(name), 0)
        body += name + entry.compressed
        directory += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, *fields, len(name), 0, 0, 0, 0, 0, offset
        )
        directory += name
    end = struct.pack(
        "<4s4H2LH",
        b"PK\x05\x06",
        0,
        0,
        len(entries),
        len(entries),
        len(directory),
        len(body),
        0,
    )
    path.write_bytes(body + directory + end)
    return path


def repeated_deflate(head: bytes, unit: bytes, times: int, tail: bytes) -> bytes:
    """Raw deflate of ``head + unit * times + tail`` in about ``len(compress(unit)) * times``
    bytes: after a full flush the compressor starts afresh, so each ``unit`` compresses to
    the same bytes, which are repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(unit) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(unit) + packer.flush(zlib.Z_FULL_FLUSH)
    assert block == again  # the premise of the repetition
    return start + block * times + packer.compress(tail) + packer.flush()


def lying_shared_strings(path: Path, *, inflated_gb: int = 3, declared: int = 1024) -> Path:
    """A valid workbook whose sharedStrings part declares ``declared`` bytes and inflates
    to ``inflated_gb`` GB (one string of that many 'a')."""
    head = b"<sst " + MAIN + b' count="1" uniqueCount="1"><si><t>'
    stream = repeated_deflate(head, b"a" * 2**20, inflated_gb * 1000, b"</t></si></sst>")
    entries = [
        honest(name, data)
        for name, data in parts([far_cell("B2")], SHARED_STRINGS, {})
        if name != "xl/sharedStrings.xml"
    ]
    entries.append(Entry("xl/sharedStrings.xml", stream, declared, 0))
    return raw_zip(path, entries)


# ---------------------------------------------------------------- a capped process

PROBE = r"""
import json, resource, sys, time
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from pathlib import Path
import fastexcel
from jiuye.core.files import FileError, check_xlsx
for name in sys.argv[2:]:
    start = time.perf_counter()
    try:
        check_xlsx(Path(name))
    except FileError as error:
        outcome = {"code": error.code, "message": error.message}
    else:
        # what an upload does next: a file the check let through is read
        fastexcel.read_excel(name).load_sheet(0, header_row=0, dtypes="string").to_polars()
        outcome = {"code": None, "message": ""}
    outcome["seconds"] = time.perf_counter() - start
    outcome["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outcome["file"] = name
    print(json.dumps(outcome), flush=True)
"""

CAP = 1024**3  # the child's address space: a regression aborts it, not the test run


def probe(paths: Sequence[Path], *, cap: int = CAP) -> dict[str, dict[str, Any]]:
    """Check (then read, as an upload would) each file in a child process whose address
    space is capped; the outcome per file name. A file that kills the child is reported
    as ``{"code": "crashed", ...}`` with the exit status and error output, and the files
    after it go to a fresh child."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jiuye.settings"}
    outcomes: dict[str, dict[str, Any]] = {}
    left = list(paths)
    while left:
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", PROBE, str(cap), *map(str, left)],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
            check=False,
        )
        for line in done.stdout.splitlines():
            outcome = json.loads(line)
            outcomes[Path(outcome["file"]).name] = outcome
        left = [path for path in left if path.name not in outcomes]
        if left:
            outcomes[left.pop(0).name] = {
                "code": "crashed",
                "status": done.returncode,
                "stderr": done.stderr[-2000:],
            }
    return outcomes
