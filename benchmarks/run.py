"""Run the portal's benchmark scenarios on PostgreSQL through gunicorn and print the figures.

    .venv/bin/python benchmarks/run.py --database-url postgres://postgres@127.0.0.1:5432/lga_bench \\
        --engagements 1000000 --offers 10000 --seed 1

It (1) migrates and seeds the database and, unless it already holds that many, generates load
data with ``manage.py generate_load_data``, then vacuums and analyses it as autovacuum would;
(2) creates benchmark users; (3) serves the portal
with gunicorn (production settings, DEBUG off) and times each scenario sequentially (median
and 95th percentile over ``--requests`` requests after a warm-up), counts each scenario's
queries in-process, measures throughput of a few pages beside ``/healthz`` (a bare view with
one ``SELECT 1``) on the same server in the same run, and streams the million-row CSV exports
while sampling the worker's memory. Results are printed and written to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
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
    throughput,
    time_requests,
    worker_pids,
    write_results,
)

PASSWORD = "benchmark-password-9f3k"

SETUP_USERS = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from engagements.models import Adviser, Council
from lga_portal import roles
User = get_user_model()
def user(name, group, staff=False):
    u, _ = User.objects.get_or_create(username=name)
    u.set_password({password!r}); u.is_staff = staff; u.save(); u.groups.set([Group.objects.get(name=group)])
    return u
user("bench-manager", roles.MANAGERS, True)
user("bench-analyst", roles.ANALYSTS)
adviser_user = user("bench-adviser", roles.PRINCIPAL_ADVISERS)
# The benchmark adviser is the load adviser with the most councils (a realistic few dozen).
from django.db.models import Count
busiest = Adviser.objects.annotate(n=Count("councils")).order_by("-n", "id").first()
Adviser.objects.filter(user=adviser_user).exclude(pk=busiest.pk).update(user=None)
busiest.user = adviser_user; busiest.save()
council = Council.objects.annotate(n=Count("engagements")).order_by("-n").first()
from offers.models import Offer
offer_slug = Offer.objects.order_by("id").values_list("slug", flat=True).first()
print(council.slug, council.gss_code, offer_slug, busiest.councils.count())
"""


VACUUM = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE")
"""


# A deep page of the API's engagement list (the paging scheme may change: adapt this one path).
DEEP_API_PAGE = "/api/v1/engagements/?page_size=1000&page=50"
BARE = "bare Django view (benchmarks/bare_app.py)"


def scenarios(council_slug: str, council_code: str, offer_slug: str) -> list[dict]:
    """(name, path, who). Paths follow the design's URL contract. ``revalidate`` sends the
    page's own ETag back (If-None-Match), as a browser revalidating its copy does."""
    six_years = "from=2020-01-01&to=2025-12-31"
    return [
        {"name": "bare view /healthz", "path": "/healthz", "user": None},
        {"name": "catalogue /offers/", "path": "/offers/", "user": None},
        {"name": "catalogue /offers/ revalidation (304)", "path": "/offers/", "user": None, "revalidate": True},
        {"name": "catalogue search", "path": "/offers/?q=coaching+chief+executives", "user": None},
        # The search's speed goals: a query that matches one offer, and a word in nearly all of them.
        {"name": "search matching one offer", "path": "/offers/?q=redmond+review", "user": None},
        {"name": "search matching nearly every offer", "path": "/offers/?q=coaching", "user": None},
        # The same searches by someone signed in, whose pages are never kept: the search itself.
        {"name": "search matching one offer, signed in", "path": "/offers/?q=redmond+review", "user": "bench-adviser"},
        {
            "name": "search matching nearly every offer, signed in",
            "path": "/offers/?q=coaching",
            "user": "bench-adviser",
        },
        {"name": "offer page", "path": f"/offers/{offer_slug}/", "user": None},
        {"name": "dashboard (adviser)", "path": "/workspace/", "user": "bench-adviser"},
        {"name": "dashboard (manager, all councils)", "path": "/workspace/", "user": "bench-manager"},
        {
            "name": "council page: profile, suggestions, timeline",
            "path": f"/workspace/councils/{council_slug}/",
            "user": "bench-adviser",
        },
        {
            "name": "API council suggestions",
            "path": f"/api/v1/councils/{council_code}/suggestions/",
            "user": "bench-analyst",
        },
        {"name": "API engagements, 1,000 rows", "path": "/api/v1/engagements/?page_size=1000", "user": "bench-analyst"},
        {"name": "API engagements, 1,000 rows, page 50", "path": DEEP_API_PAGE, "user": "bench-analyst"},
        {
            "name": "API stats/coverage quarterly by region, 6 years",
            "path": f"/api/v1/stats/coverage/?{six_years}&period=quarter&by=region",
            "user": "bench-analyst",
        },
        {
            "name": "API stats/coverage quarterly by engagement kind, 6 years",
            "path": f"/api/v1/stats/coverage/?{six_years}&period=quarter&by=engagement_kind",
            "user": "bench-analyst",
        },
        {
            "name": "coverage page quarterly by engagement kind, 6 years",
            "path": f"/metrics/coverage/?{six_years}&period=quarter&by=engagement_kind",
            "user": "bench-manager",
        },
        {
            "name": "coverage page quarterly by region, 6 years",
            "path": f"/metrics/coverage/?{six_years}&period=quarter&by=region",
            "user": "bench-manager",
        },
        {
            "name": "unmet needs page, 6 years",
            "path": f"/metrics/needs/?{six_years}",
            "user": "bench-manager",
        },
        {
            "name": "unmet needs page by region, 6 years",
            "path": f"/metrics/needs/?{six_years}&by=region",
            "user": "bench-manager",
        },
        {
            "name": "API stats/unmet-needs by region, 6 years",
            "path": f"/api/v1/stats/unmet-needs/?{six_years}&by=region",
            "user": "bench-analyst",
        },
        {
            "name": "highlights report, one year",
            "path": "/reports/highlights/?from=2024-01-01&to=2024-12-31",
            "user": "bench-manager",
        },
    ]


EXPORTS = [
    {
        "name": "workspace CSV export (all engagements)",
        "path": "/workspace/engagements/export.csv",
        "user": "bench-manager",
    },
    {"name": "API CSV (all engagements)", "path": "/api/v1/engagements/?format=csv", "user": "bench-analyst"},
]


def etag_of(base: str, path: str) -> str:
    """The ETag an anonymous visitor gets for ``path`` (what a browser sends back to revalidate)."""
    with urllib.request.urlopen(base + path, timeout=600) as response:
        return response.headers["ETag"]


def stream_with_memory(master: int, session: Session, path: str) -> dict:
    """Stream a large response, counting lines, while sampling the workers' memory."""
    peak = {"rss": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in worker_pids(master):
                try:
                    peak["rss"] = max(peak["rss"], rss_mb(pid))
                except OSError:
                    pass
            time.sleep(0.05)

    # A daemon thread, stopped however the stream ends: a failed request must not leave the run
    # sampling forever instead of exiting with its error.
    sampler = threading.Thread(target=sample, daemon=True)
    baseline = max(rss_mb(pid) for pid in worker_pids(master))
    sampler.start()
    started = time.perf_counter()
    lines = 0
    try:
        # The session's own request, so an API token goes with it (the export is refused without).
        with session.opener.open(session.request(path), timeout=3600) as response:
            status = response.status
            while chunk := response.read(1 << 20):
                lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    finally:
        done.set()
        sampler.join()
    return {
        "status": status,
        "lines": lines,
        "seconds": round(seconds, 1),
        "rss_before_mb": round(baseline, 1),
        "rss_peak_mb": round(peak["rss"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="A PostgreSQL database the benchmark may fill.")
    parser.add_argument("--engagements", type=int, default=1_000_000)
    parser.add_argument("--offers", type=int, default=10_000, help="Extra synthetic offers for the catalogue pages.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=30, help="Timed requests per scenario.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
    parser.add_argument("--throughput-seconds", type=float, default=10)
    parser.add_argument("--skip-exports", action="store_true", help="Skip the million-row CSV streams.")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="The shared cache the portal uses, as in production (REDIS_URL); '' for the embedded cache.",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="Run only the scenarios whose name contains this (repeat for several; the bare view always runs). "
        "Throughput is then skipped.",
    )
    parser.add_argument(
        "--throughput-only",
        action="store_true",
        help="Measure only the throughputs (the bare view's first), without the timed scenarios or the exports.",
    )
    args = parser.parse_args()
    if args.only and args.throughput_only:
        parser.error("--only and --throughput-only leave out each other's measurements")

    env = production_env(args.database_url, REDIS_URL=args.redis_url, CACHE_KEY_PREFIX="lga-bench")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed")
    manage(env, "collectstatic", "--noinput", "-v0")
    count = int(
        manage(
            env,
            "shell",
            "-c",
            "from engagements.models import Engagement; print(Engagement.objects.count())",
            capture=True,
        )
        .strip()
        .splitlines()[-1]
    )
    if count < args.engagements:
        manage(
            env,
            "generate_load_data",
            "--engagements",
            str(args.engagements - count),
            "--offers",
            str(args.offers),
            "--seed",
            str(args.seed),
        )
    # The state autovacuum keeps a live database in: statistics current and pages marked
    # all-visible, so index-only scans need not visit the table (quick when nothing changed).
    manage(env, "shell", "-c", VACUUM)
    # Whatever this database held before, pages kept from an earlier run are not reused.
    manage(env, "shell", "-c", "from lga_portal import page_cache; page_cache.bump_all()")
    council_slug, council_code, offer_slug, adviser_councils = (
        manage(env, "shell", "-c", SETUP_USERS.format(password=PASSWORD), capture=True).strip().splitlines()[-1].split()
    )
    token = (
        manage(
            env,
            "create_api_token",
            "bench-analyst",
            "--name",
            f"benchmark {datetime.datetime.now(datetime.UTC):%Y%m%d%H%M%S}",
            capture=True,
        )
        .strip()
        .splitlines()[-1]
        .split()[-1]
    )
    engagements = int(
        manage(
            env,
            "shell",
            "-c",
            "from engagements.models import Engagement; print(Engagement.objects.count())",
            capture=True,
        )
        .strip()
        .splitlines()[-1]
    )

    plan = scenarios(council_slug, council_code, offer_slug)
    if args.only:
        plan = [p for p in plan if p["path"] == "/healthz" or any(part in p["name"] for part in args.only)]
    if args.throughput_only:
        plan = []
    counted = subprocess.run(
        [PYTHON, "benchmarks/count_queries.py"],
        cwd=PROJECT,
        env=env,
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        check=True,
    )
    queries = json.loads(counted.stdout.strip().splitlines()[-1])

    results = {
        "command": " ".join(sys.argv),
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "load_average": list(os.getloadavg()),
        "engagements": engagements,
        "adviser_councils": int(adviser_councils),
        "workers": args.workers,
        "cache": args.redis_url or "embedded (each process's own memory)",
        "scenarios": [],
        "throughput": {},
        "exports": [],
    }
    clients = args.workers * 2

    def report(row: dict) -> None:
        results["scenarios"].append(row)
        print(
            f"{row['name']:<60} {row['status']} median {row['median_ms']:>8.1f} ms  p95 {row['p95_ms']:>8.1f} ms  "
            f"queries {row['queries']}",
            flush=True,
        )

    def timed(timing, queries_made) -> dict:
        return {
            "name": timing.name,
            "path": timing.path,
            "status": timing.status,
            "bytes": timing.size,
            "median_ms": round(timing.median_ms, 1),
            "p95_ms": round(timing.p95_ms, 1),
            "queries": queries_made,
        }

    # The ceiling: a bare Django view, served by the same gunicorn command, measured first so the
    # two servers never compete.
    with gunicorn(env, workers=args.workers, app="benchmarks.bare_app") as (bare_base, _master):
        if not args.throughput_only:
            report(timed(time_requests(Session(bare_base), BARE, "/", args.requests), 0))
        bare_rate = None
        if not args.only:
            bare_rate = throughput(bare_base, "/", args.throughput_seconds, clients)
            results["throughput"][BARE] = {"requests_per_second": round(bare_rate, 1), "share_of_bare": 1.0}
            print(f"throughput {BARE:<60} {bare_rate:8.1f} req/s  100.0 % of bare ({clients} clients)", flush=True)

    with gunicorn(env, workers=args.workers) as (base, master):
        sessions = {None: Session(base)}
        for name in ("bench-adviser", "bench-manager"):
            sessions[name] = Session(base)
            sessions[name].login(name, PASSWORD)
        sessions["bench-analyst"] = Session(base, token=token)
        for scenario in plan:
            headers = {"If-None-Match": etag_of(base, scenario["path"])} if scenario.get("revalidate") else None
            timing = time_requests(
                sessions[scenario["user"]], scenario["name"], scenario["path"], args.requests, headers=headers
            )
            report(timed(timing, queries.get(timing.name, {}).get("queries")))
        for name, path, who, revalidate in (
            []
            if args.only
            else [
                ("/healthz (one SELECT 1 and a cache PING, above the session middleware)", "/healthz", None, False),
                ("catalogue /offers/ (anonymous)", "/offers/", None, False),
                ("catalogue /offers/ revalidation (304)", "/offers/", None, True),
                ("search /offers/?q=coaching (anonymous)", "/offers/?q=coaching", None, False),
                ("offer page (anonymous)", f"/offers/{offer_slug}/", None, False),
                ("dashboard (adviser)", "/workspace/", "bench-adviser", False),
            ]
        ):
            headers = {"If-None-Match": etag_of(base, path)} if revalidate else None
            rate = throughput(
                base,
                path,
                args.throughput_seconds,
                clients,
                sessions[who] if who else None,
                headers=headers,
                expect=304 if revalidate else 200,
            )
            share = rate / bare_rate if bare_rate else None
            results["throughput"][name] = {"requests_per_second": round(rate, 1), "share_of_bare": round(share, 4)}
            print(f"throughput {name:<60} {rate:8.1f} req/s {share:7.1%} of bare ({clients} clients)", flush=True)
    exports = [e for e in EXPORTS if not args.only or any(part in e["name"] for part in args.only)]
    if exports and not (args.skip_exports or args.throughput_only):
        # One worker, so the memory sampled is the one streaming the export.
        with gunicorn(env, workers=1) as (base, master):
            for export in exports:
                session = Session(base, token=token) if export["user"] == "bench-analyst" else Session(base)
                if export["user"] != "bench-analyst":
                    session.login(export["user"], PASSWORD)
                outcome = stream_with_memory(master, session, export["path"])
                results["exports"].append({"name": export["name"], "path": export["path"], **outcome})
                print(f"{export['name']:<52} {outcome}", flush=True)
    print(f"Results written to {write_results(results)}")


if __name__ == "__main__":
    main()
