"""The restore drill timed on the synthetic city: ``jiuye backup`` once, ``jiuye restore``
into a new database ``--runs`` times (each dropped afterwards), median printed.

    .venv/bin/python -m jiuye.testing.postgres -- .venv/bin/python bench/backup.py
    .venv/bin/python -m jiuye.testing.postgres -- .venv/bin/python bench/backup.py \\
        --people 1000000 --runs 3

The city is loaded as bench/facts.py loads it (chunks of the synthetic generator, one
employer per 20 people; not timed) unless DATABASE_URL already holds that many people.
Each restore is the whole command as an operator runs it (process start, pg_restore in
one transaction, the row counts and checks against the manifest), timed from outside.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
JIUYE = [sys.executable, "-c", "from jiuye.cli import main; main()"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    return env


def _drop(url: str, name: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    env = _env()
    start = time.perf_counter()
    loaded = subprocess.run(  # noqa: S603
        [
            sys.executable,
            str(ROOT / "bench" / "facts.py"),
            "--phase",
            "load",
            "--people",
            str(args.people),
            "--chunk",
            str(args.chunk),
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    print(f"city: {loaded.stdout.strip().splitlines()[-1]} ({time.perf_counter() - start:.0f} s)")
    with tempfile.TemporaryDirectory(prefix="jiuye-bench-backup-") as folder:
        dump = Path(folder) / "city.dump"
        start = time.perf_counter()
        subprocess.run([*JIUYE, "backup", "-o", str(dump)], check=True, env=env)  # noqa: S603
        backup_s = time.perf_counter() - start
        manifest = json.loads(dump.with_name(dump.name + ".manifest.json").read_text())
        rows = sum(manifest["counts"].values())
        print(f"backup: {backup_s:.1f} s, {dump.stat().st_size / 2**20:.0f} MiB, {rows} rows")
        seconds = []
        base = url.rsplit("/", 1)[0]
        for run in range(args.runs):
            name = f"jiuye_drill_{run}"
            _drop(url, name)
            start = time.perf_counter()
            subprocess.run(  # noqa: S603
                [*JIUYE, "restore", str(dump), "--database-url", f"{base}/{name}"],
                check=True,
                env=env,
            )
            seconds.append(time.perf_counter() - start)
            _drop(url, name)
            print(f"restore run {run + 1}: {seconds[-1]:.1f} s")
    print(
        f"restore of {args.people} people ({rows} rows): median {statistics.median(seconds):.1f} s"
        f" over {args.runs} runs ({', '.join(f'{s:.1f}' for s in seconds)})"
    )


if __name__ == "__main__":
    main()
