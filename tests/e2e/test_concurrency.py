"""Two health checks at once, and one killed mid-way: the database, not luck,
keeps one open fault and one ticket per fault."""

import os
import signal
import time
from datetime import datetime, timedelta, timezone

import pytest

from solar_om_engine.daylight import is_daylight
from solar_om_engine.simulator import Simulator, make_fleet

from .conftest import CHECK_CODE, load_fleet, psql, run_check, shell_popen, stats_of

pytestmark = pytest.mark.odoo

AT = datetime(2026, 6, 21, 10, 0, tzinfo=timezone.utc)


def faulty_fleet(n_sites, n_faults):
    fleet = make_fleet(n_sites, seed=11)
    fleet.set_clock(AT)
    lit = [
        s
        for s in fleet.sites.values()
        if is_daylight(s.latitude, s.longitude, AT, 25) and s.connection != "cellular"
    ]
    # faults spread over the fleet, as in life: a city where most sites fail
    # at once looks like weather to a peer comparison, and rightly so
    chosen = lit[:: max(1, len(lit) // n_faults)][:n_faults]
    for site in chosen:
        fleet.inject(site.ref, "zero_production", AT.replace(hour=8))
    return fleet, {s.ref for s in chosen}


def fault_refs(db, extra=""):
    sql = (
        "SELECT s.vendor_site_ref FROM solar_fault f JOIN solar_site s ON s.id = f.site_id "
        "WHERE true " + extra
    )
    return {row[0] for row in psql(db, sql)}


def assert_one_fault_one_ticket(db):
    dupes = psql(
        db,
        "SELECT site_id, kind, count(*) FROM solar_fault WHERE state != 'closed'"
        " GROUP BY 1, 2 HAVING count(*) > 1",
    )
    assert dupes == []
    orphans = psql(db, "SELECT id FROM solar_fault WHERE ticket_id IS NULL")
    assert orphans == [], "a fault without its ticket: half-made"
    faults = int(psql(db, "SELECT count(*) FROM solar_fault")[0][0])
    tickets = int(psql(db, "SELECT count(*) FROM helpdesk_ticket WHERE solar_monitoring")[0][0])
    shared = int(psql(db, "SELECT count(DISTINCT ticket_id) FROM solar_fault")[0][0])
    assert tickets == faults == shared
    return faults


def test_two_checks_at_once_still_make_one_fault_and_one_ticket(db):
    fleet, faulty = faulty_fleet(300, 20)
    with Simulator(fleet) as sim:
        load_fleet(db, sim, fleet, claim_size=40)
        env = {"SOLAR_E2E_AT": AT.isoformat()}
        workers = [shell_popen(db, CHECK_CODE, env) for _ in range(2)]
        stats = []
        for proc in workers:
            out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err[-2000:]
            stats.append(stats_of(out))
    # the two workers shared the fleet: every site checked, none twice
    assert sum(s["sites_due"] for s in stats) == 300, stats
    print("sites per worker:", [s["sites_due"] for s in stats])
    faults = assert_one_fault_one_ticket(db)
    refs = fault_refs(db, "AND f.kind = 'inverter_fault'")
    assert faulty <= refs, faulty - refs
    assert faults >= len(faulty)


def test_a_check_killed_mid_way_leaves_nothing_half_made(db):
    fleet, faulty = faulty_fleet(1500, 60)
    with Simulator(fleet) as sim:
        load_fleet(db, sim, fleet, batch_size=25)
        proc = shell_popen(db, CHECK_CODE, {"SOLAR_E2E_AT": AT.isoformat()})
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if int(psql(db, "SELECT count(*) FROM solar_fault")[0][0]) > 0:
                break
            time.sleep(0.02)
        killed_mid_run = proc.poll() is None
        if killed_mid_run:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        assert_one_fault_one_ticket(db)
        before = int(psql(db, "SELECT count(*) FROM solar_fault")[0][0])
        # the dead run's claim on its sites lapses after the 10-minute lease;
        # the next run then picks up what it left
        later = AT + timedelta(minutes=11)
        fleet.set_clock(later)
        stats = run_check(db, later)
    after = assert_one_fault_one_ticket(db)
    refs = fault_refs(db)
    assert faulty <= refs
    assert after >= before
    print(
        f"killed mid-run: {killed_mid_run}; faults before re-run {before}, after {after}; {stats}"
    )
