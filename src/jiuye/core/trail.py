"""The security audit trail (安全审计): one append-only, hash-chained list of who did
what, when, to what, with which outcome, from which address.

Everything security-relevant calls :func:`append`: sign-ins and their failures,
lockouts and unlocks, session ends, role changes, sensitive reads
(:func:`jiuye.staff.access.record_reveal` and ``record_export``), and every write
recorded through :mod:`jiuye.core.audit` (one row per call: a bulk write is summarised).
``detail`` never holds a personal value in clear (mask it first, see
:mod:`jiuye.identity.masking`).

Each row is chained to the one before (:mod:`jiuye.core.chain`). An append locks the
chain's head row (:class:`~jiuye.core.models.AuditChainHead`) inside the caller's
transaction, so two appends at once cannot both take the same place (PostgreSQL: a row
lock held to the end of the transaction; SQLite serialises writes anyway): a transaction
that appended holds the head until it ends, so long writes append last. Once a
transaction that appended commits, the chain head (sequence, digest, algorithm, time)
is written to a file outside the database (``settings.AUDIT_HEAD_FILE``, 0600,
replaced atomically), which ``jiuye audit verify`` compares with the table's tail: a
tail cut off in the database is caught there.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest

from jiuye.core import chain, clock
from jiuye.core.models import AuditChainHead, AuditEvent, deletions_allowed

__all__ = [
    "CHAIN",
    "algorithm",
    "append",
    "head_file",
    "lock_head",
    "maintenance",
    "read_head_file",
    "source_address",
    "write_head_file",
]

logger = logging.getLogger(__name__)

#: The name of the trail's chain (its head row's key).
CHAIN = "trail"
#: The PostgreSQL setting the append-only triggers honour, set only by :func:`maintenance`.
MAINTENANCE_SETTING = "jiuye.audit_maintenance"


def source_address(request: HttpRequest | None) -> str:
    """The client address of a request (REMOTE_ADDR, set by the proxy configuration)."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def algorithm() -> str:
    """The digest algorithm new rows use: ``settings.AUDIT_HASH`` (SM3 by default)
    where the platform has it, else sha256."""
    return chain.preferred(str(getattr(settings, "AUDIT_HASH", "sm3")))


def append(
    event: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    object: str = "",
    outcome: str = "ok",
    request: HttpRequest | None = None,
    source: str = "",
    detail: Mapping[str, Any] | None = None,
    actor_id: int | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` is a user (or None); ``actor_label`` a name when
    there is no user (a failed sign-in's username); ``actor_id`` the user's id when the
    caller has no user object (a bulk history writer); ``request`` gives the source
    address unless ``source`` is given. Inside the caller's transaction if there is one
    (the row is then kept or rolled back with the caller's write)."""
    if actor is not None and getattr(actor, "is_authenticated", False) and actor.pk:
        actor_id = actor.pk
        actor_label = actor_label or str(actor.get_username())
    with transaction.atomic():
        head = lock_head()
        row = AuditEvent(
            at=clock.now(),
            actor_id=actor_id,
            actor_label=actor_label[:150],
            event=event[:40],
            object=object[:80],
            outcome=outcome[:10],
            source_address=(source or source_address(request))[:45],
            detail=chain.plain(dict(detail or {})),
            sequence=head.sequence + 1,
            previous=head.digest,
            algorithm=algorithm(),
        )
        row.digest = chain.digest(row.previous, _content(row), row.algorithm)
        row.save(force_insert=True)
        AuditChainHead.objects.filter(pk=CHAIN).update(
            sequence=row.sequence, digest=row.digest, algorithm=row.algorithm, at=row.at
        )
        _head_file_after_commit()
    return row


def _content(row: AuditEvent) -> dict[str, Any]:
    return {name: getattr(row, name) for name in chain.CHAINED}


def lock_head() -> AuditChainHead:
    """The chain's head row, locked until the current transaction ends (the first
    statement is an UPDATE: on SQLite it takes the write lock before anything is read)."""
    if not connection.in_atomic_block:
        raise RuntimeError("the audit chain's head is locked inside a transaction")
    for _ in range(2):
        if AuditChainHead.objects.filter(pk=CHAIN).update(sequence=F("sequence")):
            return AuditChainHead.objects.get(pk=CHAIN)
        _start_head()
    raise RuntimeError("the audit chain's head row cannot be created")


def _start_head() -> None:
    """Create the head row: a new chain, or (the row lost) the table's rows continued
    under a new chain id, which no head file or archive of the old one matches."""
    first = AuditEvent.objects.order_by("sequence").first()
    last = AuditEvent.objects.order_by("-sequence").first()
    AuditChainHead.objects.bulk_create(
        [
            AuditChainHead(
                chain=CHAIN,
                chain_id=uuid.uuid4().hex,
                sequence=last.sequence if last else 0,
                digest=last.digest if last else chain.GENESIS,
                algorithm=last.algorithm if last else "",
                at=last.at if last else None,
                archived_sequence=first.sequence - 1 if first else 0,
                archived_digest=first.previous if first else chain.GENESIS,
            )
        ],
        ignore_conflicts=True,
    )


@contextmanager
def maintenance() -> Iterator[None]:
    """A transaction in which audit rows may be deleted: for the archive of rows past
    retention only. On PostgreSQL it sets ``jiuye.audit_maintenance`` for this
    transaction alone, the one exception the append-only triggers make (DELETE on the
    trail, TRUNCATE; never UPDATE); a block left by an error rolls back, the setting
    with it."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgres:
            _set_maintenance("on")
        with deletions_allowed():
            yield
        if postgres:  # inside an outer transaction, the setting would outlive this block
            _set_maintenance("off")


def _set_maintenance(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [MAINTENANCE_SETTING, value])


# ---------------------------------------------------------------- the head file


def head_file() -> Path:
    """Where the chain head is written after each committed batch of appends."""
    return Path(settings.AUDIT_HEAD_FILE)


def _head_file_after_commit() -> None:
    """Once per transaction: write the head file when it commits (never if it rolls
    back). A failure to write is logged, not raised: the write is committed already,
    and ``jiuye audit verify`` reports the file behind."""
    pending = getattr(connection, "_jiuye_head_callback", None)
    if pending is not None and any(entry[1] is pending for entry in connection.run_on_commit):
        return  # registered in this transaction and not run yet

    def write() -> None:
        connection._jiuye_head_callback = None  # type: ignore[attr-defined]
        write_head_file()

    connection._jiuye_head_callback = write  # type: ignore[attr-defined]
    transaction.on_commit(write, robust=True)


def head_record(head: AuditChainHead) -> dict[str, Any]:
    """The head as the head file and the archives keep it."""
    return {
        "chain": head.chain_id,
        "sequence": head.sequence,
        "digest": head.digest,
        "algorithm": head.algorithm,
        "at": chain.utc_text(head.at) if head.at else None,
    }


def read_head_file(path: Path | None = None) -> dict[str, Any] | None:
    """The head file's content (None: no file)."""
    path = path or head_file()
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None


def write_head_file() -> None:
    """Write the current head to the head file, atomically (a new file renamed over the
    old, 0600), under a lock so that of two processes the later head wins; never over a
    file of another chain (that file is evidence: ``jiuye audit verify`` reports it)."""
    head = AuditChainHead.objects.filter(pk=CHAIN).first()
    if head is None or head.sequence == 0:
        return
    path = head_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _locked(path):
        old = read_head_file(path)
        if old is not None and old.get("chain") != head.chain_id:
            logger.error("audit head file %s belongs to another chain: not replaced", path)
            return
        if old is not None and int(old.get("sequence", 0)) >= head.sequence:
            return
        replace_file(path, json.dumps(head_record(head), ensure_ascii=False, indent=1) + "\n")


def replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it (0600)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    lock = path.with_name(f".{path.name}.lock")
    descriptor = os.open(lock, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
