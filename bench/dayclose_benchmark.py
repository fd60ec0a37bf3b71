"""Daily close benchmark: the day judge's close of a fleet's day, through the
addon's real close (`solar.day.close`) into PostgreSQL.

    PYTHONPATH=$ODOO_SRC $ODOO_PYTHON bench/dayclose_benchmark.py [SITES ...]
    (default: 10000 100000; --write-docs puts the table into docs/benchmarks.md;
    --days N closes only the first N of the three days, in a section of its own;
    --sql FILE writes each day's queries, grouped by statement and calling
    frames, into FILE)

The fleet: the simulator's physics (`simulator.fleet.make_fleet`: sites in
20 cities over the world, every kind of roof, clouds shared by a city) for
2,000 sites, each copied to neighbouring places (within 0.05 degrees, the
same roof and clouds) up to the fleet's size. Every site's three days (June
19 to 21, 2026) are stored as SolarEdge-style quarter-hour series held
until the evening (what the checks' `/power` calls leave on the day rows),
so the close makes no vendor call; 1 % of the sites are at zero production
from noon of the first day (a ticket that day), 1 % underperform (55 %)
from its start (a ticket the second day, once it persists): the third day
is the steady state, the tickets' days noted in their chatter. The
sites are inserted with SQL (what is measured is the close, not the
set-up), then given their field-service location (`fsm.location` and its
contact) in batches through the bulk helper onboarding uses
(`solar.site._sync_fsm_location`): an onboarded site always has one, so a
close that opens tickets never makes them; without them each group that
opens tickets made its sites' locations first (about ten queries a group),
a cost of the benchmark's fleet, not of the close.

For each fleet size and day it prints: wall time, CPU, SQL queries per
site, vendor calls, peak memory growth, days closed, tickets opened and
day notes posted. Not a test: figures, for docs/benchmarks.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

DAYS = (date(2026, 6, 19), date(2026, 6, 20), date(2026, 6, 21))
PROTOTYPES = 2000
FAULT_SHARE = 0.01
SECTION = "## Daily close (day judge)"


def series_of(fleet, site, day, factor):
    """The site's quarter-hour mean power of `day` from local midnight, as
    SolarEdge `/power` gives it (None while the inverter sleeps), each
    quarter times `factor(hour)`."""
    from solar_om_engine.geo import zone

    midnight = datetime.combine(day, dtime(0), tzinfo=zone(site.timezone))
    curve = fleet._day_curve(site, midnight)  # 5-minute points
    out = []
    for q in range(96):
        points = curve[3 * q : 3 * q + 4]
        watts = sum(points) / len(points)
        out.append(None if watts <= 0 else round(watts * factor(q / 4)))
    return out


def build(n_sites, days=DAYS):
    """(sites: list of dicts, series: {(ref, day): [W]}) for the fleet."""
    from solar_om_engine.simulator.fleet import make_fleet

    fleet = make_fleet(min(PROTOTYPES, n_sites), seed=7)
    protos = list(fleet.sites.values())
    rng = random.Random(11)
    curves = {}
    for proto in protos:
        for day in days:
            curves[(proto.ref, day)] = series_of(fleet, proto, day, lambda _h: 1.0)
    sites, series = [], {}
    for i in range(n_sites):
        proto = protos[i % len(protos)]
        ref = f"{proto.ref}-{i // len(protos)}"
        fault = None
        if i % int(1 / FAULT_SHARE) == 3:
            fault = "zero_production"
        elif i % int(1 / FAULT_SHARE) == 53:
            fault = "underperformance"
        sites.append(
            {
                "ref": ref,
                "vendor": "solaredge",
                "name": f"{proto.name} / {i}",
                "latitude": round(proto.latitude + rng.uniform(-0.05, 0.05), 5),
                "longitude": round(proto.longitude + rng.uniform(-0.05, 0.05), 5),
                "timezone": proto.timezone,
                "arrays": [
                    {"dc_kwp": a.dc_kwp, "tilt": a.tilt, "azimuth": a.azimuth} for a in proto.arrays
                ]
                if proto.roof_known
                else None,
                "capacity_kwp": sum(a.dc_kwp for a in proto.arrays),
                "fault": fault,
            }
        )
        for k, day in enumerate(days):
            base = curves[(proto.ref, day)]
            if fault == "zero_production":
                cut = 12 if k == 0 else 0
                values = [
                    None if w is None else (w if q / 4 < cut else 0) for q, w in enumerate(base)
                ]
            elif fault == "underperformance":
                values = [None if w is None else round(w * 0.55) for w in base]
            else:
                values = base
            series[(ref, day)] = values
    return sites, series


def load(env, sites, series, days=DAYS):
    """Accounts, sites, arrays and the stored day series, in bulk SQL."""
    cr = env.cr
    customer = env["res.partner"].create({"name": "Benchmark customer"})
    accounts = []
    for index in range(len(sites) // 10_000 + 1):
        accounts.append(
            env["solar.monitoring.account"].create(
                {
                    "name": f"solaredge-{index}",
                    "vendor": "solaredge",
                    "quota_tier": "unlimited",
                    "base_url": "http://127.0.0.1:9/solaredge/v2",
                    "api_key": "bench-key",
                }
            )
        )
    company = env.company.id
    ids = {}
    for start in range(0, len(sites), 5000):
        chunk = sites[start : start + 5000]
        rows = [
            (
                s["name"],
                company,
                customer.id,
                s["timezone"],
                "active",
                "customer",
                s["capacity_kwp"],
                "solaredge",
                s["ref"],
                accounts[(start + n) // 10_000].id,
                s["latitude"],
                s["longitude"],
                "ethernet",
                "arrays" if s["arrays"] else "unknown",
            )
            for n, s in enumerate(chunk)
        ]
        cr.execute(
            "INSERT INTO solar_site (name, company_id, partner_id, tz, contract_state,"
            " ownership, capacity_dc_kwp, vendor, vendor_site_ref, account_id, latitude,"
            " longitude, connection, roof_orientation, active, health_state)"
            " SELECT v.*, TRUE, 'night' FROM (VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
            + ") AS v RETURNING id, vendor_site_ref",
            [x for row in rows for x in row],
        )
        ids.update({ref: site_id for site_id, ref in cr.fetchall()})
    # each site's service location, as onboarding makes it (its contact a
    # child of the customer's), in batches, without chatter
    quiet = (
        env["solar.site"]
        .sudo()
        .with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
    )
    site_ids = sorted(ids.values())
    for start in range(0, len(site_ids), 5000):
        quiet.browse(site_ids[start : start + 5000])._sync_fsm_location()
        env.invalidate_all()
    arrays = [
        (ids[s["ref"]], company, a["dc_kwp"], a["tilt"], a["azimuth"])
        for s in sites
        if s["arrays"]
        for a in s["arrays"]
    ]
    for start in range(0, len(arrays), 5000):
        chunk = arrays[start : start + 5000]
        cr.execute(
            "INSERT INTO solar_site_array (site_id, company_id, dc_kwp, tilt, azimuth, sequence)"
            " SELECT v.*, 10 FROM (VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            + ") AS v",
            [x for row in chunk for x in row],
        )
    from solar_om_engine.geo import zone

    for day in days:
        rows = []
        for s in sites:
            values = series[(s["ref"], day)]
            evening = datetime.combine(day, dtime(23, 0), tzinfo=zone(s["timezone"]))
            rows.append(
                (
                    ids[s["ref"]],
                    company,
                    day,
                    json.dumps({"step_minutes": 15, "power_w": values}),
                    evening.astimezone(timezone.utc).replace(tzinfo=None),
                )
            )
        for start in range(0, len(rows), 5000):
            chunk = rows[start : start + 5000]
            cr.execute(
                "INSERT INTO solar_production_daily (site_id, company_id, day, series_json,"
                " series_at) SELECT v.site_id, v.company_id, v.day::date, v.series::jsonb,"
                " v.at::timestamp FROM (VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
                + ") AS v(site_id, company_id, day, series, at)",
                [x for row in chunk for x in row],
            )
    cr.commit()
    return env["solar.monitoring.account"].browse([a.id for a in accounts])


def measure(env, accounts, day, sql=None):
    from sql_profile import recording, report

    cr = env.cr
    tickets0 = env["helpdesk.ticket"].search_count([])
    notes0 = env["mail.message"].search_count([("model", "=", "helpdesk.ticket")])
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queries0, cpu0, wall0 = cr.sql_log_count, time.process_time(), time.perf_counter()
    # long after the day: every zone's day is over, nothing else is due
    at = datetime.combine(day + timedelta(days=2), dtime(12), tzinfo=timezone.utc)
    with recording() if sql else contextlib.nullcontext() as log:
        stats = env["solar.day.close"]._replay_days([day], accounts, at, commit=True)
    if sql:
        with sql.open("a") as out:
            out.write(report(log, f"close of {day}") + "\n\n")
    figures = {
        "wall_s": time.perf_counter() - wall0,
        "cpu_s": time.process_time() - cpu0,
        "queries": cr.sql_log_count - queries0,
        "rss_growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024,
        "stats": stats,
    }
    env.invalidate_all()
    figures["tickets"] = env["helpdesk.ticket"].search_count([]) - tickets0
    figures["notes"] = (
        env["mail.message"].search_count([("model", "=", "helpdesk.ticket")]) - notes0
    )
    return figures


def bench(n_sites, days=DAYS, sql=None):
    from fleet_benchmark import PREFIX, install_db

    import odoo
    from odoo.modules.registry import Registry

    db = f"{PREFIX}_dayclose_bench_{n_sites}"
    install_db(db)
    start = time.perf_counter()
    sites, series = build(n_sites, days)
    registry = Registry(db)
    results = []
    try:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            accounts = load(env, sites, series, days)
            del series
            print(f"{n_sites:,} sites set up in {time.perf_counter() - start:.0f} s", flush=True)
            for day in days:
                figures = measure(env, accounts, day, sql)
                print(n_sites, day, {k: v for k, v in figures.items() if k != "stats"}, flush=True)
                results.append({"sites": n_sites, "day": day, **figures})
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", db], check=False)
    return results


def table(results):
    load_avg = os.getloadavg()
    lines = [
        "| sites | day | wall (s) | ms / site | CPU ms / site | SQL queries / site "
        "| vendor calls | days closed | tickets opened | day notes | peak RSS growth (MB) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        n, st = r["sites"], r["stats"]
        lines.append(
            f"| {n:,} | {r['day']} | {r['wall_s']:.0f} | {1000 * r['wall_s'] / n:.1f} "
            f"| {1000 * r['cpu_s'] / n:.1f} | {r['queries'] / n:.4f} "
            f"| {st.get('day_series_calls', 0)} | {st.get('days_closed', 0):,} "
            f"| {r['tickets']} | {r['notes']} | {r['rss_growth_mb']:.0f} |"
        )
    lines.append(
        f"\nLoad average at the end (1, 5, 15 min): {load_avg[0]:.1f}, {load_avg[1]:.1f}, "
        f"{load_avg[2]:.1f} (2 cores shared with other work)."
    )
    return "\n".join(lines)


def write_docs(text, command, heading, days):
    path = REPO / "docs" / "benchmarks.md"
    body = path.read_text() if path.exists() else "# Benchmarks\n"
    section = (
        f"{heading}\n\n`{command}`, {date.today().isoformat()}: the addon's daily close "
        f"(`solar.day.close`, the engine's `replay.close_day`) of {days} of a fleet whose "
        "day series are on the day rows (no vendor call), into PostgreSQL "
        "(bench/dayclose_benchmark.py says how the fleet is made).\n\n" + text + "\n"
    )
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    body = (
        pattern.sub(section + "\n", body)
        if pattern.search(body)
        else body.rstrip() + "\n\n" + section
    )
    path.write_text(body)


def main(argv):
    from odoo.tools import config

    write = "--write-docs" in argv
    count = len(DAYS)
    if "--days" in argv:
        count = int(argv.pop(argv.index("--days") + 1))
        argv.remove("--days")
    days = DAYS[:count]
    sql = None
    if "--sql" in argv:
        sql = Path(argv.pop(argv.index("--sql") + 1)).resolve()
        argv.remove("--sql")
        sql.write_text("")
    sizes = [int(a) for a in argv if a.isdigit()] or [10_000, 100_000]
    config.parse_config([f"--addons-path={REPO}", "--log-level=warn", "--http-interface=127.0.0.1"])
    results = []
    for n in sizes:
        results += bench(n, days, sql)
    text = table(results)
    print(text)
    if write:
        command = "bench/dayclose_benchmark.py " + " ".join(map(str, sizes))
        if days == DAYS:
            write_docs(text, command, SECTION, "three days")
        else:
            # fewer days: a section of its own, the three-day table stays
            sites = " and ".join(f"{n:,}" for n in sizes)
            first = "the first day" if count == 1 else f"the first {count} days"
            write_docs(text, f"{command} --days {count}", f"{SECTION}: {sites} sites", first)


if __name__ == "__main__":
    main(sys.argv[1:])
