"""A throwaway PostgreSQL server on loopback, for the test suite.

    python -m jiuye.testing.postgres -- pytest -m django_db

runs the command with DATABASE_URL pointing at a fresh server (initdb into a
temporary folder, a free port on 127.0.0.1), then stops the server and deletes the
folder, also when the command fails or is interrupted. initdb and pg_ctl refuse to
run as root, so as root they run as the ``postgres`` user.

For diagnosis, ``JIUYE_PG_OPTIONS`` adds server settings (e.g.
``-c log_min_duration_statement=1000``) and ``JIUYE_PG_KEEP_LOG=FILE`` copies the
server log to FILE before the folder is removed.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

USER = "jiuye"
DATABASE = "jiuye"


def find_bindir() -> Path | None:
    """Where initdb lives: $PG_BINDIR, Debian's versioned folders, or PATH."""
    candidates: list[str] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(os.environ["PG_BINDIR"])
    versioned = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(versioned, key=lambda p: int(Path(p).parent.name), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(str(Path(found).parent))
    for folder in candidates:
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Yield the DATABASE_URL of a fresh PostgreSQL server that lives as long as the block."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL (initdb, pg_ctl) not found; set PG_BINDIR")
    folder = Path(tempfile.mkdtemp(prefix="jiuye-pg-"))
    data = folder / "data"
    log = folder / "server.log"
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
    port = free_port()
    started = False
    try:
        subprocess.run(
            _as_server_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-locale",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off "
            # extra server settings for diagnosis, e.g. "-c log_min_duration_statement=1000"
            + os.environ.get("JIUYE_PG_OPTIONS", "")
        )
        subprocess.run(
            _as_server_user(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = True
        subprocess.run(
            [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", USER, DATABASE],
            check=True,
        )
        yield f"postgres://{USER}@127.0.0.1:{port}/{DATABASE}"
    finally:
        if started:
            subprocess.run(
                _as_server_user(
                    [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
                ),
                check=False,
                stdout=subprocess.DEVNULL,
            )
        if os.environ.get("JIUYE_PG_KEEP_LOG") and log.exists():  # diagnosis: keep the log
            shutil.copy(log, os.environ["JIUYE_PG_KEEP_LOG"])
        shutil.rmtree(folder, ignore_errors=True)


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command:
        print(__doc__)
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    with throwaway_postgres() as url:
        print(f"==> 临时 PostgreSQL：{url}", flush=True)
        env = {**os.environ, "DATABASE_URL": url}
        return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
