"""Upload batches: the preview kept server-side under ``var/rosters/<token>/``.

A batch is a folder named by an opaque random token: ``meta.json`` (who uploaded what,
counts, status), and Parquet files of the rows as text, the valid rows in database
types and the errors. Confirming imports the stored valid rows; the upload itself is
deleted once read.

The folder holds full identity numbers, so it lives no longer than it is needed: it is
deleted as soon as the batch is confirmed or cancelled, and folders left behind (a
preview never confirmed) are purged once older than ``ROSTER_BATCH_MAX_AGE_HOURS``
(24 h by default) on every upload and by ``jiuye rosters-purge``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
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
DEFAULT_MAX_AGE_HOURS = 24.0
CLAIMED = ".confirming"  # a batch being imported: renamed, so it imports only once


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
        (self.folder / "meta.json").write_text(
            json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8"
        )

    def frame(self, name: str) -> pl.DataFrame:
        return pl.read_parquet(self.folder / f"{name}.parquet")


def root() -> Path:
    return Path(settings.VAR_DIR) / "rosters"


def default_max_age_hours() -> float:
    return float(getattr(settings, "ROSTER_BATCH_MAX_AGE_HOURS", DEFAULT_MAX_AGE_HOURS))


def purge(*, hours: float | None = None, now: float | None = None) -> int:
    """Delete batch folders (and stray upload files) older than the limit; returns how many.

    Age is the time since the folder was last written (its creation for an unconfirmed
    preview). A batch being confirmed right now is younger than any sensible limit.
    """
    limit = default_max_age_hours() if hours is None else hours
    cutoff = (time.time() if now is None else now) - limit * 3600
    folder = root()
    if not folder.is_dir():
        return 0
    removed = 0
    entries = [e for e in folder.iterdir() if e.name != "incoming"]
    incoming = folder / "incoming"
    if incoming.is_dir():
        entries += list(incoming.iterdir())
    for entry in entries:
        try:
            if entry.stat().st_mtime >= cutoff:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except FileNotFoundError:
            continue  # deleted meanwhile (confirmed, cancelled or purged by another process)
        removed += 1
    return removed


def load(token: str) -> Batch | None:
    """The batch named ``token``, or None for an unknown or malformed token."""
    if not TOKEN.match(token):
        return None
    meta = root() / token / "meta.json"
    if not meta.is_file():
        return None
    return Batch(**json.loads(meta.read_text(encoding="utf-8")))


def preview(
    path: Path,
    kind: str,
    *,
    filename: str,
    user_id: int | None,
    today: date,
    now: datetime,
    prefix: str | None = None,
    max_bytes: int | None = None,
) -> Batch:
    """Check, read and validate an upload; raises :class:`RosterFileError` for a bad file.

    ``prefix`` limits the rows to a jurisdiction (division-code prefix); None: no limit.
    """
    roster = ROSTERS[kind]
    purge()
    scan = check_file(path, max_bytes=max_bytes)
    raw = read_sheet(path, roster, scan)
    checked = validate(raw, roster, scan, today, prefix)
    batch = Batch(
        token=secrets.token_urlsafe(18),
        kind=kind,
        filename=filename[:200],
        user_id=user_id,
        uploaded_at=now.isoformat(),
        rows=checked.raw.height,
        valid_rows=checked.clean.height,
        bad_rows=checked.bad_rows,
        error_count=checked.errors.height,
    )
    batch.folder.mkdir(parents=True)
    checked.raw.write_parquet(batch.folder / "raw.parquet")
    checked.clean.write_parquet(batch.folder / "clean.parquet")
    checked.errors.write_parquet(batch.folder / "errors.parquet")
    batch.save()
    return batch


def confirm(batch: Batch, *, actor_id: int | None, now: datetime) -> dict[str, int]:
    """Import the batch's valid rows in one transaction, then delete the batch folder.

    A batch imports only once: the folder is first renamed out of reach (atomic, so of
    two confirmations at once only one proceeds); if the import fails it is put back and
    can be confirmed again.
    """
    if batch.status == IMPORTED:
        raise RosterFileError("already_imported", "该批次已经导入，无需重复确认")
    claimed = batch.folder.with_name(batch.token + CLAIMED)
    try:
        os.rename(batch.folder, claimed)
    except FileNotFoundError as exc:
        raise RosterFileError(
            "gone", "该批次已导入、已取消或已过期，上传内容已删除；如需导入请重新上传"
        ) from exc
    try:
        clean = pl.read_parquet(claimed / "clean.parquet")
        result = import_rows(
            ROSTERS[batch.kind], clean, actor_id=actor_id, now=now, filename=batch.filename
        )
    except BaseException:
        os.rename(claimed, batch.folder)
        raise
    shutil.rmtree(claimed, ignore_errors=True)
    batch.status, batch.result, batch.imported_at = IMPORTED, result, now.isoformat()
    return result


def discard(batch: Batch) -> None:
    """Delete the batch folder (cancel): the upload's rows and errors are gone."""
    shutil.rmtree(batch.folder, ignore_errors=True)
