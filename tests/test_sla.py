from datetime import datetime, timedelta

from solar_om_engine import sla
from solar_om_engine.sla import Clock, ClockState, Milestones, read_clocks

T0 = datetime(2026, 6, 21, 8, 0)
H = timedelta(hours=1)
TARGETS = {Clock.DETECT: 4, Clock.DISPATCH: 24, Clock.FIX: 72, Clock.VERIFY: 48}


def states(readings):
    return {r.clock.value: r.state.value for r in readings}


def test_the_four_clocks_run_one_after_the_other_and_add_up_to_the_outage():
    m = Milestones(
        fault_kind="inverter_fault",
        fault_start=T0,
        opened=T0 + 2 * H,
        dispatched=T0 + 20 * H,
        fixed=T0 + 60 * H,
        closed=T0 + 80 * H,
    )
    readings = read_clocks(m, TARGETS, now=T0 + 100 * H)
    assert [r.clock for r in readings] == list(Clock)
    assert [r.hours for r in readings] == [2, 18, 40, 20]
    assert sum(r.hours for r in readings) == 80
    assert all(r.state is ClockState.MET for r in readings)
    assert readings[1].started == T0 + 2 * H and readings[1].stopped == T0 + 20 * H


def test_a_clock_stopped_past_its_target_is_breached():
    m = Milestones(
        opened=T0, fault_kind="underperformance", fault_start=T0 - 5 * H, dispatched=T0 + 30 * H
    )
    r = read_clocks(m, TARGETS, now=T0 + 31 * H)
    assert r[0].state is ClockState.BREACHED and r[0].hours == 5
    assert r[1].state is ClockState.BREACHED and r[1].hours == 30
    assert r[2].state is ClockState.RUNNING and r[2].hours == 1
    assert r[3].state is ClockState.PENDING and r[3].hours is None


def test_a_running_clock_counts_its_time_so_far_and_is_overdue_past_its_target():
    m = Milestones(opened=T0, fault_kind="inverter_fault", fault_start=T0)
    assert read_clocks(m, TARGETS, now=T0 + 23 * H)[1].state is ClockState.RUNNING
    late = read_clocks(m, TARGETS, now=T0 + 25 * H)[1]
    assert late.state is ClockState.OVERDUE and late.hours == 25 and late.state.late
    assert not late.state.stopped


def test_a_silent_sites_detect_clock_is_not_measured():
    for kind in ("comms_loss", "vendor_outage"):
        m = Milestones(opened=T0, fault_kind=kind, fault_start=T0 - 100 * H)
        detect = read_clocks(m, TARGETS, now=T0)[0]
        assert detect.state is ClockState.NOT_MEASURED and detect.hours is None, kind
        assert not detect.state.late


def test_a_ticket_without_a_known_fault_start_measures_no_detection():
    m = Milestones(opened=T0)
    assert read_clocks(m, TARGETS, now=T0 + H)[0].state is ClockState.NOT_MEASURED


def test_a_site_that_recovered_before_dispatch_measures_nothing_after_detection():
    m = Milestones(opened=T0, fault_kind="underperformance", fault_start=T0, closed=T0 + 99 * H)
    assert states(read_clocks(m, TARGETS, now=T0 + 200 * H)) == {
        "detect": "met",
        "dispatch": "not_measured",
        "fix": "not_measured",
        "verify": "not_measured",
    }


def test_no_target_never_breaches():
    m = Milestones(opened=T0, fault_kind="inverter_fault", fault_start=T0, dispatched=T0 + 900 * H)
    r = read_clocks(m, {Clock.DISPATCH: 0}, now=T0 + 1000 * H)
    assert r[1].state is ClockState.MET and r[1].target_hours is None
    assert r[2].state is ClockState.RUNNING


def test_a_stop_before_its_start_counts_zero():
    # a fault that joined an older ticket began after the ticket opened
    m = Milestones(opened=T0, fault_kind="inverter_fault", fault_start=T0 + 3 * H)
    assert read_clocks(m, TARGETS, now=T0 + 4 * H)[0].hours == 0


def test_targets_by_name_and_in_days_and_hours():
    m = Milestones(opened=T0, fault_kind="inverter_fault", fault_start=T0, dispatched=T0 + 30 * H)
    r = read_clocks(m, {"dispatch": sla.target_hours(days=1, hours=8)}, now=T0 + 31 * H)
    assert r[1].target_hours == 32 and r[1].state is ClockState.MET


def test_a_new_ticket_runs_its_dispatch_clock_and_waits_for_the_rest():
    m = Milestones(opened=T0, fault_kind="inverter_fault", fault_start=T0 - H)
    assert states(read_clocks(m, TARGETS, now=T0 + H)) == {
        "detect": "met",
        "dispatch": "running",
        "fix": "pending",
        "verify": "pending",
    }
