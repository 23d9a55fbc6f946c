"""Checking and archiving the security audit trail: what ``jiuye audit verify`` and
``jiuye audit archive`` do.

:func:`verify` recomputes the chain of the rows in the table, from the last archived
head (or the genesis digest), and names the first row that does not match: a changed
row, a row missing in the middle, rows swapped, the head row behind or ahead, and (by
the head file written outside the database) a tail cut off. With ``changes`` it also
recomputes the digest each write's trail row keeps of its change-history rows.

:func:`archive` moves the rows older than ``settings.AUDIT_RETENTION_DAYS`` (at least
186) to ``AUDIT_ARCHIVE_DIR/trail-<first>-<last>.jsonl.gz`` (0600): a header line with
the segment's chain (its first and last sequence, the digest before it, its head), then
one row per line. Only a prefix of the chain moves (up to the first row still young),
so the segment verifies on its own (:func:`verify_archive`) and the rows left verify
from its head, which the chain's head row keeps (``archived_sequence``,
``archived_digest``).
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min

from jiuye.core import audit_trail, chain, clock
from jiuye.core.errors import JiuyeError
from jiuye.core.models import AuditChainHead, AuditEvent
from jiuye.core.trail import (
    CHAIN,
    head_file,
    head_record,
    lock_head,
    maintenance,
    read_head_file,
    replace_file,
)

__all__ = [
    "ArchiveReport",
    "Verdict",
    "archive",
    "archive_dir",
    "reset_head_file",
    "retention_days",
    "verify",
    "verify_archive",
]

#: The fields of a row as the checks and the archive read it.
FIELDS = ("id", "previous", "digest", *chain.CHAINED)
#: The header line of an archive file names its kind.
ARCHIVE_KIND = "jiuye-audit-archive"
#: The law's floor: 网络安全法 第二十一条, network logs kept no less than six months.
MIN_RETENTION_DAYS = 186


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: the rows checked, the last good sequence and digest and
    the first problem (None: the chain is whole)."""

    count: int
    first: int
    last: int
    head: str
    algorithm: str = ""
    problem: chain.Break | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.problem is None

    def message(self) -> str:
        """The verdict in words (Chinese, for the audit administrator)."""
        if self.problem is not None:
            return f"审计链不完整：{self.problem}"
        if self.count == 0:
            text = "审计链完整：表中没有记录需要核对"
        else:
            text = (
                f"审计链完整：核对第 {self.first} 至 {self.last} 号共 {self.count} 条记录，"
                f"链头摘要 {self.head[:16]}…（{self.algorithm}）"
            )
        return "；".join((text, *self.notes)) + "。"


def _failed(run: chain.Run, first: int, problem: chain.Break) -> Verdict:
    return Verdict(run.count, first, run.last, run.head, problem=problem)


def _rows() -> Iterator[dict[str, Any]]:
    yield from AuditEvent.objects.order_by("sequence").values(*FIELDS).iterator(chunk_size=2000)


def verify(*, changes: bool = False, head_path: Path | None = None) -> Verdict:
    """Check the chain in the table, its head row, the head file and the last archive."""
    head = AuditChainHead.objects.filter(pk=CHAIN).first()
    if head is None:
        if AuditEvent.objects.exists():
            first = AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)[0]
            return Verdict(0, first, 0, "", problem=chain.Break(first, None, "链头记录缺失"))
        return Verdict(0, 1, 0, chain.GENESIS)
    first = head.archived_sequence + 1
    run = chain.check(_rows(), first=first, previous=head.archived_digest)
    if run.broken is not None:
        return _failed(run, first, run.broken)
    problem = _against_head(run, head) or _against_file(run, head, head_path or head_file())
    problem = problem or _against_archive(head)
    if problem is None and changes:
        problem = _changes()
    if problem is not None:
        return _failed(run, first, problem)
    notes = ["与链头文件一致"]
    if head.archived_sequence:
        notes.append(f"此前第 1 至 {head.archived_sequence} 号已归档")
    return Verdict(run.count, first, run.last, run.head, head.algorithm, notes=tuple(notes))


def _against_head(run: chain.Run, head: AuditChainHead) -> chain.Break | None:
    if run.last < head.sequence:
        return chain.Break(
            run.last + 1,
            None,
            f"记录缺失：链头记录为第 {head.sequence} 号，表中只到第 {run.last} 号（表尾被截去）",
        )
    if run.last > head.sequence:
        return chain.Break(head.sequence + 1, None, f"链头记录停在第 {head.sequence} 号，落后于表")
    if run.head != head.digest:
        return chain.Break(head.sequence, None, "与链头记录所记摘要不符")
    return None


def _against_file(run: chain.Run, head: AuditChainHead, path: Path) -> chain.Break | None:
    recorded = read_head_file(path)
    if recorded is None:
        if head.sequence == 0:
            return None
        return chain.Break(run.last, None, f"链头文件 {path} 不存在，无法确认表尾未被截去")
    if recorded.get("chain") != head.chain_id:
        return chain.Break(
            run.last,
            None,
            f"链头文件 {path} 属于另一条审计链（数据库被重建或替换？确属有意重建的，"
            "用 jiuye audit reset-head 另存旧文件并重写）",
        )
    sequence, digest = int(recorded.get("sequence", 0)), str(recorded.get("digest", ""))
    if sequence > run.last:
        return chain.Break(
            run.last + 1,
            None,
            f"记录缺失：链头文件记到第 {sequence} 号（{recorded.get('at')}），"
            f"表中只到第 {run.last} 号（表尾被截去）",
        )
    if sequence == head.archived_sequence:
        stored = head.archived_digest
    elif sequence < head.archived_sequence:
        return None  # the file is older than the archive: nothing left to compare
    else:
        row = AuditEvent.objects.filter(sequence=sequence).values_list("id", "digest").first()
        if row is None:
            return chain.Break(sequence, None, "记录缺失（链头文件所记的记录不在表中）")
        stored = row[1]
    if stored != digest:
        return chain.Break(sequence, None, "与链头文件所记摘要不符（记录被替换）")
    return None


def _against_archive(head: AuditChainHead) -> chain.Break | None:
    """The archive holding the rows before the table's first must end at its head."""
    if head.archived_sequence == 0:
        return None
    found = sorted(archive_dir().glob(f"trail-*-{head.archived_sequence}.jsonl.gz"))
    if not found:
        return chain.Break(
            head.archived_sequence, None, f"归档文件缺失（{archive_dir()} 中没有以此号结尾的归档）"
        )
    header = _header(found[-1])
    if header.get("chain") != head.chain_id or header["head"]["digest"] != head.archived_digest:
        return chain.Break(head.archived_sequence, None, f"与归档文件 {found[-1].name} 的链头不符")
    return None


def _changes() -> chain.Break | None:
    """Recompute the digest every write's trail row keeps of its history rows."""
    writes = AuditEvent.objects.filter(event__startswith="write.").order_by("sequence")
    for row in writes.values("id", "sequence", "actor_id", "algorithm", "detail").iterator():
        kept = row["detail"]
        if not isinstance(kept, Mapping) or "changelog" not in kept:
            continue
        first, last = kept["changelog"]
        found = audit_trail.summarise(
            first=int(first),
            last=int(last),
            source=str(kept["source"]),
            actor_id=row["actor_id"],
            stamp=datetime.fromisoformat(str(kept["stamp"])),
            algorithm=str(row["algorithm"]),
        )
        rows, digest = (found.rows, found.digest) if found else (0, "")
        if rows != kept["rows"] or digest != kept["digest"]:
            return chain.Break(
                row["sequence"],
                row["id"],
                f"所记变更记录（ChangeLog id {first}–{last}，{kept['rows']} 条）与表中"
                f"（{rows} 条）不符：变更记录在写入后被改动、增加或删除",
            )
    return None


# ---------------------------------------------------------------- head file


def reset_head_file(path: Path | None = None) -> Path | None:
    """Keep the old head file beside it (``.replaced-<time>``) and write the current
    head: after a database deliberately rebuilt or restored. Returns the kept file."""
    path = path or head_file()
    head = AuditChainHead.objects.filter(pk=CHAIN).first()
    kept = None
    if path.exists():
        kept = path.with_name(f"{path.name}.replaced-{clock.now():%Y%m%dT%H%M%S}")
        os.replace(path, kept)
    if head is not None and head.sequence:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        replace_file(path, json.dumps(head_record(head), ensure_ascii=False, indent=1) + "\n")
    return kept


# ---------------------------------------------------------------- archive


def retention_days() -> int:
    """How long rows stay in the table (refusing less than the law's six months)."""
    days = int(settings.AUDIT_RETENTION_DAYS)
    if days < MIN_RETENTION_DAYS:
        raise JiuyeError(
            "retention_too_short",
            f"安全审计记录至少保存 {MIN_RETENTION_DAYS} 天（网络安全法：网络日志留存"
            f"不少于六个月），当前设置为 {days} 天，不予归档",
        )
    return days


def archive_dir() -> Path:
    return Path(settings.AUDIT_ARCHIVE_DIR)


@dataclass(frozen=True)
class ArchiveReport:
    """An archive written: its file, the sequences it holds and its head."""

    path: Path
    first: int
    last: int
    count: int
    cutoff: datetime


def archive(*, now: datetime | None = None) -> ArchiveReport | None:
    """Move the rows older than the retention to a compressed file (None: none is).

    Appends wait meanwhile (the head is locked); the file is on disk (synced, 0600)
    before a row is deleted, and the deletion and the head's new archived point commit
    together.
    """
    cutoff = (now or clock.now()) - timedelta(days=retention_days())
    with maintenance():
        head = lock_head()
        young = AuditEvent.objects.filter(at__gte=cutoff).order_by("sequence")
        first_young = young.values_list("sequence", flat=True).first()
        old = AuditEvent.objects.filter(sequence__gt=head.archived_sequence, at__lt=cutoff)
        if first_young is not None:
            old = old.filter(sequence__lt=first_young)
        bounds = old.aggregate(first=Min("sequence"), last=Max("sequence"), count=Count("id"))
        if bounds["first"] is None:
            return None
        last = AuditEvent.objects.get(sequence=bounds["last"])
        header = {
            "kind": ARCHIVE_KIND,
            "chain": head.chain_id,
            "first": bounds["first"],
            "last": last.sequence,
            "count": bounds["count"],
            "previous": head.archived_digest,
            "head": {
                "chain": head.chain_id,
                "sequence": last.sequence,
                "digest": last.digest,
                "algorithm": last.algorithm,
                "at": chain.utc_text(last.at),
            },
            "cutoff": chain.utc_text(cutoff),
            "retention_days": retention_days(),
            "archived_at": chain.utc_text(clock.now()),
        }
        rows = old.order_by("sequence").values(*FIELDS).iterator(chunk_size=2000)
        try:
            path = _write_archive(header, rows)
        finally:
            rows.close()  # its cursor, inside the transaction (a break leaves it open)
        old.delete()
        AuditChainHead.objects.filter(pk=CHAIN).update(
            archived_sequence=last.sequence, archived_digest=last.digest
        )
    return ArchiveReport(path, bounds["first"], last.sequence, bounds["count"], cutoff)


def _write_archive(header: dict[str, Any], rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write and sync the file (refusing a segment that does not verify: its rows stay
    in the table as evidence)."""
    folder = archive_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"trail-{header['first']}-{header['last']}.jsonl.gz"
    temporary = path.with_name(f".{path.name}.tmp")
    checked: list[chain.Run] = []
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
                handle.write(_line(header))

                def written() -> Iterator[Mapping[str, Any]]:
                    for row in rows:
                        handle.write(_line(_archived(row)))
                        yield row

                checked.append(
                    chain.check(written(), first=header["first"], previous=header["previous"])
                )
            raw.flush()
            os.fsync(raw.fileno())
        run = checked[0]
        if run.broken is not None or run.last != header["last"] or run.count != header["count"]:
            raise JiuyeError(
                "chain_broken",
                "待归档的记录不能通过核对，未归档（记录留在数据库中）："
                f"{run.broken or '记录数不符'}",
            )
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _archived(row: Mapping[str, Any]) -> dict[str, Any]:
    return {**row, "at": chain.utc_text(row["at"])}


def _line(record: Mapping[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _header(path: Path) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        header = dict(json.loads(handle.readline()))
    if header.get("kind") != ARCHIVE_KIND:
        raise JiuyeError("not_an_archive", f"{path.name} 不是审计归档文件")
    return header


def verify_archive(path: Path) -> Verdict:
    """Check an archived segment on its own: its rows chain from the digest its header
    names before it to the head it names."""
    header = _header(path)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        handle.readline()
        rows = (json.loads(line) for line in handle if line.strip())
        run = chain.check(rows, first=int(header["first"]), previous=str(header["previous"]))
    first = int(header["first"])
    if run.broken is not None:
        return _failed(run, first, run.broken)
    end = header["head"]
    if run.last != int(header["last"]) or run.count != int(header["count"]):
        return _failed(
            run,
            first,
            chain.Break(run.last + 1, None, f"记录缺失：归档头记到第 {header['last']} 号"),
        )
    if run.head != end["digest"]:
        return _failed(run, first, chain.Break(run.last, None, "与归档头所记摘要不符"))
    notes = (f"归档文件 {path.name}（{header['archived_at']} 归档）",)
    return Verdict(run.count, first, run.last, run.head, str(end["algorithm"]), notes=notes)
