"""Upload batches: the preview kept server-side under ``var/rosters/<token>/``.

A batch is a folder named by an opaque random token: ``meta.json`` (who uploaded what,
counts, status), and Parquet files of the rows as text, the valid rows in database
types and the errors. Confirming imports the stored valid rows; the upload itself is
deleted once read.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl
from django.conf import settings

from jiuye.registry.rosters.container import RosterFileError, check_file
from jiuye.registry.rosters.imports import import_rows
from jiuye.registry.rosters.reading import read_sheet
from jiuye.registry.rosters.specs import ROSTERS
from jiuye.registry.rosters.validate import validate

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PREVIEWED, IMPORTED = "previewed", "imported"


@dataclass
class Batch:
    token: str
    kind: str
    filename: str
    user_id: int | None
    uploaded_at: str
    rows: int = 0
    valid_rows: int = 0
    bad_rows: int = 0
    error_count: int = 0
    status: str = PREVIEWED
    result: dict[str, int] = field(default_factory=dict)
    imported_at: str = ""

    @property
    def folder(self) -> Path:
        return root() / self.token

    def save(self) -> None:
        (self.folder / "meta.json").write_text(json.dumps(asdict(self), ensure_ascii=False),
                                               encoding="utf-8")

    def frame(self, name: str) -> pl.DataFrame:
        return pl.read_parquet(self.folder / f"{name}.parquet")


def root() -> Path:
    return Path(settings.VAR_DIR) / "rosters"


def load(token: str) -> Batch | None:
    """The batch named ``token``, or None for an unknown or malformed token."""
    if not TOKEN.match(token):
        return None
    meta = root() / token / "meta.json"
    if not meta.is_file():
        return None
    return Batch(**json.loads(meta.read_text(encoding="utf-8")))


def preview(path: Path, kind: str, *, filename: str, user_id: int | None, today: date,
            now: datetime, prefix: str | None = None, max_bytes: int | None = None) -> Batch:
    """Check, read and validate an upload; raises :class:`RosterFileError` for a bad file.

    ``prefix`` limits the rows to a jurisdiction (division-code prefix); None: no limit.
    """
    roster = ROSTERS[kind]
    scan = check_file(path, max_bytes=max_bytes)
    raw = read_sheet(path, roster, scan)
    checked = validate(raw, roster, scan, today, prefix)
    batch = Batch(token=secrets.token_urlsafe(18), kind=kind, filename=filename[:200],
                  user_id=user_id, uploaded_at=now.isoformat(), rows=checked.raw.height,
                  valid_rows=checked.clean.height, bad_rows=checked.bad_rows,
                  error_count=checked.errors.height)
    batch.folder.mkdir(parents=True)
    checked.raw.write_parquet(batch.folder / "raw.parquet")
    checked.clean.write_parquet(batch.folder / "clean.parquet")
    checked.errors.write_parquet(batch.folder / "errors.parquet")
    batch.save()
    return batch


def confirm(batch: Batch, *, actor_id: int | None, now: datetime) -> dict[str, int]:
    """Import the batch's valid rows in one transaction; a batch imports only once."""
    if batch.status == IMPORTED:
        raise RosterFileError("already_imported", "该批次已经导入，无需重复确认")
    result = import_rows(ROSTERS[batch.kind], batch.frame("clean"), actor_id=actor_id, now=now)
    batch.status, batch.result, batch.imported_at = IMPORTED, result, now.isoformat()
    batch.save()
    return result


def discard(batch: Batch) -> None:
    shutil.rmtree(batch.folder, ignore_errors=True)
