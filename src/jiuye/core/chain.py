"""The hash chain of the security audit trail: canonical form, digests, checking a run.

Each row's digest is ``H(previous digest ‖ canonical content)``: the 32 bytes of the
previous row's digest (of :data:`GENESIS` for the first row) followed by the UTF-8 bytes
of the row's content as canonical JSON, hashed with the algorithm the row names
(``"sm3"``, GB/T 32905, where the platform's OpenSSL has it; ``"sha256"`` elsewhere).

The canonical JSON (pinned by golden tests: it must never change, or old rows stop
verifying): keys sorted, separators ``,`` and ``:`` with no spaces, non-ASCII characters
as themselves, integers as integers, ``None`` as ``null``, datetimes in UTC as
``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always six digits); floats are not allowed (a detail's
float is stored as its text, see :func:`plain`).

>>> from datetime import datetime
>>> from jiuye.core.clock import SHANGHAI
>>> moment = datetime(2019, 6, 1, 10, tzinfo=SHANGHAI)
>>> canonical({"b": 1, "a": None, "at": moment, "名": "松原"}).decode()
'{"a":null,"at":"2019-06-01T02:00:00.000000Z","b":1,"名":"松原"}'
>>> digest(GENESIS, {"a": 1}, "sha256")[:16]
'b06a229070741292'

Framework-free: the CLI checks an archived segment with it, without a database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

__all__ = [
    "CHAINED",
    "GENESIS",
    "Break",
    "Run",
    "available",
    "canonical",
    "check",
    "digest",
    "plain",
    "preferred",
    "utc_text",
]

#: The "previous digest" of a chain's first row.
GENESIS = "0" * 64
#: The fields of a row its digest covers (with the previous digest).
CHAINED = (
    "sequence",
    "at",
    "actor_id",
    "actor_label",
    "event",
    "object",
    "outcome",
    "source_address",
    "detail",
    "algorithm",
)
#: Algorithms a row may name, best first.
ALGORITHMS = ("sm3", "sha256")


def available(algorithm: str) -> bool:
    """Whether this platform's hashlib (OpenSSL) has ``algorithm``."""
    try:
        hashlib.new(algorithm)
    except ValueError:
        return False
    return algorithm in ALGORITHMS


def preferred(wanted: str = "sm3") -> str:
    """``wanted`` if the platform has it, else sha256 (always there)."""
    return wanted if available(wanted) else "sha256"


def utc_text(moment: datetime) -> str:
    """A moment as the canonical form writes it: UTC, microseconds, ``Z``.

    >>> from jiuye.core.clock import SHANGHAI
    >>> utc_text(datetime(2019, 6, 1, 10, 0, 0, 5, tzinfo=SHANGHAI))
    '2019-06-01T02:00:00.000005Z'
    """
    if moment.tzinfo is None:
        raise ValueError("an audit moment must be aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plain(value: Any) -> Any:
    """A detail as the trail stores it: JSON of strings, integers, booleans, null, lists
    and string-keyed objects, the same on every backend (PostgreSQL's jsonb would
    rewrite some floats). Dates and moments become ISO text, anything else its text.

    >>> plain({"n": 2, 3: [1.5, None, True], "d": date(2019, 6, 1)})
    {'n': 2, '3': ['1.5', None, True], 'd': '2019-06-01'}
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, float | Decimal):
        return str(value)
    return str(value)


def _encode(value: object) -> object:
    if isinstance(value, datetime):
        return utc_text(value)
    raise TypeError(f"not canonical: {type(value).__name__}")


def canonical(content: Mapping[str, Any]) -> bytes:
    """The canonical JSON bytes of a row's content (see the module's docstring)."""
    if _has_float(content):
        raise TypeError("not canonical: float")
    text = json.dumps(
        content,
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        allow_nan=False,
        default=_encode,
    )
    return text.encode("utf-8")


def _has_float(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, Mapping):
        return any(_has_float(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_float(item) for item in value)
    return False


def digest(previous: str, content: Mapping[str, Any], algorithm: str) -> str:
    """``H(previous ‖ canonical(content))`` as hex, H named by ``algorithm``."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown audit digest algorithm {algorithm!r}")
    hasher = hashlib.new(algorithm)
    hasher.update(bytes.fromhex(previous))
    hasher.update(canonical(content))
    return hasher.hexdigest()


def content(row: Mapping[str, Any]) -> dict[str, Any]:
    """The chained fields of a row (a mapping with at least :data:`CHAINED`)."""
    return {name: row[name] for name in CHAINED}


@dataclass(frozen=True)
class Break:
    """The first row of a run that does not match: its sequence, its id (None for a
    missing row) and why, in words for the audit administrator."""

    sequence: int
    id: int | None
    reason: str

    def __str__(self) -> str:
        row = f"第 {self.sequence} 号记录" + (f"（id {self.id}）" if self.id is not None else "")
        return f"{row}：{self.reason}"


@dataclass(frozen=True)
class Run:
    """What :func:`check` found: the rows checked, the last good sequence and digest,
    and the first break (None: every row matches)."""

    count: int
    last: int
    head: str
    broken: Break | None = None


def check(rows: Iterable[Mapping[str, Any]], *, first: int, previous: str) -> Run:
    """Check rows in sequence order, expecting ``first`` and ``previous`` for the first
    one; stop at the first row that does not match (a gap names the missing sequence).

    A row matches when its sequence is the next one, its ``previous`` is the digest of
    the row before, and its ``digest`` is recomputed from its content.
    """
    expected, head, count = first, previous, 0
    for row in rows:
        sequence, row_id = int(row["sequence"]), row.get("id")
        if sequence > expected:
            return Run(count, expected - 1, head, Break(expected, None, _gap(expected, sequence)))
        if sequence < expected:
            return Run(count, expected - 1, head, Break(sequence, row_id, "序号重复或顺序错乱"))
        if row["previous"] != head:
            reason = "所记前一条摘要与链上前一条记录的摘要不符（前面的记录被删除、替换或改动）"
            return Run(count, expected - 1, head, Break(sequence, row_id, reason))
        algorithm = str(row["algorithm"])
        if not available(algorithm):
            reason = f"本机不支持摘要算法 {algorithm}，无法核对"
            return Run(count, expected - 1, head, Break(sequence, row_id, reason))
        if digest(head, content(row), algorithm) != row["digest"]:
            reason = "内容与摘要不符（记录在写入后被改动）"
            return Run(count, expected - 1, head, Break(sequence, row_id, reason))
        head, expected, count = str(row["digest"]), expected + 1, count + 1
    return Run(count, expected - 1, head)


def _gap(expected: int, found: int) -> str:
    if found == expected + 1:
        return f"记录缺失（链上下一条是第 {found} 号）"
    return f"记录缺失（第 {expected} 至 {found - 1} 号不在表中）"
