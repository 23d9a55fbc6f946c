"""The mechanics under ``jiuye backup``/``restore``: where a database is, the PostgreSQL
client programs, and what a database holds (row counts, migrations, audit head).

PostgreSQL is dumped with ``pg_dump -Fc`` inside a REPEATABLE READ snapshot from which
the counts are read too, so they describe exactly what the dump holds while the
application keeps writing; it is restored with ``pg_restore`` in one transaction.
SQLite is copied with the sqlite3 online backup API.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jiuye.core.errors import JiuyeError

AUDIT_TABLE = "core_auditevent"
HEAD_TABLE = "core_auditchainhead"
# SQLSTATE invalid_catalog_name: the database does not exist
_NO_SUCH_DATABASE = "3D000"


class BackupError(JiuyeError):
    http_status = 409


@dataclass(frozen=True)
class Database:
    """Where a database is: PostgreSQL connection parameters, or an SQLite file."""

    vendor: str  # "postgresql" or "sqlite"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, settings_dict: Mapping[str, Any]) -> Database:
        engine = str(settings_dict["ENGINE"])
        vendor = "sqlite" if "sqlite" in engine else "postgresql" if "postgres" in engine else ""
        if not vendor:
            raise BackupError("unsupported_database", f"不支持备份此类数据库：{engine}")
        return cls(
            vendor=vendor,
            name=str(settings_dict["NAME"]),
            user=str(settings_dict.get("USER") or ""),
            password=str(settings_dict.get("PASSWORD") or ""),
            host=str(settings_dict.get("HOST") or ""),
            port=str(settings_dict.get("PORT") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        import dj_database_url

        return cls.from_settings(dj_database_url.parse(url))

    def url(self) -> str:
        """A DATABASE_URL for a child process (given in its environment, never argv)."""
        if self.vendor == "sqlite":
            return f"sqlite:///{self.name}"
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + quote(self.password, safe="")
        port = f":{self.port}" if self.port else ""
        return f"postgres://{auth}@{self.host}{port}/{quote(self.name, safe='')}"

    def client_args(self) -> list[str]:
        args = ["--no-password"]
        for flag, value in (("-h", self.host), ("-p", self.port), ("-U", self.user)):
            if value:
                args += [flag, value]
        return args

    def client_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def connect(self, name: str | None = None) -> Any:
        import psycopg

        return psycopg.connect(
            dbname=name or self.name,
            user=self.user or None,
            password=self.password or None,
            host=self.host or None,
            port=self.port or None,
        )


def find_client(program: str) -> Path:
    """pg_dump or pg_restore: $PG_BINDIR, Debian's versioned folders (newest first: a
    client must be at least as new as the server), then PATH."""
    candidates: list[str] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(os.environ["PG_BINDIR"])
    versioned = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(versioned, key=lambda p: int(Path(p).parent.name), reverse=True)
    for folder in candidates:
        if (Path(folder) / program).is_file():
            return Path(folder) / program
    found = shutil.which(program)
    if found:
        return Path(found)
    raise BackupError(
        "client_missing",
        f"找不到 {program}：请安装 PostgreSQL 客户端（Debian：postgresql-client）或设置 PG_BINDIR",
    )


def _run(command: list[str], database: Database, **kwargs: Any) -> None:
    done = subprocess.run(  # noqa: S603 (fixed programs, arguments built here)
        command, env=database.client_env(), stderr=subprocess.PIPE, check=False, **kwargs
    )
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()[-2000:]
        raise BackupError(
            "client_failed", f"{Path(command[0]).name} 失败（退出码 {done.returncode}）：{message}"
        )


def state(cursor: Any, vendor: str) -> dict[str, Any]:
    """Row counts of every table, the applied migrations and the audit head (plain SQL)."""
    if vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY 1"
        )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the catalogue)
        counts[table] = int(cursor.fetchone()[0])
    migrations: list[str] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    audit: dict[str, Any] | None = None
    if AUDIT_TABLE in counts:
        cursor.execute(f"SELECT max(id) FROM {AUDIT_TABLE}")  # noqa: S608
        audit = {"table": AUDIT_TABLE, "rows": counts[AUDIT_TABLE], "max_id": cursor.fetchone()[0]}
        if HEAD_TABLE in counts:
            # the chain head as it stands in this database (the live head file runs ahead
            # of any backup: a restored copy is checked against this instead)
            cursor.execute(
                f"SELECT chain_id, sequence, digest, algorithm FROM {HEAD_TABLE} "  # noqa: S608
                "WHERE chain = 'trail'"
            )
            row = cursor.fetchone()
            if row is not None:
                names = ("chain", "sequence", "digest", "algorithm")
                audit["head"] = dict(zip(names, row, strict=True))
    return {"counts": counts, "migrations": migrations, "audit": audit}


def create_private(path: Path) -> int:
    """A new file, 0600, in a folder made 0700 if missing; never an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise BackupError("backup_exists", f"文件已存在，不会覆盖：{path}") from exc


# ---------------------------------------------------------------- PostgreSQL


def dump_postgresql(database: Database, fd: int) -> dict[str, Any]:
    """``pg_dump -Fc`` to ``fd`` from one exported snapshot; the state read in it."""
    import psycopg

    pg_dump = find_client("pg_dump")
    with database.connect() as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            found = state(cursor, "postgresql")
            # the snapshot lives as long as this transaction: dump while it is open
            command = [str(pg_dump), "-Fc", f"--snapshot={snapshot}", *database.client_args()]
            _run([*command, "-d", database.name], database, stdout=fd)
        conn.rollback()
    return found


def _table_count(target: Database) -> int:
    import psycopg

    try:
        conn = target.connect()
    except psycopg.OperationalError as exc:
        if getattr(exc, "sqlstate", None) != _NO_SUCH_DATABASE and "does not exist" not in str(exc):
            raise BackupError("connect_failed", f"无法连接目标数据库：{exc}") from exc
        _create_database(target)
        return 0
    with conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        return int(cursor.fetchone()[0])


def restore_postgresql(dump: Path, target: Database, *, force: bool) -> dict[str, Any]:
    """``pg_restore`` into ``target`` (created when missing) in one transaction."""
    pg_restore = find_client("pg_restore")
    tables = _table_count(target)
    if tables and not force:
        raise BackupError(
            "target_not_empty",
            f"目标数据库“{target.name}”不是空库（已有 {tables} 张表），未做任何改动。"
            "请恢复到新建的空数据库；确需覆盖时加 --force",
        )
    command = [str(pg_restore), *target.client_args(), "-d", target.name]
    # objects belong to the role that restores (the owner role); grants are kept
    command += ["--no-owner", "--single-transaction", "--exit-on-error"]
    if tables:
        command += ["--clean", "--if-exists"]
    _run([*command, str(dump)], target, stdout=subprocess.DEVNULL)
    with target.connect() as conn, conn.cursor() as cursor:
        return state(cursor, "postgresql")


def _create_database(target: Database) -> None:
    import psycopg
    from psycopg import sql

    for maintenance in ("postgres", "template1"):
        try:
            with target.connect(maintenance) as conn:
                conn.autocommit = True
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.name)))
                return
        except psycopg.OperationalError:
            continue
        except psycopg.Error as exc:
            raise BackupError(
                "create_failed", f"无法新建数据库“{target.name}”：{exc}；请先用 createdb 新建"
            ) from exc
    raise BackupError("create_failed", f"无法新建数据库“{target.name}”：请先用 createdb 新建")


# ---------------------------------------------------------------- SQLite


def dump_sqlite(dump: Path) -> dict[str, Any]:
    """The configured SQLite database (Django's connection) into ``dump`` (0600, new)."""
    from django.db import connections

    connection = connections["default"]
    connection.ensure_connection()
    copy = sqlite3.connect(dump)
    try:
        connection.connection.backup(copy)
        return state(copy.cursor(), "sqlite")
    finally:
        copy.close()


def restore_sqlite(dump: Path, target: Database, *, force: bool) -> dict[str, Any]:
    path = Path(target.name)
    if path.exists() and path.stat().st_size > 0:
        existing = sqlite3.connect(path)
        try:
            tables = existing.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        finally:
            existing.close()
        if tables and not force:
            raise BackupError(
                "target_not_empty",
                f"目标数据库“{path}”不是空库（已有 {tables} 张表），未做任何改动。"
                "请恢复到新的文件；确需覆盖时加 --force",
            )
    if not path.exists():
        os.close(create_private(path))
    source, copy = sqlite3.connect(dump), sqlite3.connect(path)
    try:
        source.backup(copy)
        return state(copy.cursor(), "sqlite")
    finally:
        source.close()
        copy.close()
