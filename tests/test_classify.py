"""The snapshot check's rules, each threshold pinned on both sides, and every
verdict kind as a user would read it.

The rules are pure functions over one `CheckFacts`, so most tests build the
facts they need (a modelled site whose power due is a straight line in the
sky, a neighbours' sky) and ask the rule, or the whole list, what it says.
`test_expected.py` judges readings against the real physics."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from solar_om_engine import classify
from solar_om_engine.classify import (
    CHECK_RULES,
    NO_SKY,
    BetweenUploads,
    CheckFacts,
    DevicesDown,
    ImplausibleData,
    MeterDisagrees,
    NeighboursSky,
    Night,
    Reporting,
    Silent,
    Sky,
    TooDimToTell,
    VendorAlarm,
    Witness,
    ZeroProduction,
    classify_fleet,
    classify_liveness,
    neighbour_skies,
    with_rules,
)
from solar_om_engine.daylight import sun_elevation
from solar_om_engine.expected import KC_GRID, SiteModel
from solar_om_engine.readings import parse_reading

# Munich, 21 June 2026, 10:00 UTC (12:00 local): sun about 64° up
NOON = datetime(2026, 6, 21, 10, 0, tzinfo=timezone.utc)
MIDNIGHT = datetime(2026, 6, 21, 22, 30, tzinfo=timezone.utc)
CAP = 10000.0
SKY_POLICY = NeighboursSky()


def reading(site="s1", lat=48.137, lon=11.575, tz="Europe/Berlin", at=NOON, **over):
    data = {
        "site": site,
        "account": "acc",
        "vendor": "solaredge",
        "latitude": lat,
        "longitude": lon,
        "timezone": tz,
        "capacity_w": CAP,
        "last_report_at": (at - timedelta(minutes=10)).isoformat(),
        "power_w": 6000.0,
        "energy_today_wh": 30000.0,
        "devices_total": 20,
        "devices_reporting": 20,
        "meter_energy_today_wh": None,
        "vendor_status": None,
    }
    data.update(over)
    return parse_reading(data)


def neighbours(n=4, at=NOON, **over):
    return [
        reading(f"peer{i}", lat=48.137 + i * 0.01, lon=11.575 + i * 0.01, at=at, **over)
        for i in range(n)
    ]


def verdict_of(site_reading, at=NOON, peers=True, rules=CHECK_RULES):
    readings = [site_reading] + (neighbours(at=at) if peers else [])
    return classify_fleet(readings, at, rules).by_site()[site_reading.site]


# ---------------------------------------------------------------- facts by hand


def model(due_at_clear=CAP, energy_at_clear=40000.0, dc_w=CAP, oriented=False, ceiling=1e6):
    """A modelled site whose least plausible power is `due_at_clear` x the
    sky (a straight line) and energy since midnight `energy_at_clear` x it."""
    power = KC_GRID * due_at_clear
    energy = KC_GRID * energy_at_clear
    return SiteModel(oriented, dc_w, CAP, energy, power, energy, power, power, ceiling)


def facts(site_model=None, sky=NO_SKY, elevation=40.0, **over):
    return CheckFacts(reading(**over), NOON, elevation, site_model or model(), sky)


def judged(f: CheckFacts, rules=CHECK_RULES):
    """What the list of rules says of these facts (the first verdict)."""
    split = classify._first_needing_model(rules)
    return classify._decide(f, rules[:split]) or classify._decide(f, rules[split:])


ZERO = ZeroProduction()


def test_zero_power_is_a_fraction_of_capacity():
    # under a clear sky the least plausible roof is due 100 % of capacity
    sky = Sky(now_low=1.0)
    assert ZERO(facts(sky=sky, power_w=0.004 * CAP)).kind == "inverter_fault"
    assert ZERO(facts(sky=sky, power_w=0.006 * CAP)) is None
    # and the whole list then says the site reports, nothing more
    v = judged(facts(sky=sky, power_w=0.006 * CAP))
    assert (v.kind, v.evidence["rule"]) == ("ok", "Reporting")


def test_zero_production_needs_five_percent_of_capacity_due_under_the_neighbours_sky():
    # due = sky x capacity: the neighbours' sky at 5.1 % vs 4.9 % of clear
    big = 1e9  # energy made today: the energy rule stays out of it
    hit = ZERO(facts(sky=Sky(now_low=0.051), power_w=0.0, energy_today_wh=big))
    assert hit.kind == "inverter_fault"
    assert "is due under the neighbours' sky" in hit.reason
    assert hit.evidence["due_power_w"] == 510
    assert ZERO(facts(sky=Sky(now_low=0.049), power_w=0.0, energy_today_wh=big)) is None


def test_without_neighbours_zero_production_assumes_a_dull_overcast():
    # no sky from neighbours: 20 % of clear; the least plausible roof due 5 %
    # of capacity under it at 25 % of capacity under a clear sky
    just = ZERO(facts(model(due_at_clear=0.251 * CAP), power_w=0.0, energy_today_wh=1e9))
    assert just.kind == "inverter_fault" and "under an overcast sky" in just.reason
    assert ZERO(facts(model(due_at_clear=0.249 * CAP), power_w=0.0, energy_today_wh=1e9)) is None


@pytest.mark.parametrize(("made", "fault"), [(0.049, True), (0.051, False)])
def test_an_inverter_that_never_started_today_made_at_most_five_percent_of_the_energy_due(
    made, fault
):
    # too dark now for the power rule (2 % due), but since midnight at least
    # 4 kWh was due under the darkest sky the neighbours allow (0.1 of clear)
    sky = Sky(today_low=0.1, now_low=0.2)
    due = 40000.0 * 0.1
    f = facts(model(due_at_clear=0.1 * CAP), sky=sky, power_w=0.0, energy_today_wh=made * due)
    v = ZERO(f)
    assert (v is not None and v.kind == "inverter_fault") is fault
    if fault:
        assert "kWh was due since sunrise" in v.reason and v.evidence["due_energy_wh"] == 4000


@pytest.mark.parametrize(
    ("dc_kwp", "due_wh", "fault"),
    [
        # 0.01 kWh per kWp: 200 Wh on 20 kWp ...
        (20.0, 210.0, True),
        (20.0, 190.0, False),
        # ... and never less than 100 Wh (ten APsystems steps of 0.01 kWh)
        (2.0, 105.0, True),
        (2.0, 95.0, False),
    ],
)
def test_the_energy_due_must_be_enough_to_tell_nothing_from_a_first_few_watt_hours(
    dc_kwp, due_wh, fault
):
    # the darkest sky allowed is never brighter than the dull overcast (0.2)
    sky = Sky(today_low=1.0, now_low=1.0)
    m = model(due_at_clear=0.01 * CAP, energy_at_clear=due_wh / 0.2, dc_w=dc_kwp * 1000)
    v = ZERO(facts(m, sky=sky, power_w=0.0, energy_today_wh=0.0))
    assert (v is not None) is fault


def test_the_darkest_near_neighbour_gives_three_percent_of_capacity():
    # the quartile now says 4 % due (no fault alone); the darkest of the
    # nearest producing neighbours still gives 3.1 % vs 2.9 % (an early
    # morning: too little energy due yet, too little made to say it stopped)
    early = model(energy_at_clear=400.0)
    base = dict(power_w=0.0, energy_today_wh=50.0)
    hit = ZERO(facts(early, sky=Sky(now_low=0.04, now_dark=0.031, near=6), **base))
    assert hit.kind == "inverter_fault"
    assert "darkest sky of its 6 nearest producing neighbours" in hit.reason
    assert ZERO(facts(early, sky=Sky(now_low=0.04, now_dark=0.029, near=6), **base)) is None


@pytest.mark.parametrize(
    ("near_due", "share", "made_wh", "fault"),
    [
        (0.016, 0.04, 150.0, True),  # dim light, nothing of it, after a morning's work
        (0.014, 0.04, 150.0, False),  # under 1.5 % of capacity due
        (0.016, 0.06, 150.0, False),  # making 6 % of the due: a working inverter in dim light
        (0.016, 0.04, 90.0, False),  # under 100 Wh made today: it may not have started yet
    ],
)
def test_in_dim_light_a_site_that_worked_then_stopped_is_zero_production(
    near_due, share, made_wh, fault
):
    power = share * near_due * CAP
    sky = Sky(now_low=0.02, now_dark=near_due, near=6)
    v = ZERO(facts(sky=sky, power_w=power, energy_today_wh=made_wh))
    assert (v is not None) is fault


def test_none_of_its_devices_reporting_at_zero_watts_is_zero_production():
    dark = Sky(now_low=0.01)
    silent = facts(sky=dark, power_w=0.0, energy_today_wh=1e9, devices_reporting=0)
    assert ZERO(silent).kind == "inverter_fault"
    assert "0 of 20 devices reporting" in ZERO(silent).reason
    # the same under a roof due under 5 % of capacity even under a clear sky
    assert ZERO(replace(silent, model=model(due_at_clear=0.049 * CAP))) is None


def test_zero_watts_too_dim_to_tell_is_indeterminate_never_ok():
    # an ok would count towards closing an open Zero Production fault
    v = judged(facts(sky=Sky(now_low=0.02), power_w=0.0))
    assert (v.kind, v.evidence["abstained"]) == ("indeterminate", "too_dark")
    assert "too dark to tell a fault from the weather" in v.reason
    assert TooDimToTell()(facts(sky=Sky(now_low=0.02), power_w=0.006 * CAP)) is None


def test_implausible_power_is_one_and_a_half_times_capacity():
    rule = ImplausibleData()
    assert rule(facts(power_w=1.51 * CAP)).kind == "configuration_issue"
    assert rule(facts(power_w=1.49 * CAP)) is None


def test_arrays_of_more_than_three_times_the_ac_are_a_typo():
    rule = ImplausibleData()
    assert rule(facts(model(dc_w=3.1 * CAP, oriented=True))).kind == "configuration_issue"
    assert rule(facts(model(dc_w=2.9 * CAP, oriented=True))) is None


def test_more_energy_than_any_roof_of_its_size_could_make_is_implausible():
    # 1.5 x the ceiling, plus 100 Wh per kWp of slack (10 kWp: 1 kWh)
    limit = 1.5 * 20000.0 + 1000.0
    rule = ImplausibleData()
    v = rule(facts(model(ceiling=20000.0), energy_today_wh=limit + 10))
    assert v.kind == "configuration_issue" and "no roof of this size" in v.reason
    assert rule(facts(model(ceiling=20000.0), energy_today_wh=limit - 10)) is None


def test_a_meter_is_faulty_more_than_a_quarter_apart():
    rule = MeterDisagrees()
    assert rule(facts(meter_energy_today_wh=30000 * 1.26)).kind == "meter_fault"
    assert rule(facts(meter_energy_today_wh=30000 * 1.24)) is None
    assert rule(facts(meter_energy_today_wh=30000 * 0.74)).kind == "meter_fault"


def test_tiny_dawn_totals_are_not_compared():
    # 0.1 kWh per kWp made (10 kWp: 1 kWh) before a meter is compared
    rule = MeterDisagrees()
    early = facts(energy_today_wh=500.0, meter_energy_today_wh=1010.0)
    assert rule(early).kind == "meter_fault"
    assert rule(replace(early, reading=replace(early.reading, meter_energy_today_wh=990.0))) is None


def test_a_flagged_meter_that_is_silent_is_a_fault_an_unflagged_one_is_not():
    assert MeterDisagrees()(facts(meter_expected=True)).kind == "meter_fault"
    assert MeterDisagrees()(facts()) is None


def test_fewer_devices_reporting_than_the_site_has_is_string_mlpe():
    assert DevicesDown()(facts(devices_reporting=19)).reason == "19 of 20 devices reporting"
    assert DevicesDown()(facts(devices_reporting=20)) is None


@pytest.mark.parametrize(
    ("status", "kind"),
    [("power", "underperformance"), ("error", "inverter_fault"), ("rma", "inverter_fault")],
)
def test_the_vendors_own_alarm_in_daylight_is_a_fault(status, kind):
    v = VendorAlarm()(facts(vendor="enphase", vendor_status=status))
    assert v.kind == kind and f"vendor status {status!r} in daylight" in v.reason
    assert VendorAlarm()(facts(vendor="enphase", vendor_status="normal")) is None


def test_a_reporting_site_is_ok_without_a_word_about_how_much_it_produces():
    v = judged(facts(sky=Sky(today=0.9, now_low=0.9)))
    assert v.kind == "ok"
    assert v.reason == "reporting 6.0 kW, 30.0 kWh today; production is judged at the day's close"
    # no ratio: an ok without one never closes an Underperformance fault
    assert "ratio" not in v.evidence and "producing normally" not in v.reason


# ---------------------------------------------------------------- freshness


def test_the_sun_must_be_ten_degrees_up():
    # Munich, 21 June: the sun passes 10° at about 04:29 UTC
    for minute in range(0, 120):
        at = datetime(2026, 6, 21, 3, 30, tzinfo=timezone.utc) + timedelta(minutes=minute)
        if sun_elevation(48.137, 11.575, at) >= 10.0:
            break
    below, above = at - timedelta(minutes=2), at + timedelta(minutes=2)

    def facts_at(when):
        return CheckFacts(reading(at=when), when, sun_elevation(48.137, 11.575, when))

    assert Night()(facts_at(below)).kind == "night"
    assert Night()(facts_at(above)) is None
    assert verdict_of(reading(at=below), at=below).kind == "night"
    assert verdict_of(reading(at=above), at=above).kind != "night"


def test_night_is_never_judged_even_when_silent_and_dark():
    silent = reading(at=MIDNIGHT, last_report_at="2026-06-21T18:00:00+02:00", power_w=0.0)
    v = verdict_of(silent, at=MIDNIGHT)
    assert v.kind == "night"
    assert "below 10.0°" in v.reason


@pytest.mark.parametrize(("minutes", "kind"), [(44, "ok"), (46, "comms_loss")])
def test_silent_after_three_missed_uploads(minutes, kind):
    v = verdict_of(reading(last_report_at=(NOON - timedelta(minutes=minutes)).isoformat()))
    assert v.kind == kind, v.reason


def test_stale_last_report_is_comms_loss_not_zero_power():
    silent = reading(last_report_at=(NOON - timedelta(hours=2)).isoformat(), power_w=0.0)
    v = verdict_of(silent)
    assert v.kind == "comms_loss"
    assert v.case_type == "comms_loss"
    assert "no report for 2.0 h" in v.reason


@pytest.mark.parametrize(("hours", "kind"), [(12.9, "ok"), (13.1, "comms_loss")])
def test_a_cellular_gateway_is_silent_after_two_missed_six_hour_uploads(hours, kind):
    last = (NOON - timedelta(hours=hours)).isoformat()
    v = verdict_of(reading(vendor="enphase", connection="cellular", last_report_at=last))
    assert v.kind == kind, v.reason


def test_a_cellular_gateway_between_uploads_is_ok_when_it_last_showed_production():
    four_hours = (NOON - timedelta(hours=4)).isoformat()
    cellular = reading(vendor="enphase", connection="cellular", last_report_at=four_hours)
    v = verdict_of(cellular)
    assert v.kind == "ok"
    assert "cellular gateway between uploads" in v.reason
    assert "production is judged at the day's close" in v.reason
    # a fixed line is silent after the same four hours
    fixed = reading(vendor="enphase", connection="ethernet", last_report_at=four_hours)
    assert verdict_of(fixed).kind == "comms_loss"
    assert "(limit 0.75 h for an ethernet connection)" in verdict_of(fixed).reason
    days = reading(
        vendor="enphase",
        connection="cellular",
        last_report_at=(NOON - timedelta(hours=14)).isoformat(),
    )
    assert verdict_of(days).kind == "comms_loss"
    assert "h for a cellular connection" in verdict_of(days).reason
    wifi = reading(vendor="enphase", connection="wifi", last_report_at=four_hours)
    assert "h for a wifi connection" in verdict_of(wifi).reason
    unknown = reading(vendor="enphase", connection=None, last_report_at=four_hours)
    assert "h for a fixed-line connection" in verdict_of(unknown).reason


@pytest.mark.parametrize(("share", "kind"), [(0.004, "indeterminate"), (0.006, "ok")])
def test_a_cellular_upload_at_about_zero_watts_is_not_called_ok(share, kind):
    # hours-old figures at ~0 W could close an open Zero Production fault
    last = (NOON - timedelta(hours=3)).isoformat()
    r = reading(vendor="enphase", connection="cellular", last_report_at=last, power_w=share * CAP)
    v = verdict_of(r)
    assert v.kind == kind
    if kind == "indeterminate":
        assert v.evidence["abstained"] == "report_old"


def test_solaredge_silence_counts_only_after_a_full_lit_window():
    # Munich, 21 June: the sun crosses the horizon at 03:17 UTC, 10° at 04:29
    slept = "2026-06-20T21:30:00+02:00"  # inverter went to sleep last evening
    low_sun = with_rules(Night(min_elevation_deg=2.0))
    dawn = datetime(2026, 6, 21, 3, 40, tzinfo=timezone.utc)  # 3° up, lit 23 min
    v = verdict_of(reading(at=dawn, last_report_at=slept), at=dawn, peers=False, rules=low_sun)
    assert v.kind == "indeterminate", v.reason  # it may not have woken yet
    assert "too early to call it silent" in v.reason
    later = datetime(2026, 6, 21, 4, 30, tzinfo=timezone.utc)  # lit for 73 min
    v = verdict_of(reading(at=later, last_report_at=slept), at=later, peers=False, rules=low_sun)
    assert v.kind == "comms_loss"
    # an Enphase gateway reports all night: the same silence is comms loss at dawn
    enphase = reading(at=dawn, vendor="enphase", last_report_at=slept)
    assert verdict_of(enphase, at=dawn, peers=False, rules=low_sun).kind == "comms_loss"


def test_never_reported_site_is_indeterminate_not_a_fault():
    v = verdict_of(reading(last_report_at=None, power_w=None, energy_today_wh=None))
    assert v.kind == "indeterminate"
    assert v.reason == "the site has never reported"
    assert v.evidence["abstained"] == "never_reported"


def test_backfilling_vendor_status_is_not_judged():
    v = verdict_of(reading(vendor="enphase", vendor_status="data_upload", power_w=0.0))
    assert v.kind == "indeterminate"
    assert v.evidence["abstained"] == "vendor_status"


def test_enphase_status_maps_to_kinds():
    assert verdict_of(reading(vendor="enphase", vendor_status="micro")).kind == "string_mlpe_fault"
    assert verdict_of(reading(vendor="enphase", vendor_status="meter_issue")).kind == "meter_fault"
    assert verdict_of(reading(vendor="enphase", vendor_status="comm")).kind == "comms_loss"


def test_no_energy_data_at_all_is_configuration_issue():
    v = verdict_of(reading(power_w=None, energy_today_wh=None))
    assert v.kind == "configuration_issue"


def test_zero_power_while_reporting_is_inverter_fault():
    v = verdict_of(reading(power_w=0.0, energy_today_wh=2000.0))
    assert v.kind == "inverter_fault"
    assert v.case_type == "inverter_fault"
    assert v.reason.startswith("Zero Production")


def test_zero_power_when_peers_make_nothing_either_is_not_a_fault():
    storm = [
        reading(f"p{i}", lat=48.1 + i * 0.01, power_w=0.0, energy_today_wh=300.0) for i in range(4)
    ]
    site = reading(power_w=0.0, energy_today_wh=300.0)
    result = classify_fleet([site, *storm], NOON)
    assert result.by_site()["s1"].kind != "inverter_fault"


def test_a_healthy_site_is_ok_and_says_production_waits_for_the_day():
    v = verdict_of(reading())
    assert v.kind == "ok" and v.case_type is None
    assert v.reason == "reporting 6.0 kW, 30.0 kWh today; production is judged at the day's close"
    assert v.evidence["rule"] == "Reporting"


# ---------------------------------------------------------------- the order decides


def test_the_first_rule_that_gives_a_verdict_decides():
    # silent and devices down: silence first (its figures are stale)
    stale = (NOON - timedelta(hours=2)).isoformat()
    assert verdict_of(reading(last_report_at=stale, devices_reporting=5)).kind == "comms_loss"
    # at 0 W with devices down: the site stopped, not a string
    v = verdict_of(reading(power_w=0.0, energy_today_wh=2000.0, devices_reporting=5))
    assert v.kind == "inverter_fault"
    # the vendor's alarm outranks a device count
    alarm = reading(vendor="enphase", vendor_status="error", devices_reporting=5)
    assert verdict_of(alarm).kind == "inverter_fault"
    # swapped, the list decides otherwise
    rules = list(CHECK_RULES)
    alarm_rule, devices_rule = rules.index(VendorAlarm()), rules.index(DevicesDown())
    rules[alarm_rule], rules[devices_rule] = rules[devices_rule], rules[alarm_rule]
    assert verdict_of(alarm, rules=tuple(rules)).kind == "string_mlpe_fault"


def test_a_changed_threshold_replaces_its_rule_only():
    # (a threshold another rule derives is changed in both)
    ninety = timedelta(minutes=90)
    rules = with_rules(Silent(stale_after=ninety), BetweenUploads(stale_after=ninety))
    assert [type(r) for r in rules] == [type(r) for r in CHECK_RULES]
    hour = reading(last_report_at=(NOON - timedelta(hours=1)).isoformat())
    assert verdict_of(hour).kind == "comms_loss"
    assert verdict_of(hour, rules=rules).kind == "ok"


def test_derived_thresholds_follow_the_rule_they_come_from():
    assert BetweenUploads.stale_after == Silent.stale_after
    assert BetweenUploads.zero_power_fraction == ZeroProduction.zero_power_fraction
    assert TooDimToTell.zero_power_fraction == ZeroProduction.zero_power_fraction


def test_every_rule_has_a_docstring_and_says_what_it_gives():
    for rule in CHECK_RULES:
        assert type(rule).__doc__ and rule.gives, type(rule).__name__
    # the last rule always gives a verdict
    assert isinstance(CHECK_RULES[-1], Reporting)


# ---------------------------------------------------------------- neighbours


def place(site, km_north, lat=48.0, lon=11.0):
    return reading(site, lat=lat + km_north / 111.2, lon=lon)


def skies(positions, witnesses, policy=SKY_POLICY):
    readings = [place(s, km) for s, km in positions]
    return neighbour_skies(readings, witnesses, policy)


def test_neighbours_count_within_fifty_km():
    positions = [("s", 0.0), ("a", 1.0), ("b", 2.0), ("c", 49.0), ("d", 51.0)]
    w = {s: Witness(0.5, 0.5) for s in "abcd"}
    assert skies(positions, w)["s"].count == 3
    w.pop("c")
    assert skies(positions, w)["s"].count == 2


def test_three_neighbours_tell_the_sky_two_do_not():
    positions = [("s", 0.0), ("a", 1.0), ("b", 2.0), ("c", 3.0)]
    w = {s: Witness(0.5, 0.6) for s in "abc"}
    assert skies(positions, w)["s"] == Sky(0.5, 0.5, 0.6, 0.6, 3, 3)
    w.pop("c")
    assert skies(positions, w)["s"] == Sky(None, None, None, None, 0, 2)


def test_the_sky_now_is_the_lower_quartile_of_the_twelve_nearest_producing():
    # the nearest twelve saw 0.9; farther ones a storm they do not count
    positions = [("s", 0.0)] + [(f"n{i}", 1.0 + i) for i in range(16)]
    w = {f"n{i}": Witness(None, 0.9 if i < 12 else 0.1) for i in range(16)}
    assert skies(positions, w)["s"].now_low == 0.9
    # a neighbour at ~0 W is more likely broken than the sky black
    w["n0"] = Witness(None, 0.0)
    assert skies(positions, w)["s"].now_low == 0.9


def test_the_darkest_of_the_six_nearest_producing_is_the_near_sky():
    positions = [("s", 0.0)] + [(f"n{i}", 1.0 + i) for i in range(8)]
    w = {f"n{i}": Witness(None, 0.9) for i in range(8)}
    w["n5"] = Witness(None, 0.3)
    assert (skies(positions, w)["s"].now_dark, skies(positions, w)["s"].near) == (0.3, 6)
    w["n5"], w["n6"] = Witness(None, 0.9), Witness(None, 0.3)
    assert skies(positions, w)["s"].now_dark == 0.9


def test_most_neighbours_dark_is_no_sky_to_blame_on_a_site():
    positions = [("s", 0.0)] + [(f"n{i}", 1.0 + i) for i in range(5)]
    w = {f"n{i}": Witness(None, 0.0 if i < 3 else 0.5) for i in range(5)}
    sky = skies(positions, w)["s"]
    assert (sky.now_low, sky.now_dark) == (0.0, None)


def test_the_darker_quarter_of_the_neighbours_sky_today():
    positions = [("s", 0.0)] + [(f"n{i}", 1.0 + i) for i in range(8)]
    w = {f"n{i}": Witness(0.1 * (i + 1), None) for i in range(8)}
    assert skies(positions, w)["s"].today_low == pytest.approx(0.3)
    lower = NeighboursSky(low_quantile=0.1)
    assert skies(positions, w, lower)["s"].today_low == pytest.approx(0.1)


# ---------------------------------------------------------------- fleet and liveness


def test_vendor_outage_is_one_fleet_verdict_not_a_fault_per_site():
    stale = (NOON - timedelta(hours=3)).isoformat()
    readings = neighbours(6, last_report_at=stale)
    result = classify_fleet(readings, NOON)
    assert [fv.kind for fv in result.fleet_verdicts] == ["vendor_outage"]
    assert {v.kind for v in result.verdicts} == {"vendor_outage"}
    assert all(v.case_type is None for v in result.verdicts)


def _stale(i, spread_min):
    return (NOON - timedelta(hours=3, minutes=i * spread_min)).isoformat()


@pytest.mark.parametrize(
    ("silent", "healthy", "outage"),
    [(4, 1, True), (3, 1, False), (3, 0, True), (2, 0, False)],
)
def test_an_outage_is_four_fifths_of_the_account_and_at_least_three_sites(silent, healthy, outage):
    readings = [reading(f"x{i}", last_report_at=_stale(i, 0)) for i in range(silent)]
    readings += neighbours(healthy)
    assert bool(classify_fleet(readings, NOON).fleet_verdicts) is outage


@pytest.mark.parametrize(("spread", "outage"), [(14, True), (16, False)])
def test_an_outage_silences_the_sites_within_half_an_hour(spread, outage):
    # three sites whose last reports span 2 x spread minutes
    readings = [reading(f"x{i}", last_report_at=_stale(i, spread)) for i in range(3)]
    assert bool(classify_fleet(readings, NOON).fleet_verdicts) is outage


def test_sites_falling_silent_one_by_one_are_each_a_comms_loss_not_an_outage():
    readings = [
        reading(f"s{i}", last_report_at=(NOON - timedelta(hours=hours)).isoformat())
        for i, hours in enumerate((1.5, 3, 5))
    ]
    result = classify_fleet(readings, NOON)
    assert result.fleet_verdicts == []
    assert {v.kind for v in result.verdicts} == {"comms_loss"}
    assert all(v.case_type == "comms_loss" for v in result.verdicts)


def test_one_silent_site_among_many_is_still_comms_loss():
    readings = [*neighbours(6), reading(last_report_at=(NOON - timedelta(hours=3)).isoformat())]
    result = classify_fleet(readings, NOON)
    assert result.fleet_verdicts == []
    assert result.by_site()["s1"].kind == "comms_loss"


def test_liveness_asks_freshness_and_the_vendors_status_only():
    heard = reading(power_w=0.0)  # 0 W would be Zero Production in a production check
    stale = reading("s2", last_report_at=(NOON - timedelta(hours=2)).isoformat())
    cellular = reading(
        "s3",
        vendor="enphase",
        connection="cellular",
        last_report_at=(NOON - timedelta(hours=4)).isoformat(),
    )
    micro = reading("s4", vendor="enphase", vendor_status="micro")
    result = classify_liveness([heard, stale, cellular, micro], NOON).by_site()
    assert {s: v.kind for s, v in result.items()} == {
        "s1": "reporting",
        "s2": "comms_loss",
        "s3": "reporting",
        "s4": "string_mlpe_fault",
    }
    assert all(type(rule).liveness for rule in CHECK_RULES[:6])


def test_verdict_kinds_are_the_engines_kinds_and_serialise_as_before():
    from solar_om_engine.kinds import FaultKind, HealthState

    silent = verdict_of(reading(last_report_at=(NOON - timedelta(hours=3)).isoformat()))
    assert silent.fault_kind is FaultKind.COMMS_LOSS
    assert silent.to_json()["kind"] == "comms_loss"
    assert type(silent.kind) is str
    fine = verdict_of(reading())
    assert fine.health_state is HealthState.OK and fine.fault_kind is None


# ---------------------------------------------------------------- time and place


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Tromsø: polar night, then midnight sun at local midnight
        ("2026-12-21T11:00:00+00:00", "night"),
        ("2026-06-21T22:00:00+00:00", "ok"),
    ],
)
def test_polar_night_and_polar_day_neither_crash_nor_alarm(day, expected):
    at = datetime.fromisoformat(day)
    site = reading(
        lat=69.649, lon=18.955, tz="Europe/Oslo", at=at, power_w=1200.0, energy_today_wh=500.0
    )
    rules = with_rules(Night(min_elevation_deg=2.0))
    v = verdict_of(site, at=at, peers=False, rules=rules)
    assert v.kind == expected


@pytest.mark.parametrize(
    "utc",
    [
        "2026-03-29T00:30:00+00:00",  # Europe springs forward at 01:00 UTC
        "2026-03-29T10:00:00+00:00",
        "2026-10-25T10:00:00+00:00",  # and falls back
    ],
)
def test_dst_change_days_keep_local_day_and_judgement(utc):
    at = datetime.fromisoformat(utc)
    v = verdict_of(reading(at=at), at=at)
    assert v.kind in ("ok", "night")
    if at.hour >= 10:
        assert v.kind == "ok"


def test_sites_on_both_sides_of_the_date_line():
    at = datetime(2026, 1, 10, 23, 0, tzinfo=timezone.utc)  # noon in Auckland and Apia
    for lat, lon, tz in ((-36.85, 174.76, "Pacific/Auckland"), (-13.83, -171.77, "Pacific/Apia")):
        site = reading(lat=lat, lon=lon, tz=tz, at=at, energy_today_wh=15000.0)
        v = verdict_of(site, at=at, peers=False)
        assert v.kind == "ok", v.reason


def test_a_model_is_built_only_for_the_sites_the_early_rules_left():
    # night and silent sites cost no model; their verdicts carry no model figures
    silent = reading("quiet", last_report_at=(NOON - timedelta(hours=3)).isoformat())
    v = classify_fleet([silent, reading()], NOON).by_site()
    assert "orientation" not in v["quiet"].evidence
    assert v["s1"].evidence["orientation"] == "unknown"
    assert np.isfinite(v["s1"].evidence["sun_elevation"])
