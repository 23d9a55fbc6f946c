"""Load test with locust (headless) against gunicorn on loopback: `jiuye serve --prod`.

    .venv/bin/pip install -c constraints.txt -e '.[bench]'      # locust
    .venv/bin/python bench/load.py                               # 50 users for 2 min
    .venv/bin/python bench/load.py --duration 30 --keepalive-duration 10   # shorter
    .venv/bin/python bench/load.py --host http://127.0.0.1:8000  # a server already up

Without ``--host`` the script sets up a throwaway instance (temporary var/ directory
and SQLite database, ``jiuye setup-demo`` with the demo data), starts ``jiuye serve
--prod`` on a free loopback port (DEBUG off, ``SECURE_SSL_REDIRECT=false`` since there
is no TLS proxy in front) and stops it at the end. Two phases:

1. the mix: ``--users`` users (50) for ``--duration`` seconds (120), each a visitor
   who browses the public pages (home, catalogue and searches, measure pages, posters,
   QR codes, services), walks the self-check (GET, then htmx steps with the CSRF token)
   or calls ``POST /api/v1/evaluate``, with ``--wait`` seconds between actions
   (0.5–2 s, a person reading; ``--wait 0`` saturates the server);
2. keep-alive: ``--keepalive-users`` clients (20) without pause, one endpoint at a
   time for ``--keepalive-duration`` seconds (30) each: ``/healthz`` (the same-run
   baseline: the smallest answer of the stack), ``POST /api/v1/evaluate`` and
   ``/policies/``, comparable with the figures of issue 10 (208–282 and 76–89 req/s).

Prints per endpoint group: requests, requests/s, error rate, p50/p95/p99 in ms, and the
ratio of each keep-alive endpoint's throughput to /healthz. The load generator runs on
the same cores as the server (FastHttpUser keeps its share small): figures from a
shared machine are noisy, run it twice. The server's CPU time per request (master and
workers, read from /proc when the script started the server) depends far less on what
else runs on the machine than requests/s do. Target (issue 10): errors < 1 %, p95 < 200 ms.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

SAMPLES_ENV = "JIUYE_LOAD_SAMPLES"
WAIT_ENV = "JIUYE_LOAD_WAIT"
CASE = {
    "entity": "person",
    "as_of": "2019-06-01",
    "facts": {
        "is_college_graduate": True,
        "is_first_business": True,
        "business_kind": "small_micro_enterprise",
        "business_license_date": "2018-04-01",
        "business_operating_since": "2018-04-10",
        "business_operating_normally": True,
        "has_social_insurance": True,
    },
    "receipts": [],
}
GROUPS = ("public", "selfcheck", "api", "healthz")

# ---------------------------------------------------------------- the users (in locust)
if __name__ != "__main__":
    from locust import FastHttpUser, between, constant, events, task

    HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
    COOKIE = re.compile(r"csrftoken=([^;]+)")
    samples: list[tuple[str, float, bool]] = []
    rng = random.Random(2019)  # noqa: S311 (a reproducible mix, not secrets)
    wait = float(os.environ.get(WAIT_ENV, "-1"))

    @events.request.add_listener
    def _record(request_type, name, response_time, response_length, exception, **kw):
        samples.append((name.split(":")[0], response_time, exception is None))

    @events.quitting.add_listener
    def _dump(environment, **kw):
        target = os.environ.get(SAMPLES_ENV)
        if target:
            Path(target).write_text(json.dumps(samples))

    class Visitor(FastHttpUser):
        """A resident: public pages mostly, the self-check, now and then the API."""

        wait_time = between(0.5, 2.0) if wait < 0 else constant(wait)
        slugs: list[str] = []

        def on_start(self) -> None:
            if not Visitor.slugs:
                page = self.client.get("/policies/", name="public:/policies/").text or ""
                Visitor.slugs = sorted(set(re.findall(r"/policies/m/([^/]+)/", page)))

        @task(6)
        def public_pages(self) -> None:
            slug = rng.choice(self.slugs or ["2-3"])
            choice = rng.random()
            if choice < 0.15:
                self.client.get("/", name="public:/")
            elif choice < 0.35:
                self.client.get("/policies/", name="public:/policies/")
            elif choice < 0.45:
                who = rng.choice(["graduate", "employer", "", "poverty"])
                self.client.get(f"/policies/?q=补贴&who={who}", name="public:/policies/?q")
            elif choice < 0.75:
                self.client.get(f"/policies/m/{slug}/", name="public:measure")
            elif choice < 0.85:
                self.client.get(f"/policies/m/{slug}/poster/", name="public:poster")
            elif choice < 0.95:
                kind = rng.choice(["svg", "png"])
                self.client.get(f"/policies/m/{slug}/qr.{kind}", name="public:qr")
            else:
                self.client.get("/services/", name="public:/services/")

        @task(3)
        def self_check(self) -> None:
            page = self.client.get("/selfcheck/person/", name="selfcheck:GET")
            token = COOKIE.search(page.headers.get("set-cookie", "") or "")
            html = page.text or ""
            for _ in range(3):
                fields = dict(HIDDEN.findall(html))
                if "q" not in fields or token is None:
                    return
                answer = [(k, v) for k, v in HIDDEN.findall(html) if k != "q"]
                answer += [("q", fields["q"]), ("action", "skip")]
                body = "&".join(f"{k}={urllib.parse.quote(v)}" for k, v in answer)
                step = self.client.post(
                    "/selfcheck/person/",
                    data=body,
                    name="selfcheck:POST step",
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "HX-Request": "true",
                        # the cookie is Secure: sent by hand over loopback http
                        "Cookie": f"csrftoken={token[1]}",
                    },
                )
                html = step.text or ""

        @task(2)
        def evaluate(self) -> None:
            self.client.post("/api/v1/evaluate", json=CASE, name="api:evaluate")

    class Healthz(FastHttpUser):
        wait_time = constant(0)

        @task
        def healthz(self) -> None:
            self.client.get("/healthz", name="healthz:/healthz")

    class Evaluate(FastHttpUser):
        wait_time = constant(0)

        @task
        def evaluate(self) -> None:
            self.client.post("/api/v1/evaluate", json=CASE, name="api:evaluate")

    class Catalogue(FastHttpUser):
        wait_time = constant(0)

        @task
        def catalogue(self) -> None:
            self.client.get("/policies/", name="public:/policies/")


# ---------------------------------------------------------------- the driver
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def jiuye(*args: str) -> list[str]:
    return [sys.executable, "-c", "from jiuye.cli import main; main()", *args]


def start_server(args) -> tuple[str, subprocess.Popen, Path]:
    var = Path(tempfile.mkdtemp(prefix="jiuye-load-"))
    port = free_port()
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIUYE_", "DATABASE_URL"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(root / "src"), str(root)]),
        SECRET_KEY="load-test-only-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        JIUYE_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var / 'load.sqlite3'}",
        JIUYE_WORKERS=str(args.workers),
        JIUYE_THREADS=str(args.threads),
        JIUYE_PAGE_CACHE="false" if args.no_page_cache else "true",
    )
    print(f"setting up a demo instance in {var} …", flush=True)
    subprocess.run(jiuye("setup-demo"), env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    log = (var / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        jiuye("serve", "--prod", "--port", str(port)), env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310 (loopback)
            return base, server, var
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start:\n" + (var / "server.log").read_text())


def server_cpu(pid: int | None) -> float:
    """CPU seconds used so far by the server: master, live workers and reaped ones."""
    if pid is None:
        return 0.0
    import psutil  # comes with locust

    master = psutil.Process(pid)
    times = master.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in master.children(recursive=True):
        try:
            child_times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += child_times.user + child_times.system
    return total


def run_locust(host: str, users: int, seconds: int, classes: list[str], wait: float) -> list:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        target = Path(handle.name)
    env = {**os.environ, SAMPLES_ENV: str(target), WAIT_ENV: str(wait)}
    command = [
        sys.executable, "-m", "locust", "-f", __file__, "--headless",
        "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s",
        "--host", host, "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "5",
        *classes,
    ]  # fmt: skip
    done = subprocess.run(command, env=env, check=False, capture_output=True, text=True)  # noqa: S603
    data = json.loads(target.read_text() or "[]")
    if not data:
        print(done.stderr[-2000:])
    target.unlink()
    return data


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report(title: str, data: list, seconds: int, cpu: float) -> dict[str, float]:
    cost = f", server CPU {cpu * 1000 / len(data):.2f} ms per request" if cpu and data else ""
    print(f"\n{title}{cost}")
    print(f"{'group':<11}{'requests':>9}{'req/s':>9}{'errors':>9}{'p50':>8}{'p95':>8}{'p99':>8}")
    rates = {}
    for group in (*GROUPS, "all"):
        rows = [r for r in data if group in (r[0], "all")]
        if not rows:
            continue
        times = [r[1] for r in rows]
        errors = sum(1 for r in rows if not r[2]) / len(rows)
        rates[group] = len(rows) / seconds
        print(
            f"{group:<11}{len(rows):>9}{len(rows) / seconds:>9.1f}{errors:>8.2%} "
            f"{percentile(times, 0.5):>7.0f}{percentile(times, 0.95):>8.0f}"
            f"{percentile(times, 0.99):>8.0f}"
        )
    return rates


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", help="a running server (else one is started)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=120, help="seconds of the mix")
    parser.add_argument("--wait", type=float, default=-1, help="fixed pause (s); default 0.5–2")
    parser.add_argument("--keepalive-users", type=int, default=20)
    parser.add_argument("--keepalive-duration", type=int, default=30, help="seconds each")
    parser.add_argument("--skip-mix", action="store_true")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="start the server with JIUYE_PAGE_CACHE=false"
    )
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (0: cores+1)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    args = parser.parse_args()

    server = None
    pid = None
    host = args.host
    if host is None:
        host, server, var = start_server(args)
        pid = server.pid
        print(f"server: {host} (jiuye serve --prod, log {var / 'server.log'})")
    try:
        load = os.getloadavg()
        print(f"cores {os.cpu_count()}, load average before {load[0]:.2f} {load[1]:.2f}")
        if not args.skip_mix:
            pause = "0.5–2 s" if args.wait < 0 else f"{args.wait:g} s"
            cpu = server_cpu(pid)
            data = run_locust(host, args.users, args.duration, ["Visitor"], args.wait)
            cpu = server_cpu(pid) - cpu
            title = f"mix: {args.users} users, {args.duration} s, pause {pause}"
            report(title, data, args.duration, cpu)
        rates: dict[str, float] = {}
        costs: dict[str, float] = {}
        for name, group in (("Healthz", "healthz"), ("Evaluate", "api"), ("Catalogue", "public")):
            seconds = args.keepalive_duration
            cpu = server_cpu(pid)
            data = run_locust(host, args.keepalive_users, seconds, [name], 0)
            cpu = server_cpu(pid) - cpu
            title = f"keep-alive: {args.keepalive_users} clients, {seconds} s, {name}"
            rates[name] = report(title, data, seconds, cpu).get(group, 0.0)
            costs[name] = cpu * 1000 / len(data) if data else 0.0
        base = rates["Healthz"] or 1.0
        print("\nrelative to /healthz (same run): throughput, server CPU per request")
        for name, rate in rates.items():
            ratio = costs[name] / costs["Healthz"] if costs["Healthz"] else 0.0
            print(
                f"  {name:<10}{rate:>8.1f} req/s {rate / base:>6.2f}   "
                f"{costs[name]:>6.2f} ms CPU {ratio:>6.2f}"
            )
        print(f"load average after {os.getloadavg()[0]:.2f}")
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
