"""Time the bulk CSV import and the CSV exports on PostgreSQL, and print medians, rows/s and memory.

    .venv/bin/python benchmarks/bulk.py --database-url postgres://postgres@127.0.0.1:5432/lga_bench --rows 100000
    .venv/bin/python benchmarks/bulk.py --database-url postgres://postgres@127.0.0.1:5432/lga_bench --export

The import: a generated CSV of ``--rows`` good rows (every column, links of every kind) goes
through ``manage.py import_engagements`` with production settings: first a variant with one bad
row in the middle (it must name that row and import nothing), then the clean file (every row
imported), then the same file again (it must add nothing). Each of ``--runs`` runs uses a file
of its own; the rows imported are removed at the end (their council-months' summaries
recounted) unless ``--keep``. The peak memory is that
of the command's process.

The export: the workspace export and the API's CSV of every engagement the database holds,
streamed through gunicorn (one worker, production settings) while the worker's memory is
sampled. Run ``manage.py generate_load_data`` first for a large database (see README.md).

Timed by hand, never in the test suite. Other work on the machine changes the figures: the
load average is printed with them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import (  # noqa: E402
    PROJECT,
    PYTHON,
    Session,
    gunicorn,
    manage,
    production_env,
    rss_mb,
    worker_pids,
)

USER = "bulk-bench-manager"
PASSWORD = "bulk-benchmark-password-7q2w"
# Every imported row's summary starts with this, so the benchmark's rows can be removed again.
TAG = "bulk-bench"
HEADER = (
    "council,date,kind,channel,adviser,roles,offers,themes,summary,private_notes,"
    "follow_up_on,follow_up_done,hours,status"
)

SETUP = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from engagements.models import ContactRole, Council
from lga_portal import roles
from lga_portal.api.tokens import api_token_create
from offers.models import Offer, Theme
user, _ = get_user_model().objects.get_or_create(username={user!r})
user.set_password({password!r}); user.is_staff = True; user.save()
user.groups.set([Group.objects.get(name=roles.MANAGERS)])
_, key = api_token_create(user=user, name="bulk benchmark", days=1)
print(key)
print(",".join(Council.objects.filter(is_active=True, adviser__isnull=False, established_on__isnull=True)
      .order_by("gss_code").values_list("gss_code", flat=True)))
print(",".join(ContactRole.objects.order_by("slug").values_list("slug", flat=True)))
print(",".join(Offer.objects.filter(is_published=True).order_by("slug").values_list("slug", flat=True)[:200]))
print(",".join(Theme.objects.order_by("slug").values_list("slug", flat=True)))
"""

# Removes the benchmark's imported engagements with everything written for them (links, history,
# theme events), in a few statements, then recounts the monthly summaries of their council-months.
CLEAN = """
from django.db import connection
from engagements.models import Engagement
from engagements.summaries import group_of, summaries_refresh
groups = {{group_of(council, day) for council, day in
          Engagement.objects.filter(summary__startswith={tag!r}).values_list("council_id", "date").distinct()}}
ids = "SELECT id FROM engagements_engagement WHERE summary LIKE %s"
tables = [
    "engagements_themeevent", "engagements_engagement_roles", "engagements_engagement_offers",
    "engagements_engagement_themes", "engagements_historicalengagement_roles",
    "engagements_historicalengagement_offers", "engagements_historicalengagement_themes",
]
with connection.cursor() as cursor:
    for table in tables:
        cursor.execute(f"DELETE FROM {{table}} WHERE engagement_id IN ({{ids}})", [{tag!r} + "%"])
    cursor.execute(f"DELETE FROM engagements_historicalengagement WHERE id IN ({{ids}})", [{tag!r} + "%"])
    cursor.execute(f"DELETE FROM engagements_engagement WHERE id IN ({{ids}})", [{tag!r} + "%"])
    removed = cursor.rowcount
summaries_refresh(groups)
print(removed)
"""


# CPU seconds of each command run, in order: on a busy machine a steadier figure than the wall clock
# (the database server's own time is not in it).
CPU: list[float] = []


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def setup(env: dict[str, str]) -> tuple[str, dict[str, list[str]]]:
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v0")  # production settings serve the collected files
    lines = manage(env, "shell", "-c", SETUP.format(user=USER, password=PASSWORD), capture=True).splitlines()
    key, councils, roles, offers, themes = lines[-5:]
    return key, {
        "councils": councils.split(","),
        "roles": roles.split(","),
        "offers": offers.split(","),
        "themes": themes.split(","),
    }


def write_file(path: Path, rows: int, names: dict[str, list[str]], run: int, bad_line: int | None = None) -> None:
    """``rows`` different good rows (line n + 2 for row n); with ``bad_line``, that line's date is
    not a date."""
    councils, roles, offers, themes = names["councils"], names["roles"], names["offers"], names["themes"]
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            year = 2020 + n % 5
            date = f"{year}-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
            if bad_line == n + 2:
                date = f"{year}-02-30"
            follow_up = f"{year}-{n % 12 + 1:02d}-28" if n % 4 == 0 else ""
            out.write(
                f"{councils[n % len(councils)]},{date},call,phone,,{roles[n % len(roles)]},"
                f'"{offers[n % len(offers)]}; {offers[(n * 7 + 1) % len(offers)]}",{themes[n % len(themes)]},'
                f'"{TAG} {run}-{n}: budget pressures, recovery plans",Private note {n},{follow_up},'
                f"{'yes' if n % 8 == 0 else 'no'},{n % 4}.5,{'planned' if n % 9 == 0 else 'completed'}\n"
            )


def run_command(env: dict[str, str], *args: str) -> tuple[float, int, float, str]:
    """(seconds, exit status, peak RSS in MB, stderr) of one management command; its CPU seconds
    (user and system, the command's own process) go into ``CPU``."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    stderr_text = []
    reader = threading.Thread(target=lambda: stderr_text.append(process.stderr.read()), daemon=True)
    reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    reader.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    CPU.append(usage.ru_utime + usage.ru_stime)
    return seconds, process.returncode, usage.ru_maxrss / 1024, "".join(stderr_text)


def summary(name: str, seconds: list[float], rows: int, rss: list[float], note: str = "", cpu=None) -> None:
    median = statistics.median(seconds)
    cpu_text = f"  command CPU {statistics.median(cpu):.1f} s" if cpu else ""
    print(
        f"{name:<44} median {median:7.1f} s  ({', '.join(f'{s:.1f}' for s in seconds)})  "
        f"{rows / median:9,.0f} rows/s  peak RSS {max(rss):6.0f} MB{cpu_text}  {note}",
        flush=True,
    )


def bench_import(env: dict[str, str], names: dict[str, list[str]], rows: int, runs: int, keep: bool) -> None:
    bad_line = rows // 2 + 1
    timings: dict[str, list[tuple[float, float, float]]] = {"bad": [], "clean": [], "again": []}
    with tempfile.TemporaryDirectory() as folder:
        try:
            for run in range(runs):
                clean, bad = Path(folder, f"clean-{run}.csv"), Path(folder, f"bad-{run}.csv")
                write_file(clean, rows, names, run)
                write_file(bad, rows, names, run, bad_line=bad_line)
                print(f"  run {run + 1}: load average {load_average()}", flush=True)

                seconds, status, rss, err = run_command(env, "import_engagements", str(bad), "--user", USER)
                named = f"line {bad_line}, date:" in err and "Nothing was imported: 1 of" in err
                if status == 0 or not named:
                    raise SystemExit(f"the bad file was not refused naming line {bad_line}: {err[-500:]}")
                timings["bad"].append((seconds, rss, CPU[-1]))

                seconds, status, rss, err = run_command(env, "import_engagements", str(clean), "--user", USER)
                if status != 0:
                    raise SystemExit(f"the clean file was refused: {err[-2000:]}")
                timings["clean"].append((seconds, rss, CPU[-1]))

                seconds, status, rss, err = run_command(env, "import_engagements", str(clean), "--user", USER)
                if status != 0:
                    raise SystemExit(f"the second import failed: {err[-2000:]}")
                timings["again"].append((seconds, rss, CPU[-1]))
        finally:
            if not keep:
                removed = manage(env, "shell", "-c", CLEAN.format(tag=TAG), capture=True).split()[-1]
                print(f"  removed the {int(removed):,} engagements the benchmark imported", flush=True)
    for key, name, note in (
        ("bad", f"import {rows:,} rows, one bad (line {bad_line})", "named the row, imported nothing"),
        ("clean", f"import {rows:,} rows", "all imported"),
        ("again", f"import the same {rows:,} rows again", "added nothing"),
    ):
        runs_of = timings[key]
        summary(name, [t[0] for t in runs_of], rows, [t[1] for t in runs_of], note, cpu=[t[2] for t in runs_of])


def stream(master: int, session: Session, path: str) -> tuple[float, int, float]:
    """(seconds, lines, peak worker RSS in MB) of streaming ``path``."""
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in worker_pids(master):
                try:
                    peak[0] = max(peak[0], rss_mb(pid))
                except OSError:
                    pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    lines = 0
    try:
        with session.opener.open(session.request(path), timeout=3600) as response:
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
            while chunk := response.read(1 << 20):
                lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    finally:
        done.set()
        sampler.join()
    return seconds, lines, peak[0]


def bench_export(env: dict[str, str], key: str, runs: int) -> None:
    count = manage(
        env,
        "shell",
        "-c",
        "from engagements.models import Engagement; print(Engagement.objects.live().count())",
        capture=True,
    ).split()[-1]
    print(f"  {int(count):,} live engagements; load average {load_average()}", flush=True)
    # One worker, so the memory sampled is the one streaming the export.
    with gunicorn(env, workers=1) as (base, master):
        workspace = Session(base)
        workspace.login(USER, PASSWORD)
        api = Session(base, token=key)
        for name, session, path in (
            ("workspace CSV export", workspace, "/workspace/engagements/export.csv"),
            ("API CSV (?format=csv)", api, "/api/v1/engagements/?format=csv"),
        ):
            results = [stream(master, session, path) for _ in range(runs)]
            rows = results[0][1] - 1  # less the header (no summary in the load data spans lines)
            summary(f"{name}, {rows:,} rows", [s for s, _, _ in results], rows, [r for _, _, r in results])
    print(f"  load average after: {load_average()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="A PostgreSQL database the benchmark may write to.")
    parser.add_argument("--rows", type=int, default=0, help="Time the import of this many rows (e.g. 100000).")
    parser.add_argument("--export", action="store_true", help="Time the CSV exports of every engagement.")
    parser.add_argument("--runs", type=int, default=3, help="Runs of each measurement (the median is printed).")
    parser.add_argument("--keep", action="store_true", help="Keep the engagements the import benchmark adds.")
    args = parser.parse_args()
    if not args.rows and not args.export:
        parser.error("give --rows N, --export, or both")
    env = production_env(args.database_url)
    print(f"load average before: {load_average()} ({os.cpu_count()} CPUs)", flush=True)
    key, names = setup(env)
    if args.rows:
        bench_import(env, names, args.rows, args.runs, args.keep)
    if args.export:
        bench_export(env, key, args.runs)


if __name__ == "__main__":
    main()
