"""Onboarding a 1,000-system account in one pass (figures, not a test).

    python bench/onboarding_benchmark.py [SYSTEMS] [--vendor enphase|solaredge]
                                         [--no-write]          (default 1000 enphase)

Builds a throw-away database (no demo data) with 300 customers who own some
of the account's systems, serves an installer account of SYSTEMS systems from
the simulator on 127.0.0.1 (with its Nominatim-compatible geocoder), and, as
an O&M manager, times: the discovery (list pages, sorting, customer
suggestions), the creation of every new site in one go (devices and size from
the vendor, customers, coordinates, service locations, team, territory), and
a second discovery. Prints wall time, vendor calls, SQL queries and queries
per site, the calls the same pass costs on each real plan, and writes its
table into docs/benchmarks.md under its own heading, in the vendor's own
subsection (the other vendor's and the other sections are left as they
are). SOLAR_OM_BENCH_DB names the database (default
solar_om_bench_onboarding); it is dropped at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

DB = os.environ.get("SOLAR_OM_BENCH_DB", "solar_om_bench_onboarding")
REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "benchmarks.md"
HEADING = "## Onboarding a 1,000-system account"
OWNERS_KNOWN = 300


def install_db():
    subprocess.run(["dropdb", "--if-exists", "--force", DB], check=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            DB,
            "-i",
            "solar_om_monitoring",
            "--stop-after-init",
            "--without-demo",
            "--log-level=warn",
            "--max-cron-threads=0",
            "--no-http",
        ],
        check=True,
        cwd="/tmp",
    )


# the tables the ORM writes for the customers it creates and for OCA
# fieldservice's service locations (with their contacts), with their chatter
# and followers: their create() (its INSERT made in one statement by
# bulk_insert.create_rows, counted as set-based) and its flush
ORM_TABLES = ("res_partner", "fsm_location", "mail_followers", "mail_message")
# the tables behind Odoo's caches a worker fills once (access rights, record
# rules, defaults, settings, subtypes): read by a cold worker, not by a warm one
CACHED_TABLES = (
    "ir_model_access",
    "ir_rule",
    "rule_group_rel",
    "res_groups",
    "ir_default",
    "ir_model",
    "ir_config_parameter",
    "mail_message_subtype",
    "properties_base_definition",
)
# what one pass's queries are, counted by kind over both of its steps
KINDS = {"set_based": 0, "orm_writes": 0, "caches": 0}


def kind_of(text):
    """'set_based' (bulk_insert's INSERT ... FROM unnest: insert_rows' and
    create()'s through create_rows), 'orm_writes' (another INSERT or UPDATE
    of ORM_TABLES), 'caches' (a read of CACHED_TABLES) or None (another
    read, or onboarding's own set-based UPDATEs)."""
    if text.startswith("WITH ROWS AS (SELECT NEXTVAL("):
        return "set_based"
    words = text.replace('"', " ").lower().split()
    if words[:1] == ["insert"] and len(words) > 2 and words[2].startswith(ORM_TABLES):
        return "orm_writes"
    if words[:1] == ["update"] and len(words) > 1 and words[1].startswith(ORM_TABLES):
        return "orm_writes"
    if words[:1] == ["select"] and "from" in words:
        table = words[words.index("from") + 1]
        if table in CACHED_TABLES:
            return "caches"
    return None


def measured(env, call):
    """(result, seconds, queries), the step's pending writes flushed; the
    queries are also counted by kind in KINDS."""
    env.invalidate_all()
    cursor_class = type(env.cr)
    execute = cursor_class.execute

    def counting(cr, query, params=None, log_exceptions=True):
        kind = kind_of(str(getattr(query, "code", query)).lstrip().upper())
        if kind:
            KINDS[kind] += 1
        return execute(cr, query, params, log_exceptions)

    cursor_class.execute = counting
    before = env.cr.sql_log_count
    start = time.perf_counter()
    try:
        result = call()
        # what the step left to write (computed fields the ORM recomputes at
        # the flush) is the step's, not the commit's that follows
        env.flush_all()
    finally:
        cursor_class.execute = execute
    return result, time.perf_counter() - start, env.cr.sql_log_count - before


INTRO = (
    "One subsection a vendor, each written by its own run of "
    "`python bench/onboarding_benchmark.py 1000 --vendor enphase|solaredge`."
)
VENDORS = {"enphase": "Enphase", "solaredge": "SolarEdge", "apsystems": "APsystems"}


def write_section(vendor, lines):
    """Replace (or add) this vendor's subsection of this benchmark's own
    section of docs/benchmarks.md; the other vendors' stay as they are."""
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    subsections = {}
    if HEADING in text:
        start = text.index(HEADING)
        following = text.find("\n## ", start + len(HEADING))
        end = len(text) if following < 0 else following + 1
        body = text[start + len(HEADING) : end]
        # (what precedes the first subsection is the intro, written anew)
        for chunk in body.split("\n### ")[1:]:
            title, _newline, rest = chunk.partition("\n")
            subsections[title.strip()] = rest.strip("\n")
        before, after = text[:start], text[end:] if following >= 0 else ""
    else:
        before, after = text.rstrip("\n") + "\n\n", ""
    subsections[VENDORS.get(vendor, vendor)] = "\n".join(lines)
    parts = [HEADING, "", INTRO]
    for title, rest in subsections.items():
        parts += ["", f"### {title}", "", rest]
    section = "\n".join(parts) + "\n"
    DOC.write_text(before + section + ("\n" + after if after else ""))


def main(argv):
    write = "--no-write" not in argv
    vendor = "enphase"
    if "--vendor" in argv:
        vendor = argv[argv.index("--vendor") + 1]
    numbers = [a for a in argv if a.isdigit()]
    n_systems = int(numbers[0]) if numbers else 1000
    install_db()

    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    from solar_om_engine import planner
    from solar_om_engine.quota import TIERS, UNLIMITED
    from solar_om_engine.simulator import Simulator
    from solar_om_engine.simulator.fleet import onboarding_fleet

    config.parse_config(["--log-level=warn"])
    fleet = onboarding_fleet(n_systems, vendor)
    sim = Simulator(fleet).start()
    account_key = next(iter(fleet.accounts.values()))
    registry = Registry(DB)
    try:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            provider = env.ref("solar_om_monitoring.geo_provider_nominatim_server")
            params = env["ir.config_parameter"]
            params.set_param("base_geolocalize.geo_provider", provider.id)
            params.set_param("solar_om_monitoring.nominatim_url", sim.url + "/nominatim")
            # customers who own some of the systems: "<Surname> home" in their city
            owned = list(fleet.sites.values())[:OWNERS_KNOWN]
            env["res.partner"].create(
                [
                    {"name": f"Client {s.name.removesuffix(' home')}", "city": s.cloud_cell}
                    for s in owned
                ]
            )
            manager = env["res.users"].create(
                {
                    "name": "Bench manager",
                    "login": "bench_onboarding_manager",
                    "tz": "Europe/Berlin",
                    "group_ids": [(6, 0, [env.ref("solar_om.group_solar_om_manager").id])],
                }
            )
            values = {
                "name": "Installer account",
                "vendor": vendor,
                "quota_tier": "unlimited",
                "base_url": sim.base_url(vendor),
                "api_key": account_key.api_key,
            }
            if vendor == "enphase":
                values.update(
                    client_id=f"{account_key.key}-client",
                    client_secret=account_key.secret,
                    access_token=account_key.access_token,
                    refresh_token=account_key.refresh_token,
                )
            account = env["solar.monitoring.account"].create(values)
            cr.commit()
            uenv = env(user=manager)
            acc = account.with_env(uenv)

            calls_before = sim.calls
            summary, t_discover, q_discover = measured(uenv, acc._discover)
            calls_discover = sim.calls - calls_before
            systems = uenv["solar.vendor.system"].search([("account_id", "=", account.id)])
            matched = len(systems.filtered("suggested_partner_id"))
            calls_before = sim.calls
            result, t_create, q_create = measured(uenv, lambda: acc._onboard_create(systems))
            kinds = dict(KINDS)
            calls_create = sim.calls - calls_before
            cr.commit()
            again, t_again, q_again = measured(uenv, acc._discover)
            sites = env["solar.site"].search([("account_id", "=", account.id)])
            devices = env["solar.device"].search_count([("site_id", "in", sites.ids)])
            placed = len(sites.filtered("has_coordinates"))
            cr.rollback()
    finally:
        sim.stop()
        subprocess.run(["dropdb", "--if-exists", "--force", DB], check=False)

    n = n_systems
    per_site = (q_discover + q_create) / n
    q_orm, q_set, q_cached = kinds["orm_writes"], kinds["set_based"], kinds["caches"]
    q_rest = q_discover + q_create - q_orm - q_set
    total_calls = calls_discover + calls_create
    print(f"{vendor}: {n:,} systems, {OWNERS_KNOWN} of them owned by known customers")
    rows = [
        ("discovery (list, sort, suggest)", t_discover, calls_discover, q_discover),
        ("create every new site in one go", t_create, calls_create, q_create),
        ("second discovery (nothing new)", t_again, None, q_again),
    ]
    table = [
        "| step | wall time | vendor calls | SQL queries | queries per site |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, seconds, calls, queries in rows:
        calls_text = "" if calls is None else f"{calls:,}"
        table.append(
            f"| {label} | {seconds:.1f} s | {calls_text} | {queries:,} | {queries / n:.3f} |"
        )
    table.append(
        f"| **discover and create, one pass** | **{t_discover + t_create:.1f} s** | "
        f"**{total_calls:,}** | **{q_discover + q_create:,}** | **{per_site:.3f}** |"
    )
    table.append(
        f"| of which the INSERTs, one statement a table: listed systems; new customers, "
        f"their notes and followers, service locations (OCA `fsm.location`) and their "
        f"contacts, through their create(); sites, devices, site notes | | | "
        f"{q_set:,} | {q_set / n:.3f} |"
    )
    table.append(
        f"| of which the ORM's other writes of customers, locations, chatter and followers "
        f"(at the flush, 100 rows a statement) | | | {q_orm:,} | {q_orm / n:.3f} |"
    )
    table.append(
        f"| of which everything else (reads, onboarding's own updates) | | | "
        f"{q_rest:,} | {q_rest / n:.3f} |"
    )
    for line in table:
        print(line)
    facts = [
        f"- sites created: {result['created']:,} (queued {result['queued']}, failed "
        f"{result['failed']}); devices with serials: {devices:,}; customers suggested: "
        f"{matched} of {n:,}; placed by the geocoder: {placed:,}; second discovery: "
        f"{again['new']} new, {again['known']:,} known",
    ]
    verdict = "met" if per_site <= 0.05 else "not met"
    facts.append(
        f"- the target of at most 0.05 queries a site is {verdict} ({per_site:.3f}): "
        f"{q_set:,} statements insert every row of the pass: the {n:,} listed systems, the "
        f"{n - matched:,} new customers with their 'created' notes and their creator "
        f"following them (res.partner's create() as it is, its INSERTs made in one statement "
        f"each by bulk_insert.create_rows), the {n:,} service locations and their contacts "
        f"(OCA fieldservice's create(), likewise), the {n:,} sites, their {devices:,} "
        f"devices and {n:,} creation notes (bulk_insert.insert_rows); {q_orm:,} other "
        f"writes of the ORM's; {q_rest:,} queries ({q_rest / n:.3f} a site) are reads and "
        f"onboarding's own set-based updates, {q_cached} of them reads of Odoo's caches a "
        "worker fills once (access rights, record rules, defaults, settings, subtypes)"
    )
    plan_rows = [
        "| plan | per minute / month | calls now | sites created now | waiting for the daily job |",
        "|---|---:|---:|---:|---:|",
    ]
    for tier_name, tier in TIERS[vendor].items():
        plan = planner.discovery_plan(vendor, tier, n, n, month_used=0)
        plan_rows.append(
            f"| {tier_name} | {tier.per_minute:,} / {tier.per_month:,} | {plan.calls:,} | "
            f"{plan.create_now:,} | {plan.create_later:,} |"
        )
    for line in facts + [""] + plan_rows:
        print(line)
    assert summary["new"] == n and again["new"] == 0 and result["created"] == n
    assert (
        total_calls
        == planner.discovery_plan(
            vendor,
            UNLIMITED,  # the benchmark's account: quota_tier "unlimited"
            n,
            n,
            0,
        ).calls
    ), "the calls made are the calls the planner prices"
    if write:
        write_section(
            vendor,
            [
                f"`python bench/onboarding_benchmark.py {n} --vendor {vendor}` "
                f"(via `setup/bench.sh`'s environment), {date.today().isoformat()}, "
                "2-core machine, simulator on 127.0.0.1 (its Nominatim-compatible geocoder "
                "answering every address).",
                "",
                *table,
                "",
                *facts,
                "",
                "What the same pass costs on each real plan (`planner.discovery_plan`: the "
                "list pages always, then each new site's devices"
                + (" and size (summary)" if vendor == "enphase" else "")
                + " within a quarter of the month's calls and 10 minutes at the per-minute "
                "limit; the rest is created by the daily job):",
                "",
                *plan_rows,
            ],
        )
        print(f"written to {DOC.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
