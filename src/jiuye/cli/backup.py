"""``jiuye backup`` and ``jiuye restore``: the database to one file and back, checked.

``backup`` writes the configured database (DATABASE_URL) to one file, PostgreSQL with
``pg_dump -Fc``, SQLite with the sqlite3 online backup API, and beside it a manifest
``<file>.manifest.json``: the time, the applied migrations, every table's row count
(read in the dump's own snapshot), the audit trail's head (rows, last id, and whether
``jiuye audit verify`` passed, where this version has that command) and where the key
material lives (setting and environment names, key file paths), never a key. Both files
are 0600 and are never overwritten.

``restore`` checks the file against the manifest's SHA-256, restores it into a new
database (created when missing; one that already has tables is refused unless
``--force``), then compares the restored database with the manifest and runs
``jiuye audit verify`` on it; any difference is an error naming it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from jiuye.cli import app
from jiuye.cli.databases import (
    BackupError,
    Database,
    create_private,
    dump_postgresql,
    dump_sqlite,
    restore_postgresql,
    restore_sqlite,
)
from jiuye.cli.django import setup_django

__all__ = ["BackupError", "Database", "backup", "key_locations", "manifest_path", "restore"]

MANIFEST_VERSION = 1
#: The tables named in the printed summary (every table is counted and checked).
MAIN_TABLES = (
    "registry_person",
    "registry_household",
    "registry_employer",
    "registry_changelog",
    "core_auditevent",
    "auth_user",
)


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + ".manifest.json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def key_locations() -> list[dict[str, Any]]:
    """Where the key material is: names and file paths only, never a value.

    The names come from the setting ``BACKUP_KEY_NAMES`` (``JIUYE_BACKUP_KEY_NAMES``);
    each is looked up as a setting (with and without its ``JIUYE_`` prefix), then in the
    environment. A value that is an absolute path is recorded as that path (``"missing"``
    when no file is there; a path setting with no file is left out); any other value only
    as ``"set": true``.
    """
    from django.conf import settings

    found: list[dict[str, Any]] = []
    for name in getattr(settings, "BACKUP_KEY_NAMES", ()):
        for where, value in (
            ("setting", getattr(settings, name, None)),
            ("setting", getattr(settings, name.removeprefix("JIUYE_"), None)),
            ("environment", os.environ.get(name)),
        ):
            if value is None or value in ("", [], ()):
                continue
            if isinstance(value, Path) and not value.is_file():
                continue  # a path setting with nothing there (e.g. the dev key file)
            entry: dict[str, Any] = {"name": name, "where": where}
            if isinstance(value, str | Path) and str(value).startswith("/"):
                entry["file"] = str(value)
                if not Path(value).is_file():
                    entry["missing"] = True
            else:
                entry["set"] = True
            found.append(entry)
            break
    return found


def audit_verify(database: Database, head: Mapping[str, Any] | None = None) -> bool | None:
    """``jiuye audit verify`` on ``database`` in a child process: True when the chain
    holds, False when it does not, None when this version has no such command.

    ``head`` (the chain head recorded with a backup) stands in for the live head file,
    which has moved on since: a copy is checked against the head it was taken with.
    """
    import typer.main

    group = typer.main.get_command(app)
    audit = getattr(group, "commands", {}).get("audit")
    if audit is None or "verify" not in getattr(audit, "commands", {}):
        return None
    env = {**os.environ, "DATABASE_URL": database.url()}
    with tempfile.TemporaryDirectory(prefix="jiuye-verify-") as folder:
        if head is not None:
            path = Path(folder) / "chain-head.json"
            with os.fdopen(create_private(path), "w", encoding="utf-8") as handle:
                json.dump(dict(head), handle)
            env["JIUYE_AUDIT_HEAD_FILE"] = str(path)
        done = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
            [sys.executable, "-c", "from jiuye.cli import main; main()", "audit", "verify"],
            env=env,
            check=False,
        )
    return done.returncode == 0


def backup(database: Database, dump: Path, *, verify_audit: bool = True) -> dict[str, Any]:
    """Write ``dump`` and its manifest (both new, 0600); return the manifest."""
    from jiuye.core import clock

    started = time.perf_counter()
    fd = create_private(dump)
    try:
        if database.vendor == "postgresql":
            with os.fdopen(fd, "wb") as handle:
                state = dump_postgresql(database, handle.fileno())
        else:
            os.close(fd)  # the file exists, 0600: sqlite3 writes into it
            state = dump_sqlite(dump)
    except BaseException:
        dump.unlink(missing_ok=True)
        raise
    manifest: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "created_at": clock.now().isoformat(),
        "database": {"vendor": database.vendor, "name": database.name},
        "format": "pg_dump -Fc" if database.vendor == "postgresql" else "sqlite3 backup",
        "file": dump.name,
        "bytes": dump.stat().st_size,
        "sha256": _sha256(dump),
        **state,
        "keys": key_locations(),
        "keys_note": "密钥不在备份中：请按上列位置另行备份密钥文件和环境文件",
        "seconds": round(time.perf_counter() - started, 3),
    }
    if manifest["audit"] is not None and verify_audit:
        # SQLite: the copy itself (the source may be an in-memory database)
        if database.vendor == "postgresql":
            manifest["audit"]["verified"] = audit_verify(database)
        else:
            copy = Database("sqlite", str(dump))
            manifest["audit"]["verified"] = audit_verify(copy, manifest["audit"].get("head"))
    with os.fdopen(create_private(manifest_path(dump)), "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    return manifest


def read_manifest(dump: Path) -> dict[str, Any]:
    """The manifest beside ``dump``, once the file's SHA-256 matches it."""
    if not dump.is_file():
        raise BackupError("backup_missing", f"找不到备份文件：{dump}")
    path = manifest_path(dump)
    if not path.is_file():
        raise BackupError("manifest_missing", f"找不到备份清单：{path}（恢复后无法核对）")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if _sha256(dump) != manifest.get("sha256"):
        raise BackupError(
            "backup_corrupt", f"备份文件与清单的校验值不符（已损坏或被改动），未做任何改动：{dump}"
        )
    return manifest


def compare(manifest: Mapping[str, Any], found: Mapping[str, Any]) -> list[str]:
    """What differs between the manifest and a restored database, in Chinese."""
    differences = []
    expected, counted = manifest["counts"], found["counts"]
    for table in sorted(set(expected) | set(counted)):
        if expected.get(table) != counted.get(table):
            differences.append(
                f"表 {table}：清单 {expected.get(table)} 行，恢复后 {counted.get(table)} 行"
            )
    if manifest["migrations"] != found["migrations"]:
        differences.append("已执行的迁移与清单不同")
    if (manifest.get("audit") or {}).get("max_id") != (found.get("audit") or {}).get("max_id"):
        differences.append("审计记录的最后编号与清单不同")
    if (manifest.get("audit") or {}).get("head") != (found.get("audit") or {}).get("head"):
        differences.append("审计链头（序号、摘要）与清单不同")
    return differences


def restore(dump: Path, target: Database, *, force: bool = False) -> dict[str, Any]:
    """Restore ``dump`` into ``target``, then check it against the manifest; raise a
    :class:`BackupError` naming every difference."""
    manifest = read_manifest(dump)
    if manifest["database"]["vendor"] != target.vendor:
        raise BackupError(
            "vendor_mismatch",
            f"备份来自 {manifest['database']['vendor']}，不能恢复到 {target.vendor} 数据库",
        )
    started = time.perf_counter()
    if target.vendor == "postgresql":
        found = restore_postgresql(dump, target, force=force)
    else:
        found = restore_sqlite(dump, target, force=force)
    seconds = time.perf_counter() - started
    differences = compare(manifest, found)
    audit = found["audit"]
    verified = audit_verify(target, audit.get("head")) if audit is not None else None
    if verified is False:
        differences.append("审计链校验未通过（jiuye audit verify）")
    if differences:
        raise BackupError(
            "restore_mismatch", "恢复后的数据库与备份清单不一致：" + "；".join(differences)
        )
    return {**found, "seconds": round(seconds, 3), "audit_verified": verified}


# ---------------------------------------------------------------- commands


def _configured() -> Database:
    setup_django()
    from django.db import connections

    return Database.from_settings(connections["default"].settings_dict)


def _summary(counts: Mapping[str, int]) -> str:
    shown = [f"{t} {counts[t]}" for t in MAIN_TABLES if t in counts]
    return "，".join(shown) + f"（共 {len(counts)} 张表，{sum(counts.values())} 行）"


@app.command("backup")
def backup_command(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="备份文件（默认 JIUYE_BACKUP_DIR/jiuye-时间.dump）。"),
    ] = None,
) -> None:
    """备份所配置的数据库（PostgreSQL：pg_dump -Fc），旁边写清单：行数、迁移、审计链、密钥位置。"""
    database = _configured()
    from django.conf import settings

    from jiuye.core import clock

    suffix = "dump" if database.vendor == "postgresql" else "sqlite3"
    dump = output or Path(settings.BACKUP_DIR) / f"jiuye-{clock.now():%Y%m%d-%H%M%S}.{suffix}"
    manifest = backup(database, dump)
    typer.echo(f"已备份：{dump}（{manifest['bytes']} 字节，{manifest['seconds']} 秒）")
    typer.echo(f"清单：{manifest_path(dump)}")
    typer.echo("行数：" + _summary(manifest["counts"]))
    keys = "、".join(
        k["name"] + (f"（{k['file']}）" if "file" in k else "") for k in manifest["keys"]
    )
    typer.echo(f"密钥不在备份中，请另行备份：{keys or '（未配置）'}")
    if (manifest["audit"] or {}).get("verified") is False:
        raise BackupError(
            "audit_chain_broken", "备份已写入，但审计链校验未通过（jiuye audit verify）"
        )


@app.command("restore")
def restore_command(
    dump: Annotated[Path, typer.Argument(help="jiuye backup 写的备份文件（清单须在旁边）。")],
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="恢复到所配置服务器上的这个数据库（同一账号；不存在时新建，已有数据表时拒绝）。",
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="恢复到的数据库地址（默认 DATABASE_URL）。"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="目标已有数据表时仍然覆盖。")] = False,
) -> None:
    """把备份恢复到新的（空的）数据库，再按清单核对各表行数、迁移和审计链。"""
    configured = _configured()
    target = Database.from_url(database_url) if database_url else configured
    if database:
        target = replace(target, name=database)
    report = restore(dump, target, force=force)
    typer.echo(f"已恢复到“{target.name}”，用时 {report['seconds']} 秒，与清单一致。")
    typer.echo("行数：" + _summary(report["counts"]))
    if report["audit"] is not None and report["audit_verified"] is None:
        typer.echo("（此版本没有 jiuye audit verify：只核对了审计记录的条数和最后编号）")
