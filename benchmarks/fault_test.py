"""Fault test: stop the database for about 20 seconds under load, and check nothing is lost.

    .venv/bin/python benchmarks/fault_test.py            # about two minutes; CI runs it

It starts a throwaway PostgreSQL cluster of its own on a spare port (``initdb`` and ``pg_ctl``
from /usr/lib/postgresql/*/bin; as root, the cluster runs as the ``postgres`` OS user, since
PostgreSQL refuses to run as root), migrates and seeds the portal into it, and serves the portal
with gunicorn and production settings (DEBUG off, a generated SECRET_KEY, behind a TLS proxy:
clients send ``X-Forwarded-Proto: https``). A few client threads keep a bounded, paced mix of
reads (public pages, API lists) and writes (engagements POSTed with a unique summary and
PATCHed with their version, by a principal adviser's token from ``manage.py create_api_token``)
on loopback, while a probe asks ``/healthz`` over plain HTTP, as a load balancer does.

After a warm-up the database is stopped (``pg_ctl stop -m fast``), left down for ``--outage``
seconds and started again; the load runs on until the portal has recovered and a while after.
Then every write is checked against the database. It prints the requests sent, the answers by
status, the time to recover, the log lines written during the outage and the writes lost, and
exits non-zero if:

- a write answered 201 or 200 is not in the database with the values sent (a write lost);
- a write answered otherwise is in the database only in part (its links, or its history);
- anything answered 500 (or any 5xx but 503), or a connection failed;
- ``/healthz`` never answered 503 while the database was down;
- the portal did not recover within ``--recovery-limit`` seconds of the database's return,
  or still failed requests after that without gunicorn being restarted;
- the log has a traceback in it, or more than one line per request answered 503.

Nothing here runs in the test suite (it takes minutes); loopback only.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import glob
import http.client
import json
import os
import pwd
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import PROJECT, PYTHON, free_port  # noqa: E402

COUNCILS = ["E06000001", "E06000002", "E06000003", "E06000004", "E06000005"]
READS = [
    "/",
    "/offers/",
    "/offers/?q=coaching",
    "/councils/",
    "/councils/E06000001/",
    "/metrics/indicators/",
    "/api/v1/offers/?page_size=20",
    "/api/v1/councils/?page_size=50",
    "/api/v1/stats/take-up/",
    "/api/hsds/services?per_page=10",
]
TOKEN_READS = ["/api/v1/engagements/?page_size=20", "/api/v1/support-requests/?page_size=20"]

SETUP_ADVISER = """
from django.contrib.auth import get_user_model
from engagements.models import Adviser, Council
from offers.models import Offer, Theme
user = get_user_model().objects.get(username="fault-adviser")
adviser = Adviser.objects.create(user=user, name="Fault Test Adviser", email="fault-adviser@example.org")
Council.objects.filter(gss_code__in={councils!r}).update(adviser=adviser)
offers = list(Offer.objects.published().order_by("slug").values_list("slug", flat=True)[:6])
themes = list(Theme.objects.order_by("slug").values_list("slug", flat=True)[:6])
offer = Offer.objects.published().order_by("slug").first()
print(json.dumps({{"offers": offers, "themes": themes, "offer_slug": offer.slug}}))
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- A throwaway PostgreSQL cluster --------------------------------------------------------


class Cluster:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1:``port`` only."""

    def __init__(self, folder: Path, port: int):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
        if not versions or not Path(versions[-1], "initdb").exists():
            raise SystemExit("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin")
        self.bin = Path(versions[-1])
        self.folder = folder
        self.data = folder / "data"
        self.logfile = folder / "postgresql.log"
        self.port = port
        # PostgreSQL refuses to run as root: the cluster then belongs to the postgres OS user.
        self.as_user = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(folder, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=True, capture_output=True, text=True)

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


# --- The load --------------------------------------------------------------------------------


@dataclass
class Answer:
    at: float  # seconds since the load started
    kind: str  # read, write, probe
    method: str
    path: str
    status: int  # 0: the connection failed


@dataclass
class Engagement:
    """One engagement a writer created, and what it knows of it."""

    id: int
    sent: dict
    version: int
    summary: str
    # Summaries of PATCHes whose answer was lost or 5xx, since the last confirmed one: any may be in.
    uncertain: list[str] = field(default_factory=list)


class Load:
    def __init__(self, base: str, token: str, choices: dict, *, pace: float, max_requests: int, run_id: str):
        self.host, port = base.removeprefix("http://").split(":")
        self.port = int(port)
        self.token = token
        self.choices = choices
        self.pace = pace
        self.max_requests = max_requests
        self.run_id = run_id
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.started = time.monotonic()
        self.created: dict[str, Engagement] = {}  # summary → engagement answered 201
        self.unanswered_posts: dict[str, tuple[dict, int]] = {}  # summary → (body, status) not 201
        self.engagements: list[Engagement] = []
        self.threads: list[threading.Thread] = []

    def now(self) -> float:
        return time.monotonic() - self.started

    def record(self, kind: str, method: str, path: str, status: int) -> None:
        with self.lock:
            self.answers.append(Answer(self.now(), kind, method, path.split("?")[0], status))

    def request(self, connection, method, path, *, body=None, token=False, proxy=True, kind="read"):
        headers = {"Accept": "application/json" if path.startswith("/api/") else "text/html"}
        if proxy:
            headers["X-Forwarded-Proto"] = "https"
        if token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()  # reconnects on the next request
            status, data = 0, b""
        self.record(kind, method, path, status)
        return status, data

    def connection(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=15)

    def reader(self, index: int) -> None:
        connection = self.connection()
        rng = random.Random(index)
        for _ in range(self.max_requests):
            if self.stop.is_set():
                break
            if rng.random() < 0.3:
                self.request(connection, "GET", rng.choice(TOKEN_READS), token=True)
            else:
                path = rng.choice(READS + [f"/offers/{self.choices['offer_slug']}/"])
                self.request(connection, "GET", path)
            time.sleep(self.pace)

    def writer(self, index: int) -> None:
        connection = self.connection()
        rng = random.Random(1000 + index)
        mine: list[Engagement] = []
        for _ in range(self.max_requests):
            if self.stop.is_set():
                break
            if not mine or rng.random() < 0.5:
                self.post(connection, rng, mine)
            else:
                self.patch(connection, rng.choice(mine))
            time.sleep(self.pace)
        with self.lock:
            self.engagements.extend(mine)

    def post(self, connection, rng, mine) -> None:
        summary = f"fault-{self.run_id}-{uuid.uuid4().hex}"
        body = {
            "council": rng.choice(COUNCILS),
            "date": (
                datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=rng.randrange(2, 365))
            ).isoformat(),
            "kind": rng.choice(["call", "ceo_meeting", "coaching", "visit"]),
            "channel": rng.choice(["phone", "video", "in_person"]),
            "summary": summary,
            "offers": rng.sample(self.choices["offers"], 2),
            "themes": rng.sample(self.choices["themes"], 2),
        }
        status, data = self.request(connection, "POST", "/api/v1/engagements/", body=body, token=True, kind="write")
        if status == 201:
            engagement = Engagement(id=json.loads(data)["id"], sent=body, version=1, summary=summary)
            mine.append(engagement)
            with self.lock:
                self.created[summary] = engagement
        else:
            with self.lock:
                self.unanswered_posts[summary] = (body, status)

    def patch(self, connection, engagement: Engagement) -> None:
        summary = f"{engagement.sent['summary']}-edit-{uuid.uuid4().hex[:8]}"
        body = {"version": engagement.version, "summary": summary}
        path = f"/api/v1/engagements/{engagement.id}/"
        status, data = self.request(connection, "PATCH", path, body=body, token=True, kind="write")
        if status == 200:
            answer = json.loads(data)
            engagement.version, engagement.summary, engagement.uncertain = answer["version"], summary, []
        elif status == 409:
            # An earlier PATCH whose answer was lost did commit: carry on from the version now.
            engagement.version = json.loads(data)["current_version"]
        elif status != 400:
            engagement.uncertain.append(summary)

    def probe(self) -> None:
        """/healthz over plain HTTP, without the proxy's header, as a load balancer asks it."""
        connection = self.connection()
        while not self.stop.is_set():
            self.request(connection, "GET", "/healthz", proxy=False, kind="probe")
            time.sleep(0.25)

    def start(self, readers: int, writers: int) -> None:
        self.threads = [threading.Thread(target=self.reader, args=(i,)) for i in range(readers)]
        self.threads += [threading.Thread(target=self.writer, args=(i,)) for i in range(writers)]
        self.threads.append(threading.Thread(target=self.probe))
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def since(self, start: float, end: float | None = None, kind: str | None = None) -> list[Answer]:
        with self.lock:
            return [
                a
                for a in self.answers
                if a.at >= start and (end is None or a.at < end) and (kind is None or a.kind == kind)
            ]


# --- Checking the writes ---------------------------------------------------------------------

CHECK_WRITES = """
import json, sys
from engagements.models import Engagement
run = {run!r}
rows = {{}}
for e in Engagement.objects.filter(summary__startswith=f"fault-{{run}}-").prefetch_related("offers", "themes"):
    latest = e.history.filter(version=e.version).order_by("-history_date").first()
    rows[e.summary.split("-edit-")[0]] = {{
        "id": e.id, "summary": e.summary, "version": e.version, "council": e.council.gss_code,
        "date": e.date.isoformat(), "kind": e.kind, "channel": e.channel,
        "offers": sorted(o.slug for o in e.offers.all()), "themes": sorted(t.slug for t in e.themes.all()),
        "history": None if latest is None else {{
            "summary": latest.summary,
            "offers": sorted(link.offer.slug for link in latest.historicalengagement_offers_set.all()),
            "themes": sorted(link.theme.slug for link in latest.historicalengagement_themes_set.all()),
        }},
    }}
print(json.dumps(rows))
"""


def complete(row: dict, sent: dict) -> bool:
    """The row holds every value the POST sent, its links, and a history entry for its version."""
    same = all(row[name] == sent[name] for name in ("council", "date", "kind", "channel"))
    links = row["offers"] == sorted(sent["offers"]) and row["themes"] == sorted(sent["themes"])
    history = row["history"] is not None and row["history"]["summary"] == row["summary"]
    history = history and row["history"]["offers"] == row["offers"] and row["history"]["themes"] == row["themes"]
    return same and links and history


def check_writes(load: Load, rows: dict) -> dict:
    lost, partial, committed_unanswered = [], [], 0
    for summary, engagement in load.created.items():
        row = rows.get(summary)
        if row is None:
            lost.append(f"POST answered 201 but missing: {summary}")
            continue
        if not complete(row, engagement.sent):
            partial.append(f"engagement {row['id']} lacks values, links or history: {row}")
        expected = {engagement.summary, *engagement.uncertain}
        if row["summary"] not in expected:
            lost.append(f"engagement {row['id']}: last confirmed {engagement.summary!r}, found {row['summary']!r}")
        elif not engagement.uncertain and row["version"] != engagement.version:
            lost.append(f"engagement {row['id']}: version {engagement.version} confirmed, found {row['version']}")
    for summary, (sent, _status) in load.unanswered_posts.items():
        row = rows.get(summary)
        if row is not None:
            committed_unanswered += 1
            if not complete(row, sent):
                partial.append(f"POST answered {_status} left part of engagement {row['id']}: {row}")
    unknown = set(rows) - set(load.created) - set(load.unanswered_posts)
    partial += [f"a row no client wrote: {rows[s]}" for s in unknown]
    return {"lost": lost, "partial": partial, "committed_unanswered": committed_unanswered}


def recovery_time(load: Load, up: float) -> float | None:
    """When, after ``up``, the portal answered again: the probe, a read and a write each 2xx after
    the last 5xx or failed connection, and nothing failing for 5 s since. None if not yet."""
    after = load.since(up)
    last_bad = max((a.at for a in after if a.status == 0 or a.status >= 500), default=up)
    firsts = []
    for kind in ("probe", "read", "write"):
        ok = [a.at for a in after if a.kind == kind and a.at >= last_bad and 200 <= a.status < 300]
        if not ok:
            return None
        firsts.append(min(ok))
    if load.now() - last_bad < 5:
        return None
    return max(firsts)


# --- The run ---------------------------------------------------------------------------------


def production_env(database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            # Behind a TLS-terminating proxy: the clients send X-Forwarded-Proto: https.
            "BEHIND_PROXY": "1",
            "LOG_LEVEL": "INFO",
            # The test measures the outage, not the rate limits.
            "API_THROTTLE_ANON": "1000000/minute",
            "API_THROTTLE_USER": "1000000/minute",
            "API_THROTTLE_STATS": "1000000/minute",
        }
    )
    for name in ("SECURE_SSL_REDIRECT", "ALLOW_DEMO_DATA", "CACHE_BACKEND", "CACHE_LOCATION"):
        env.pop(name, None)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run a management command; its output's last line (``shell`` may print a greeting first)."""
    output = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=PROJECT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return (output.strip().splitlines() or [""])[-1]


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer 200 within {seconds} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outage", type=float, default=20, help="seconds the database stays down (20)")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of load before the outage (10)")
    parser.add_argument("--after", type=float, default=15, help="seconds of load after recovery (15)")
    parser.add_argument("--recovery-limit", type=float, default=15, help="most seconds to recover (15)")
    parser.add_argument("--readers", type=int, default=3)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--pace", type=float, default=0.05, help="pause between a client's requests (0.05 s)")
    parser.add_argument("--max-requests", type=int, default=3000, help="per client, at most (3000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, data)")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="lga-fault-"))
    cluster = Cluster(folder, free_port())
    gunicorn = None
    failures: list[str] = []
    try:
        t0 = time.monotonic()
        log(f"PostgreSQL {cluster.bin.parent.name}: a throwaway cluster on 127.0.0.1:{cluster.port} in {folder}")
        cluster.init()
        cluster.start()
        cluster.run("createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "lga_fault")
        env = production_env(cluster.url("lga_fault"))
        log("migrating and seeding")
        manage(env, "migrate", "--noinput")
        manage(env, "seed")
        log("collecting static files")
        manage(env, "collectstatic", "--noinput", "-v0")
        token = manage(
            env,
            "create_api_token",
            "fault-adviser",
            "--name",
            "Fault test",
            "--create-user",
            "--role",
            "Principal advisers",
            "--days",
            "1",
        ).strip()
        choices = json.loads(
            manage(env, "shell", "-c", "import json\n" + SETUP_ADVISER.format(councils=COUNCILS)).strip()
        )

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        error_log = folder / "gunicorn-error.log"
        gunicorn = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "lga_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                str(folder / "gunicorn-access.log"),
                "--error-logfile",
                "-",
                "--no-control-socket",
            ],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            # gunicorn's messages and the portal's log (LOGGING writes to stderr), for the checks.
            stderr=error_log.open("ab"),
        )
        wait_for(base + "/healthz", 60)
        log(
            f"gunicorn (2 workers × 4 threads, production settings) on {base}; set-up took {time.monotonic() - t0:.0f} s"
        )

        load = Load(
            base,
            token,
            choices,
            pace=options.pace,
            max_requests=options.max_requests,
            run_id=uuid.uuid4().hex[:8],
        )
        load.start(options.readers, options.writers)
        time.sleep(options.warmup)

        log_size_before = error_log.stat().st_size
        stopping = load.now()
        log("stopping the database (pg_ctl stop -m fast)")
        cluster.stop("fast")
        down = load.now()
        time.sleep(options.outage)
        log("starting the database again")
        cluster.start()
        up = load.now()
        log_outage = error_log.read_bytes()[log_size_before:].decode(errors="replace")

        # Recovered: after the last 5xx, the probe, a read and a write have each been answered 2xx.
        deadline = up + options.recovery_limit + 30
        recovered = None
        while recovered is None and load.now() < deadline:
            time.sleep(0.5)
            recovered = recovery_time(load, up)
        time.sleep(options.after)
        load.finish()
        end = load.now()

        rows = json.loads(manage(env, "shell", "-c", CHECK_WRITES.format(run=load.run_id)).strip())
        writes = check_writes(load, rows)

        # --- The figures ---
        answers = load.since(0)
        by_status = collections.Counter(a.status for a in answers)
        during = load.since(stopping, up)
        probe_down = [a.status for a in load.since(down, up, kind="probe")]
        after_recovery = load.since(recovered, end) if recovered is not None else []
        unavailable_lines = len(re.findall(r"Database unavailable, answered 503", log_outage))
        tracebacks = log_outage.count("Traceback")
        all_log = error_log.read_text(errors="replace")
        tracebacks_total = all_log.count("Traceback")
        answered_503 = by_status.get(503, 0)
        probe_503 = collections.Counter(a.status for a in load.since(0, kind="probe")).get(503, 0)

        print()
        print("Fault test: the database stopped for", f"{up - down:.1f} s", "under load")
        print(
            f"  requests sent:           {len(answers)}  ({sum(a.kind == 'read' for a in answers)} reads, "
            f"{sum(a.kind == 'write' for a in answers)} writes, {sum(a.kind == 'probe' for a in answers)} /healthz probes)"
        )
        print(
            "  answers by status:       "
            + ", ".join(f"{'connection failed' if s == 0 else s}: {n}" for s, n in sorted(by_status.items()))
        )
        print(
            "  while down:              "
            + ", ".join(f"{s}: {n}" for s, n in sorted(collections.Counter(a.status for a in during).items()))
        )
        print(f"  /healthz while down:     {collections.Counter(probe_down)}")
        if recovered is None:
            print(f"  time to recover:         not within {options.recovery_limit:.0f} s")
        else:
            bad_after = [a for a in load.since(up) if a.status == 0 or a.status >= 500]
            print(
                f"  time to recover:         {recovered - up:.1f} s after the database was back, without "
                f"restarting gunicorn ({len(bad_after)} requests failed after it was back)"
            )
            print(
                f"  after recovery:          {len(after_recovery)} requests, "
                f"{sum(1 for a in after_recovery if not 200 <= a.status < 300 and a.status != 409)} failed"
            )
        print(
            f"  writes answered 201/200: {len(load.created)} engagements created; "
            f"{sum(1 for a in answers if a.method == 'PATCH' and a.status == 200)} updates"
        )
        print(f"  writes lost:             {len(writes['lost'])}")
        print(f"  writes half there:       {len(writes['partial'])}")
        print(
            f"  unanswered but complete: {writes['committed_unanswered']} (answered 5xx or cut off, yet committed whole)"
        )
        print(
            f"  log during the outage:   {len(log_outage.splitlines())} lines, {unavailable_lines} "
            f"'Database unavailable' lines for {sum(1 for a in during if a.status == 503) - probe_503} "
            f"503s outside /healthz, {tracebacks} tracebacks"
        )
        print(f"  total run time:          {time.monotonic() - t0:.0f} s")
        print()

        for line in writes["lost"][:20] + writes["partial"][:20]:
            print("  ", line)
        if writes["lost"]:
            failures.append(f"{len(writes['lost'])} writes lost")
        if writes["partial"]:
            failures.append(f"{len(writes['partial'])} writes half there")
        server_errors = {s: n for s, n in by_status.items() if s == 0 or (s >= 500 and s != 503)}
        if server_errors:
            failures.append(f"server errors or failed connections: {server_errors}")
        if 503 not in probe_down:
            failures.append("/healthz never answered 503 while the database was down")
        if recovered is None or recovered - up > options.recovery_limit:
            failures.append(f"the portal did not recover within {options.recovery_limit:.0f} s")
        elif any(not 200 <= a.status < 300 and a.status != 409 for a in after_recovery):
            failures.append("requests failed after recovery")
        if tracebacks_total:
            failures.append(f"{tracebacks_total} tracebacks in the log")
            # The first one, so a failing run says what failed.
            first = all_log[all_log.index("Traceback") :].splitlines()[:60]
            print("  first traceback in the log:", *("    " + line for line in first), sep="\n")
        if unavailable_lines > answered_503:
            failures.append("more than one log line per 503")
        before = load.since(0, stopping)
        if any(not 200 <= a.status < 300 for a in before):
            failures.append("requests failed before the outage")
        if len(load.created) == 0:
            failures.append("no write succeeded at all")
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        if cluster.running():
            try:
                cluster.stop("immediate")
            except subprocess.CalledProcessError:
                pass
        if options.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("PASSED: nothing lost, no 500s, /healthz said 503 while down, recovered without a restart.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
