"""The roster upload's container checks: :mod:`jiuye.core.files` with the roster's wording.

The checks themselves (size, .xls, renamed files, zip bombs, formulas, merged cells) live
once in core and serve every upload; this module names the roster's error and template.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from jiuye.core.files import (
    OLE_MAGIC,
    FileError,
    SheetScan,
    column_letter,
    max_inflated_bytes,
    max_upload_bytes,
)
from jiuye.core.files import check_xlsx as _check_xlsx

__all__ = [
    "OLE_MAGIC",
    "RosterCode",
    "RosterFileError",
    "SheetScan",
    "check_file",
    "column_letter",
    "max_inflated_bytes",
    "max_upload_bytes",
]


class RosterCode(StrEnum):
    """The roster's own codes, beside those of :class:`~jiuye.core.files.FileCode`."""

    ALREADY_IMPORTED = "already_imported"
    GONE = "gone"
    BUSY = "busy"  # being confirmed by another request right now


class RosterFileError(FileError):
    """The roster file as a whole cannot be read (codes of :class:`~jiuye.core.files.FileCode`
    and the roster's own ``already_imported``, ``gone`` and ``busy``)."""


def check_file(
    path: Path, *, max_bytes: int | None = None, max_inflated: int | None = None
) -> SheetScan:
    """The container checks of a roster workbook."""
    return _check_xlsx(
        path,
        max_bytes=max_bytes,
        max_inflated=max_inflated,
        template="花名册模板",
        error=RosterFileError,
    )
