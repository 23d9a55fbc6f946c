"""`jiuye serve --prod`: gunicorn with DEBUG off, static files by WhiteNoise.

A real server on a free loopback port, with a temporary SQLite database and var/
directory: a public page answers with the security headers, a static file is served
under its hashed name, gzip-compressed and cached for good, and the access log keeps
no query string. (No page that needs tables: the database is left empty to stay fast.)
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import jiuye

import policies

STARTUP_SECONDS = 90
PROXY = {"X-Forwarded-Proto": "https"}  # as nginx in front says


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers={**PROXY, **(headers or {})})  # noqa: S310
    return urllib.request.urlopen(request, timeout=10)  # noqa: S310 (loopback only)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    var = tmp_path_factory.mktemp("prod-var")
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JIUYE_", "DEBUG", "SECURE_", "DATABASE_URL", "DJANGO_ALLOW"))
    }
    roots = {str(Path(jiuye.__file__).parents[1]), str(Path(policies.__file__).parents[1])}
    env.update(
        PYTHONPATH=os.pathsep.join(sorted(roots)),
        SECRET_KEY="prod-test-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="false",
        JIUYE_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var / 'db.sqlite3'}",
        JIUYE_WORKERS="1",
        JIUYE_THREADS="2",
    )
    log = (var / "server.log").open("w")
    command = [sys.executable, "-c", "from jiuye.cli import main; main()"]
    process = subprocess.Popen(  # noqa: S603
        [*command, "serve", "--prod", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            fetch(f"{base}/healthz")
            break
        except OSError:  # refused, or accepted but not yet answered (a worker booting)
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("服务器未启动：\n" + (var / "server.log").read_text())
            time.sleep(0.2)
    yield base, var / "server.log"
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def test_a_public_page_comes_with_the_security_headers(server):
    base, _ = server
    # when
    response = fetch(f"{base}/policies/")
    # then
    assert response.status == 200
    assert response.headers["Server"] == "gunicorn"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "政策措施" in response.read().decode()


def test_static_files_have_hashed_names_and_come_compressed(server):
    base, _ = server
    page = fetch(f"{base}/policies/").read().decode()
    # given the stylesheet's hashed name, as the page links it
    found = re.search(r'href="(/static/web/site\.[0-9a-f]{12}\.css)"', page)
    assert found, page[:500]
    # when
    response = fetch(base + found[1], {"Accept-Encoding": "gzip"})
    # then
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    # and an unhashed name is not served for ever
    plain = fetch(f"{base}/static/web/site.css")
    assert "immutable" not in plain.headers.get("Cache-Control", "")


def test_the_access_log_keeps_no_query_string_nor_secret_path(server):
    base, log = server
    # when a visitor searches and opens a self-check draft link
    fetch(f"{base}/policies/?q=%E5%BC%A0%E4%B8%89")
    with pytest.raises(urllib.error.HTTPError):  # 500: the empty database has no tables
        fetch(f"{base}/selfcheck/d/SeCrEtToKeN123/")
    time.sleep(0.5)
    # then the access log names the paths only
    text = log.read_text()
    assert '"GET /policies/ HTTP/1.1" 200' in text
    assert '"GET /selfcheck/d/…/ HTTP/1.1"' in text
    assert "%E5%BC%A0" not in text
    assert "q=" not in text
    assert "SeCrEtToKeN123" not in text  # nor in Django's own error line
