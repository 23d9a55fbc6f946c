"""The one writer of .xlsx files: no cell the app writes can run as a formula.

Every workbook the app produces (registry exports, a roster's error rows, the roster
and community templates) is written through :class:`Book`, and no other module imports
openpyxl (a test keeps it so). Each value passes :func:`neutralise`:

* text whose first character is ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  (OWASP "CSV Injection"; ASVS 5.0 V1.2.10 lists the same characters for XLSX) is
  written as a string cell (type ``s``, never ``f``) **and** prefixed with a single
  quote, as OWASP advises. The string type alone keeps Excel from running it on
  opening, but not after the cell is edited or the sheet saved as CSV and opened
  again; the quote keeps it text in both cases. The quote is part of the cell's text,
  so the original stays visible after it (``'=HYPERLINK(…)``), and reading a roster
  removes it again (:mod:`jiuye.registry.rosters.reading`);
* characters XML cannot hold (NUL and the other controls but tab, newline and carriage
  return) are removed first, so ``"\\0=1+1"`` is caught too;
* real numbers (``int``, ``float``, ``Decimal``; booleans stay booleans) stay numeric
  cells, negative ones included: only text is ever prefixed;
* dates and times get a date format; anything else is written as its text.

A workbook saved to a path is written with mode 0600 (it may hold personal data).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from jiuye.core.files import open_private

__all__ = [
    "BOLD",
    "FORMULA_STARTS",
    "HEADER",
    "TEXT",
    "WRAP",
    "Book",
    "Sheet",
    "Style",
    "neutralise",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
# what XML 1.0 cannot carry (openpyxl refuses it): C0 controls but tab, LF and CR
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: Any) -> Any:
    """A cell value that no spreadsheet will run.

    >>> [neutralise(v) for v in ("=1+2", "@SUM(A1)", "-1", "\\x00=1", "张三", "a=b", -5, 2.5)]
    ["'=1+2", "'@SUM(A1)", "'-1", "'=1", '张三', 'a=b', -5, 2.5]
    >>> neutralise(True), neutralise(None)
    (True, None)
    """
    if value is None or isinstance(value, bool | int | float | Decimal | date | time):
        return value
    text = value if isinstance(value, str) else str(value)
    text = _ILLEGAL.sub("", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Style:
    """How a cell looks: bold, a fill colour (RGB hex), a number format, wrapped text."""

    bold: bool = False
    fill: str | None = None
    number_format: str | None = None
    wrap: bool = False


BOLD = Style(bold=True)
HEADER = Style(bold=True, fill="DDEBF7")
TEXT = Style(number_format="@")  # keeps 18-digit numbers whole when typed or pasted
WRAP = Style(wrap=True)


def _apply(cell: Any, style: Style | None) -> None:
    from openpyxl.styles import (  # type: ignore[import-untyped, unused-ignore]
        Alignment,
        Font,
        PatternFill,
    )

    if isinstance(cell.value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(cell.value, date):
        cell.number_format = DATE_FORMAT
    if style is None:
        return
    if style.bold:
        cell.font = Font(bold=True)
    if style.fill:
        cell.fill = PatternFill("solid", fgColor=style.fill)
    if style.number_format:
        cell.number_format = style.number_format
    if style.wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _bind(cell: Any, value: Any) -> Any:
    cell.value = neutralise(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"  # a string, whatever it looks like
    return cell


class Sheet:
    """One worksheet of a :class:`Book`; rows are appended, values neutralised."""

    def __init__(self, worksheet: Any, *, streaming: bool) -> None:
        self._sheet, self._streaming = worksheet, streaming

    def append(self, values: Iterable[Any], style: Style | None = None) -> None:
        """One row below the last appended one; ``style`` applies to each of its cells.
        (In a normal book, append every row before styling blank ones below.)"""
        from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped, unused-ignore]

        values = [neutralise(value) for value in values]
        if self._streaming:
            cells = []
            for value in values:
                cell = _bind(WriteOnlyCell(self._sheet), value)
                _apply(cell, style)
                cells.append(cell)
            self._sheet.append(cells)
            return
        self._sheet.append(values)
        row = self._sheet.max_row
        for column in range(1, len(values) + 1):
            cell = self._sheet.cell(row=row, column=column)
            _apply(_bind(cell, cell.value), style)

    def width(self, column: int, width: float) -> None:
        """The width of column ``column`` (0 for A)."""
        from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

        self._sheet.column_dimensions[get_column_letter(column + 1)].width = width

    def freeze(self, cell: str) -> None:
        self._sheet.freeze_panes = cell

    def style(self, *, rows: Iterable[int], columns: Iterable[int], style: Style) -> None:
        """Style the cells of ``rows`` × ``columns`` (1-based), written or still empty
        (a template's text-formatted blank rows). Not for a streaming book."""
        if self._streaming:
            raise TypeError("a streaming sheet cannot be styled after its rows are written")
        columns = list(columns)
        for row in rows:
            for column in columns:
                _apply(self._sheet.cell(row=row, column=column), style)

    @property
    def rows(self) -> int:
        return int(self._sheet.max_row)


class Book:
    """A workbook. ``streaming`` writes rows as they come (openpyxl's write-only mode):
    for long exports, whose rows then cannot be styled afterwards."""

    def __init__(self, *, streaming: bool = False) -> None:
        from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]

        self._book = Workbook(write_only=streaming)
        self._streaming = streaming
        self._fresh = not streaming  # the default sheet of a normal book, not yet named

    def sheet(self, title: str) -> Sheet:
        if self._fresh:
            self._fresh = False
            worksheet = self._book.active
            worksheet.title = title
        else:
            worksheet = self._book.create_sheet(title)
        return Sheet(worksheet, streaming=self._streaming)

    def save(self, target: Path | IO[bytes]) -> None:
        """Write the workbook to ``target``: a path (created with mode 0600) or an open
        binary file."""
        if not self._streaming:
            self._sweep()
        if isinstance(target, Path):
            with open_private(target) as handle:
                self._book.save(handle)
        else:
            self._book.save(target)

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()

    def _sweep(self) -> None:
        """Every cell once more before saving: nothing set around :meth:`Sheet.append`
        may reach the file as a formula."""
        for worksheet in self._book.worksheets:
            for row in worksheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f" or isinstance(cell.value, str):
                        _bind(cell, cell.value)
