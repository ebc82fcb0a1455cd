"""Benchmark harness: serve the portal with gunicorn on PostgreSQL and time real HTTP requests.

Used by ``benchmarks/run.py``. Nothing here runs in the test suite: benchmarks are run by hand
and their figures reported, never asserted in tests.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off) on plain HTTP on localhost."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        # Benchmarks measure the pages, not the rate limits.
        "API_THROTTLE_ANON": "1000000/min",
        "API_THROTTLE_USER": "1000000/min",
        "AXES_FAILURE_LIMIT": "1000",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=PROJECT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 2, threads: int = 1, app: str = "lga_portal.wsgi"):
    """Run gunicorn on a free port; yields (base_url, master pid). ``app`` is the WSGI module:
    the portal, or the bare view it is measured against (benchmarks/bare_app.py)."""
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "600",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=PROJECT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Session:
    """A browser-like session: cookies, CSRF token, optional API token."""

    def __init__(self, base: str, token: str | None = None):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = token

    def request(self, path: str, headers: dict[str, str] | None = None) -> urllib.request.Request:
        """A GET request for ``path`` carrying this session's API token, if it has one."""
        request = urllib.request.Request(self.base + path, headers=headers or {})
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        return request

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        request = self.request(path, headers)
        try:
            with self.opener.open(request, timeout=600) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def login(self, username: str, password: str) -> None:
        status, body = self.get("/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not match:
            raise RuntimeError("login page did not offer a CSRF token")
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1).decode()}
        ).encode()
        request = urllib.request.Request(
            self.base + "/accounts/login/", data=data, headers={"Referer": self.base + "/accounts/login/"}
        )
        with self.opener.open(request, timeout=60) as response:
            if "/accounts/login/" in response.geturl():
                raise RuntimeError(f"could not sign in as {username}")


@dataclass
class Timing:
    name: str
    path: str
    samples: list[float] = field(default_factory=list)
    status: int = 0
    size: int = 0
    queries: int | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, int(round(0.95 * len(ordered))) - 1)] * 1000


def time_requests(session: Session, name: str, path: str, n: int, warmup: int = 3, headers=None) -> Timing:
    timing = Timing(name, path)
    for _ in range(warmup):
        session.get(path, headers)
    for _ in range(n):
        started = time.perf_counter()
        status, body = session.get(path, headers)
        timing.samples.append(time.perf_counter() - started)
        timing.status, timing.size = status, len(body)
    return timing


def throughput(
    base: str,
    path: str,
    seconds: float,
    clients: int,
    session: Session | None = None,
    headers: dict[str, str] | None = None,
    expect: int = 200,
) -> float:
    """Requests per second that ``clients`` concurrent keep-alive clients get for ``path``, counting
    the answers with status ``expect`` (304 for a revalidation with ``If-None-Match``)."""
    host, port = base.removeprefix("http://").split(":")
    sent = {**(headers or {})}
    if session:
        sent["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in session.jar)
        if session.token:
            sent["Authorization"] = f"Token {session.token}"
    stop = time.monotonic() + seconds
    counts = [0] * clients

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        while time.monotonic() < stop:
            conn.request("GET", path, headers=sent)
            response = conn.getresponse()
            response.read()
            if response.status == expect:
                counts[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started)


def write_results(results: dict) -> Path:
    folder = PROJECT / "benchmarks" / "results"
    folder.mkdir(exist_ok=True)
    path = folder / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    return path
