"""Fleet benchmark: a simulated fleet served by the project's simulator on
127.0.0.1, polled through the real health check into PostgreSQL.

    setup/bench.sh [--repeat N] [SITES ...]      (default: 1000 10000)
    setup/bench.sh --profile FILE [SITES ...]   (the cold check under cProfile;
                                                 CPU figures then include its cost)
    setup/bench.sh --sql FILE [SITES ...]       (the cold and warm checks' queries
                                                 grouped by statement and calling
                                                 frames into FILE; docs not written)

For each fleet size it prints and returns: wall time of a full check (cold:
faults and tickets opened; warm: the same fault seen again), SQL queries per
site, Odoo-side CPU per site, API calls per site, peak memory, the growth
from the smallest to the largest fleet, and the worst-case time to detect a
comms loss per vendor quota tier. `--repeat N` runs each fleet size N
times and reports the run of median cold CPU (the others' cold CPU and
queries listed under the table): on a shared machine one run can be off by
a third. The table goes to var/benchmark.md and, with the command and the
date, under "## Fleet benchmark" in docs/benchmarks.md. Not a test:
figures, for the documentation.
"""

from __future__ import annotations

import contextlib
import cProfile
import json
import os
import re
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AT = datetime(2026, 6, 21, 10, 0, tzinfo=timezone.utc)
FAULT_SHARE = 0.01
# the databases are named after the checkout's branch (SOLAR_OM_BENCH_PREFIX
# overrides), so that two checkouts benchmarking at once do not drop each
# other's database
PREFIX = os.environ.get("SOLAR_OM_BENCH_PREFIX") or (
    "".join(
        c if c.isalnum() else "_"
        for c in subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--abbrev-ref", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    )
    or "solar_om"
)
# `--profile FILE`: the cold check's cProfile statistics go to FILE
PROFILE: Path | None = None
# `--sql FILE`: the cold and warm checks' queries, grouped by caller, go to FILE
SQL: Path | None = None


def free_port(start: int) -> int:
    """The first port from `start` on 127.0.0.1 that nobody listens on."""
    port = start
    while True:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                port += 1
                continue
            return port


def http(url, data=None):
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def start_simulator(sites, port):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "solar_om_engine.simulator",
            "--sites",
            str(sites),
            "--port",
            str(port),
            "--seed",
            "7",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd="/tmp",
    )
    info = json.loads(proc.stdout.readline())
    return proc, info["url"]


def install_db(db):
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            db,
            f"--addons-path={REPO}",
            "-i",
            "solar_om_monitoring",
            "--stop-after-init",
            "--log-level=warn",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={free_port(8398)}",
        ],
        check=True,
        cwd="/tmp",
    )


def measure(env, at, profile: Path | None = None, label="check"):
    from sql_profile import recording, report

    cr = env.cr
    profiler = cProfile.Profile() if profile else None
    queries0, cpu0, wall0 = cr.sql_log_count, time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    with recording() if SQL else contextlib.nullcontext() as log:
        stats = env["solar.health.check"].run(at=at, force=True, commit=True)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    if SQL:
        with SQL.open("a") as out:
            out.write(report(log, label) + "\n\n")
    return {
        "wall_s": time.perf_counter() - wall0,
        "cpu_s": time.process_time() - cpu0,
        "queries": cr.sql_log_count - queries0,
        "stats": stats,
    }


def bench(n_sites, port):
    import odoo
    from odoo.modules.registry import Registry

    db = f"{PREFIX}_bench_{n_sites}"
    install_db(db)
    sim, url = start_simulator(n_sites, port)
    try:
        http(f"{url}/_sim/clock", {"at": AT.isoformat()})
        fleet = http(f"{url}/_sim/sites")
        accounts = sorted({s["account"] for s in fleet})
        registry = Registry(db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            customer = env["res.partner"].create({"name": "Benchmark customer"})
            base = {"solaredge": "/solaredge/v2", "enphase": "/enphase", "apsystems": "/apsystems"}
            odoo_accounts = {}
            for key in accounts:
                vendor = key.rsplit("-", 1)[0]
                odoo_accounts[key] = env["solar.monitoring.account"].create(
                    {
                        "name": key,
                        "vendor": vendor,
                        "quota_tier": "unlimited",
                        "base_url": url + base[vendor],
                        "api_key": f"{key}-key",
                        "client_id": f"{key}-client",
                        "client_secret": f"{key}-secret",
                        "access_token": f"{key}-access",
                        "refresh_token": f"{key}-refresh",
                        "apsystems_profile": "installer",
                    }
                )
            env["solar.site"].create(
                [
                    {
                        "name": s["name"],
                        "partner_id": customer.id,
                        "vendor_site_ref": s["ref"],
                        "vendor": odoo_accounts[s["account"]].vendor,
                        "account_id": odoo_accounts[s["account"]].id,
                        "latitude": s["latitude"],
                        "longitude": s["longitude"],
                        "tz": s["timezone"],
                        "capacity_dc_kwp": s["capacity_w"] / 1000,
                        "connection": s["connection"],
                    }
                    for s in fleet
                ]
            )
            cr.commit()
            lit_refs = [s["ref"] for s in fleet if s["connection"] != "cellular"]
            for ref in lit_refs[:: int(1 / FAULT_SHARE)]:
                http(
                    f"{url}/_sim/fault",
                    {
                        "site": ref,
                        "kind": "zero_production",
                        "since": AT.replace(hour=8).isoformat(),
                    },
                )
            calls0 = http(f"{url}/_sim/stats")["calls"]
            cold = measure(env, AT, PROFILE, f"{n_sites} sites, cold check")
            calls1 = http(f"{url}/_sim/stats")["calls"]
            warm = measure(env, AT.replace(minute=20), label=f"{n_sites} sites, warm check")
            calls2 = http(f"{url}/_sim/stats")["calls"]
            cold["api_calls"], warm["api_calls"] = calls1 - calls0, calls2 - calls1
            env["ir.config_parameter"].set_param("solar_om_monitoring.claim_size", 1000)
            cr.commit()
        workers = {n: spread(db, url, n, AT + timedelta(minutes=40 + 20 * n)) for n in (1, 2)}
    finally:
        sim.terminate()
        sim.wait(timeout=30)
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=False)
    return {"sites": n_sites, "cold": cold, "warm": warm, "workers": workers}


WORKER_CODE = """
import json, os
from datetime import datetime
stats = env["solar.health.check"].run(at=datetime.fromisoformat(os.environ["AT"]), commit=True)
env.cr.commit()
print("STATS" + json.dumps(stats))
"""


def spread(db, url, n_workers, at):
    """The same check run by `n_workers` Odoo processes at once, each claiming
    chunks of due sites: wall time, sites per worker, duplicates."""
    subprocess.run(
        ["psql", "-d", db, "-qc", "UPDATE solar_site SET next_check_at = NULL"], check=True
    )
    http(f"{url}/_sim/clock", {"at": at.isoformat()})
    env = dict(os.environ, AT=at.isoformat())
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "odoo",
                "shell",
                "-d",
                db,
                f"--addons-path={REPO}",
                "--no-http",
                "--log-level=warn",
                "--max-cron-threads=0",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd="/tmp",
            env=env,
        )
        for _ in range(n_workers)
    ]
    for proc in procs:  # every worker gets its code before any is waited for
        proc.stdin.write(WORKER_CODE)
        proc.stdin.close()
    outputs = [proc.stdout.read() for proc in procs]
    for proc in procs:
        proc.wait(timeout=1800)
    wall = time.perf_counter() - start
    stats = [
        json.loads(next(x for x in out.splitlines() if x.startswith("STATS"))[5:])
        for out in outputs
    ]
    dupes = subprocess.run(
        [
            "psql",
            "-d",
            db,
            "-Atc",
            "SELECT count(*) FROM (SELECT site_id, kind FROM solar_fault"
            " WHERE state != 'closed' GROUP BY 1, 2 HAVING count(*) > 1) d",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return {
        "wall_s": wall,
        "sites_per_worker": [s.get("sites_due", 0) for s in stats],
        "polled_per_worker": [s.get("sites_polled", 0) for s in stats],
        "duplicate_faults": int(dupes),
    }


PLAN_LATITUDE, PLAN_LONGITUDE = 33.4, -112.0  # Phoenix: long June days
PLAN_DAY = datetime(2026, 6, 21, tzinfo=timezone.utc)


def planner_table():
    """Per vendor, plan and fleet size: the planner's liveness cadence and
    production judgments, achieved against bound, for June at 33.4 N."""
    from solar_om_engine import planner, quota

    month_start = PLAN_DAY.replace(day=1)
    lines = [
        "| vendor | plan | sites | liveness every (min) | calls / pass "
        "| production judgments / site / day | worst-case comms detect (min) "
        "| bound (min) | ratio | calls / month (limit) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    worst_ratio, short = 0.0, []
    for vendor, tiers in quota.TIERS.items():
        for tier_name, tier in tiers.items():
            for sites in (1, 10, 100, 1_000, 10_000):
                plan = planner.make_plan(
                    vendor,
                    tier,
                    sites,
                    month_start,
                    locations=[(PLAN_LATITUDE, PLAN_LONGITUDE)],
                    day=PLAN_DAY.date(),
                )
                worst_ratio = max(worst_ratio, plan.detect_ratio)
                judged = plan.production_judgments_per_site_per_day
                per_day = (
                    f"{judged:g}"
                    if judged >= 1 or judged == 0
                    else (f"1 every {plan.production_every_days} days")
                )
                if judged < 1:
                    short.append(f"{vendor} {tier_name} {sites:,}")
                lines.append(
                    f"| {vendor} | {tier_name} | {sites:,} | {plan.liveness_every_min:,g} "
                    f"| {plan.liveness_calls_per_pass:,} | {per_day} "
                    f"| {plan.worst_case_comms_detect_min:,g} | {plan.bound_comms_detect_min:,g} "
                    f"| {plan.detect_ratio:.3f} | {plan.calls_per_month:,} ({tier.per_month:,}) |"
                )
    lines.append(
        f"\nLargest ratio achieved / bound: {worst_ratio:.3f}. Fewer than one production "
        f"judgment per site per daylight day: {len(short)} of {len(lines) - 2} rows."
    )
    return "\n".join(lines)


PASS_SIM = """
import json, signal, sys, threading
from solar_om_engine.simulator import Simulator
from solar_om_engine.simulator.fleet import Fleet, make_fleet
mixed = make_fleet(3 * int(sys.argv[1]), seed=7, sites_per_account=10_000)
fleet = Fleet(
    [s for s in mixed.sites.values() if s.vendor == "enphase"],
    [a for a in mixed.accounts.values() if a.vendor == "enphase"],
)
del mixed
sim = Simulator(fleet, port=int(sys.argv[2])).start()
print(json.dumps({"url": sim.url}), flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
stop.wait()
sim.stop()
"""


def bench_passes(n_sites, port):
    """An Enphase fleet of `n_sites` in accounts of 10,000: one liveness pass
    of every account (one /systems call per 100 sites), then one production
    pass of every site (a /systems page and a summary per site), through the
    real health check into PostgreSQL. Sites are inserted with SQL (no field
    service location each): what is measured is the check, not the set-up."""
    import odoo
    from odoo.modules.registry import Registry

    db = f"{PREFIX}_bench_passes_{n_sites}"
    install_db(db)
    sim = subprocess.Popen(
        [sys.executable, "-c", PASS_SIM, str(n_sites), str(port)],
        stdout=subprocess.PIPE,
        text=True,
        cwd="/tmp",
    )
    url = json.loads(sim.stdout.readline())["url"]
    try:
        http(f"{url}/_sim/clock", {"at": AT.isoformat()})
        fleet = http(f"{url}/_sim/sites")
        registry = Registry(db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            customer = env["res.partner"].create({"name": "Benchmark customer"})
            accounts = {}
            for key in sorted({s["account"] for s in fleet}):
                accounts[key] = env["solar.monitoring.account"].create(
                    {
                        "name": key,
                        "vendor": "enphase",
                        "quota_tier": "unlimited",
                        "base_url": url + "/enphase",
                        "api_key": f"{key}-key",
                        "client_id": f"{key}-client",
                        "client_secret": f"{key}-secret",
                        "access_token": f"{key}-access",
                        "refresh_token": f"{key}-refresh",
                    }
                )
            company = env.company.id
            for start in range(0, len(fleet), 5_000):
                rows = [
                    (
                        s["name"],
                        company,
                        customer.id,
                        s["timezone"],
                        "active",
                        "lease",
                        s["capacity_w"] / 1000,
                        "enphase",
                        s["ref"],
                        accounts[s["account"]].id,
                        s["latitude"],
                        s["longitude"],
                        s["connection"],
                    )
                    for s in fleet[start : start + 5_000]
                ]
                cr.execute(
                    "INSERT INTO solar_site (name, company_id, partner_id, tz, contract_state,"
                    " ownership, capacity_dc_kwp, vendor, vendor_site_ref, account_id, latitude,"
                    " longitude, connection, active, next_check_at)"
                    " SELECT v.*, TRUE, '2100-01-01'::timestamp FROM (VALUES "
                    + ", ".join(
                        ["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows)
                    )
                    + ") AS v",
                    [x for row in rows for x in row],
                )
            del fleet
            cr.commit()
            env.invalidate_all()
            figures = {}
            # 1. liveness: no site due for production, every account due for liveness
            figures["liveness"] = measure_pass(env, AT, url)
            # 2. production: every site due, no account due for liveness
            cr.execute("UPDATE solar_site SET next_check_at = NULL")
            cr.execute(
                "UPDATE solar_monitoring_account SET last_liveness_at = %s",
                [AT.replace(tzinfo=None) + timedelta(minutes=1)],
            )
            cr.commit()
            env.invalidate_all()
            figures["production"] = measure_pass(env, AT + timedelta(minutes=1), url)
    finally:
        sim.terminate()
        sim.wait(timeout=60)
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=False)
    return {"sites": n_sites, **figures}


def measure_pass(env, at, url):
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    calls0 = http(f"{url}/_sim/stats")["calls"]
    m = measure_run(env, at)
    m["api_calls"] = http(f"{url}/_sim/stats")["calls"] - calls0
    m["peak_rss_growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
    return m


def measure_run(env, at):
    cr = env.cr
    queries0, wall0 = cr.sql_log_count, time.perf_counter()
    stats = env["solar.health.check"].run(at=at, commit=True)
    return {
        "wall_s": time.perf_counter() - wall0,
        "queries": cr.sql_log_count - queries0,
        "stats": stats,
    }


def passes_table(results):
    load = os.getloadavg()
    lines = [
        "| sites | pass | wall (s) | ms / site | API calls | SQL queries / site "
        "| peak RSS growth (MB) |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        n = r["sites"]
        for label in ("liveness", "production"):
            m = r[label]
            lines.append(
                f"| {n:,} | {label} | {m['wall_s']:.1f} | {1000 * m['wall_s'] / n:.2f} "
                f"| {m['api_calls']:,} | {m['queries'] / n:.3f} | {m['peak_rss_growth_mb']:.0f} |"
            )
    lines.append(
        f"\nLoad average at the end (1, 5, 15 min): {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}"
    )
    return "\n".join(lines)


def write_section(path: Path, heading: str, body: str) -> None:
    """Put `body` under the Markdown `heading` ("## ...") of `path`,
    replacing that section only (the file is made when missing)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{heading}\n\n{body.strip()}\n\n"
    if heading in text:
        start = text.index(heading)
        rest = text[start + len(heading) :]
        nxt = re.search(r"^## ", rest, flags=re.M)
        end = start + len(heading) + (nxt.start() if nxt else len(rest))
        text = text[:start] + block + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main(argv):
    global PROFILE, SQL
    from odoo.tools import config

    command = " ".join(["setup/bench.sh", *argv])
    if argv[:1] == ["--profile"]:
        PROFILE, argv = Path(argv[1]).resolve(), argv[2:]
    if argv[:1] == ["--sql"]:
        SQL, argv = Path(argv[1]).resolve(), argv[2:]
        SQL.write_text("")
    repeat = 1
    if argv[:1] == ["--repeat"]:
        repeat, argv = max(int(argv[1]), 1), argv[2:]

    if argv[:1] == ["--planner"]:
        print(planner_table())
        return
    if argv[:1] == ["--passes"]:
        config.parse_config(
            [f"--addons-path={REPO}", "--log-level=warn", "--http-interface=127.0.0.1"]
        )
        sizes = [int(a) for a in argv[1:]] or [10_000, 100_000]
        results = [bench_passes(n, free_port(8786 + i)) for i, n in enumerate(sizes)]
        text = passes_table(results)
        print(text)
        out = REPO / "var" / "benchmark-passes.md"
        out.parent.mkdir(exist_ok=True)
        out.write_text(text + "\n")
        return
    sizes = [int(a) for a in argv] or [1000, 10000]
    config.parse_config([f"--addons-path={REPO}", "--log-level=warn", "--http-interface=127.0.0.1"])
    results, spread_runs = [], []
    for i, n in enumerate(sizes):
        runs = sorted(
            (bench(n, free_port(8766 + i)) for _ in range(repeat)),
            key=lambda r: r["cold"]["cpu_s"],
        )
        results.append(runs[len(runs) // 2])
        if repeat > 1:
            spread_runs.append(
                f"{n:,} sites, {repeat} runs, cold CPU ms / site (queries / site): "
                + ", ".join(
                    f"{1000 * r['cold']['cpu_s'] / n:.2f} ({r['cold']['queries'] / n:.3f})"
                    for r in runs
                )
                + "; the median run is in the table"
            )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "| sites | check | wall (s) | sites polled | SQL queries / site | CPU ms / site "
        "| API calls / site | faults opened |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for label in ("cold", "warm"):
            m = r[label]
            n = r["sites"]
            polled = max(m["stats"].get("sites_polled", 0), 1)
            lines.append(
                f"| {n:,} | {label} | {m['wall_s']:.1f} | {polled:,} | {m['queries'] / n:.3f} | "
                f"{1000 * m['cpu_s'] / n:.2f} | {m['api_calls'] / polled:.2f} | "
                f"{m['stats'].get('faults_opened', 0)} |"
            )
    if len(results) > 1:
        a, b = results[0], results[-1]
        scale = b["sites"] / a["sites"]
        for label in ("cold", "warm"):
            lines.append(
                f"\nGrowth {a['sites']:,} -> {b['sites']:,} sites ({scale:.0f}x), {label}: wall "
                f"x{b[label]['wall_s'] / a[label]['wall_s']:.1f}, queries "
                f"x{b[label]['queries'] / max(a[label]['queries'], 1):.1f}"
            )
    lines += [f"\n{line}" for line in spread_runs]
    lines.append(f"\nPeak memory of the Odoo process: {peak_mb:.0f} MB")
    lines.append(
        "\n| sites | Odoo workers | wall incl. start-up (s) | sites claimed per worker "
        "| sites polled per worker | duplicate open faults |"
    )
    lines.append("|---:|---:|---:|---|---|---:|")
    for r in results:
        for n, w in sorted(r["workers"].items()):
            lines.append(
                f"| {r['sites']:,} | {n} | {w['wall_s']:.1f} | {w['sites_per_worker']} "
                f"| {w['polled_per_worker']} | {w['duplicate_faults']} |"
            )
    lines.append("\n" + planner_table())
    text = "\n".join(lines)
    print(text)
    out = REPO / "var" / "benchmark.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text + "\n")
    if SQL:
        print(f"\n(written to {out}; the queries by caller to {SQL})")
        return
    load = os.getloadavg()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    doc = REPO / "docs" / "benchmarks.md"
    write_section(
        doc,
        "## Fleet benchmark",
        f"`{command}` ({when}; load average at the end {load[0]:.1f}, {load[1]:.1f}, "
        f"{load[2]:.1f} on {os.cpu_count()} cores). A simulated fleet on 127.0.0.1 polled "
        "through the real health check into PostgreSQL; *cold*: the first check, which opens "
        "the faults and their tickets; *warm*: the same faults seen again. CPU is the Odoo "
        "process's (its HTTP client, the engine, the ORM; not the simulator's, nor "
        "PostgreSQL's), per site of the fleet; queries are those of the check's cursor.\n\n" + text,
    )
    print(f"\n(written to {out} and {doc})")


if __name__ == "__main__":
    main(sys.argv[1:])
