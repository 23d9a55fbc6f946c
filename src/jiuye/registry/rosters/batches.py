"""Upload batches: the preview kept server-side under ``var/rosters/<token>/``.

A batch is a folder named by an opaque random token: ``meta.json`` (who uploaded what,
counts, status), and Parquet files of the rows as text, the valid rows in database
types and the errors. Confirming imports the stored valid rows; the upload itself is
deleted once read.

The folder holds full identity numbers, so it lives no longer than it is needed and
only its owner can read it: folders are 0700, files 0600 (whatever the umask). It is
deleted as soon as the batch is confirmed or cancelled, and folders left behind (a
preview never confirmed) are purged once older than ``ROSTER_BATCH_MAX_AGE_HOURS``
(24 h by default) on every upload and by ``jiuye rosters-purge``.

A batch being confirmed or cancelled holds an exclusive lock on its ``lock`` file
(``flock``), which the kernel releases when the process ends however it ends: a
confirmation killed mid-import (``kill -9``, the worker recycled) rolls back in the
database and leaves the batch as it was, previewed, ready to be confirmed again or
cancelled. A second confirmation while one runs is told to wait. A preview is written
in a staging folder under ``incoming/`` (locked while written, renamed into place when
complete); :func:`recover` removes what a killed upload or preview left there, puts back
a batch claimed by an older version's confirmation, and makes older folders and files
owner-only again. It runs on the first roster page a process serves, on every upload,
at ``jiuye setup-demo`` and by ``jiuye rosters-recover``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO

import polars as pl
from django.conf import settings

from jiuye.core.files import open_private, private_dir, write_private
from jiuye.registry.rosters.container import RosterFileError, check_file
from jiuye.registry.rosters.imports import import_rows
from jiuye.registry.rosters.reading import read_sheet
from jiuye.registry.rosters.specs import ROSTERS
from jiuye.registry.rosters.validate import validate

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PREVIEWED, IMPORTED = "previewed", "imported"
DEFAULT_MAX_AGE_HOURS = 24.0
LOCK = "lock"
INCOMING = "incoming"
CLAIMED = ".confirming"  # how versions before issue 10 claimed a batch (renamed away)
GRACE_SECONDS = 60.0  # an unlocked entry of incoming/ younger than this may be starting up


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

    def save(self, folder: Path | None = None) -> None:
        data = json.dumps(asdict(self), ensure_ascii=False).encode("utf-8")
        write_private((folder or self.folder) / "meta.json", data)

    def frame(self, name: str) -> pl.DataFrame:
        return pl.read_parquet(self.folder / f"{name}.parquet")


def root() -> Path:
    return Path(settings.VAR_DIR) / "rosters"


def default_max_age_hours() -> float:
    return float(getattr(settings, "ROSTER_BATCH_MAX_AGE_HOURS", DEFAULT_MAX_AGE_HOURS))


def purge(*, hours: float | None = None, now: float | None = None) -> int:
    """Delete batch folders (and stray upload files) older than the limit; returns how many.

    Age is the time since the folder was last written (its creation for an unconfirmed
    preview). A batch being confirmed or cancelled right now (locked) is left alone.
    :func:`recover` runs first (what it removes is counted too).
    """
    removed = recover()["removed"]
    limit = default_max_age_hours() if hours is None else hours
    cutoff = (time.time() if now is None else now) - limit * 3600
    folder = root()
    if not folder.is_dir():
        return removed
    entries = [e for e in folder.iterdir() if e.name != INCOMING]
    incoming = folder / INCOMING
    if incoming.is_dir():
        entries += list(incoming.iterdir())
    for entry in entries:
        try:
            if entry.stat().st_mtime >= cutoff:
                continue
            if not _remove_unless_busy(entry):
                continue
        except FileNotFoundError:
            continue  # deleted meanwhile (confirmed, cancelled or purged by another process)
        removed += 1
    return removed


def recover() -> dict[str, int]:
    """Tidy what interrupted processes left: returns how many entries were ``restored``
    (a batch claimed by an older version's confirmation, put back as previewed),
    ``removed`` (an upload or a preview being written when its process died; a folder
    without its meta.json) and ``fixed`` (made owner-only)."""
    counts = {"restored": 0, "removed": 0, "fixed": 0}
    folder = root()
    if not folder.is_dir():
        return counts
    counts["fixed"] += _own(folder)
    for entry in sorted(folder.iterdir()):
        try:
            if entry.name == INCOMING and entry.is_dir():
                counts["fixed"] += _own(entry)
                for staged in entry.iterdir():
                    if _orphaned(staged) and _remove_unless_busy(staged):
                        counts["removed"] += 1
            elif entry.name.endswith(CLAIMED) and entry.is_dir():
                token = entry.name[: -len(CLAIMED)]
                if TOKEN.match(token) and not (folder / token).exists():
                    os.rename(entry, folder / token)
                    counts["restored"] += 1
                    counts["fixed"] += _own_tree(folder / token)
                else:
                    shutil.rmtree(entry, ignore_errors=True)
                    counts["removed"] += 1
            elif TOKEN.match(entry.name) and (entry / "meta.json").is_file():
                counts["fixed"] += _own_tree(entry)
            elif _orphaned(entry) and _remove_unless_busy(entry):
                counts["removed"] += 1
        except FileNotFoundError:
            continue  # confirmed, cancelled or purged meanwhile
    return counts


_recovered: set[Path] = set()


def recover_once() -> None:
    """:func:`recover` the first time this process serves a roster page (per folder)."""
    folder = root()
    if folder not in _recovered:
        _recovered.add(folder)
        recover()


def _own(path: Path) -> int:
    """Make ``path`` owner-only (0700 for a folder, 0600 for a file); 1 if it was not."""
    mode = stat.S_IMODE(path.lstat().st_mode)
    wanted = 0o700 if path.is_dir() else 0o600
    if path.is_symlink() or mode == wanted:
        return 0
    path.chmod(wanted)
    return 1


def _own_tree(folder: Path) -> int:
    return _own(folder) + sum(_own(entry) for entry in folder.iterdir())


def _orphaned(entry: Path) -> bool:
    """Older than the grace period (a live upload or preview holds its lock anyway)."""
    return entry.lstat().st_mtime < time.time() - GRACE_SECONDS


def _lock_path(entry: Path) -> Path:
    return entry / LOCK if entry.is_dir() else entry


def _try_lock(entry: Path) -> int | None:
    """An exclusive lock on ``entry`` (a batch or staging folder: its lock file; an
    upload: the file itself): the descriptor holding it, or None if another process
    holds it. Raises FileNotFoundError when the entry is gone."""
    path = _lock_path(entry)
    flags = os.O_RDWR | (os.O_CREAT if entry.is_dir() else 0) | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    return descriptor


def _remove_unless_busy(entry: Path) -> bool:
    """Remove ``entry`` unless a live process holds its lock; True if removed."""
    if entry.is_symlink() or not (entry.is_dir() or entry.is_file()):
        entry.unlink(missing_ok=True)
        return True
    descriptor = _try_lock(entry)
    if descriptor is None:
        return False
    try:
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    finally:
        os.close(descriptor)
    return True


@contextlib.contextmanager
def upload_file(suffix: str = ".xlsx") -> Iterator[tuple[Path, IO[bytes]]]:
    """A private temporary file under ``incoming/`` for an upload, locked while the
    preview reads it and deleted afterwards: (path, open binary file)."""
    incoming = private_dir(root() / INCOMING)
    private_dir(root())
    with tempfile.NamedTemporaryFile(dir=incoming, suffix=suffix) as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield Path(handle.name), handle


def load(token: str) -> Batch | None:
    """The batch named ``token``, or None for an unknown or malformed token."""
    if not TOKEN.match(token):
        return None
    meta = root() / token / "meta.json"
    if not meta.is_file() and (root() / (token + CLAIMED)).is_dir():
        recover()  # claimed by a confirmation of an older version that never finished
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
    # written in a locked staging folder, renamed into place once complete
    staging = Path(tempfile.mkdtemp(dir=private_dir(root() / INCOMING), prefix=".batch-"))
    descriptor = _try_lock(staging)
    try:
        for name, frame in (
            ("raw", checked.raw),
            ("clean", checked.clean),
            ("errors", checked.errors),
        ):
            with open_private(staging / f"{name}.parquet") as handle:
                frame.write_parquet(handle)
        batch.save(staging)
        os.rename(staging, batch.folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if descriptor is not None:
            os.close(descriptor)
    return batch


def confirm(batch: Batch, *, actor_id: int | None, now: datetime) -> dict[str, int]:
    """Import the batch's valid rows in one transaction, then delete the batch folder.

    The batch is locked meanwhile: a second confirmation (another tab, another worker)
    is told to wait, and one arriving after the first finished finds the batch gone. If
    the import fails, or the process is killed, nothing is imported and the batch stays
    previewed: it can be confirmed again or cancelled. (Killed after the commit but
    before the folder is deleted, a second confirmation finds every row unchanged.)
    """
    if batch.status == IMPORTED:
        raise RosterFileError("already_imported", "该批次已经导入，无需重复确认")
    with _holding(batch) as folder:
        clean = pl.read_parquet(folder / "clean.parquet")
        result = import_rows(
            ROSTERS[batch.kind], clean, actor_id=actor_id, now=now, filename=batch.filename
        )
        shutil.rmtree(folder, ignore_errors=True)
    batch.status, batch.result, batch.imported_at = IMPORTED, result, now.isoformat()
    return result


def discard(batch: Batch) -> None:
    """Delete the batch folder (cancel): the upload's rows and errors are gone. Refused
    while the batch is being confirmed."""
    try:
        with _holding(batch) as folder:
            shutil.rmtree(folder, ignore_errors=True)
    except RosterFileError as error:
        if error.code != "gone":
            raise


@contextlib.contextmanager
def _holding(batch: Batch) -> Iterator[Path]:
    """The batch's folder, locked for this process; refused when gone or busy."""
    try:
        descriptor = _try_lock(batch.folder)
    except FileNotFoundError:
        descriptor = None
        busy = False
    else:
        busy = descriptor is None
    if busy:
        raise RosterFileError("busy", "该批次正在导入，请稍候刷新页面查看结果")
    if descriptor is None or not (batch.folder / "meta.json").is_file():
        if descriptor is not None:
            os.close(descriptor)
        raise RosterFileError(
            "gone", "该批次已导入、已取消或已过期，上传内容已删除；如需导入请重新上传"
        )
    try:
        yield batch.folder
    finally:
        os.close(descriptor)
