"""Every verdict kind, judged as a user would read it."""

from datetime import datetime, timedelta, timezone

import pytest

from solar_om_engine.classify import Thresholds, classify_fleet
from solar_om_engine.readings import parse_reading

# Munich, 21 June 2026, 10:00 UTC (12:00 local): sun about 64° up
NOON = datetime(2026, 6, 21, 10, 0, tzinfo=timezone.utc)
MIDNIGHT = datetime(2026, 6, 21, 22, 30, tzinfo=timezone.utc)


def reading(site="s1", lat=48.137, lon=11.575, tz="Europe/Berlin", at=NOON, **over):
    data = {
        "site": site,
        "account": "acc",
        "vendor": "solaredge",
        "latitude": lat,
        "longitude": lon,
        "timezone": tz,
        "capacity_w": 10000,
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


def verdict_of(site_reading, at=NOON, peers=True, th=None):
    readings = [site_reading] + (neighbours(at=at) if peers else [])
    result = classify_fleet(readings, at, th)
    return result.by_site()[site_reading.site]


def test_healthy_site_is_ok():
    v = verdict_of(reading())
    assert v.kind == "ok"
    assert v.case_type is None
    assert "orientation unknown" in v.reason


def test_night_is_never_judged_even_when_silent_and_dark():
    silent = reading(at=MIDNIGHT, last_report_at="2026-06-21T18:00:00+02:00", power_w=0.0)
    v = verdict_of(silent, at=MIDNIGHT)
    assert v.kind == "night"
    assert "below 10.0°" in v.reason


def test_stale_last_report_is_comms_loss_not_zero_power():
    silent = reading(last_report_at=(NOON - timedelta(hours=2)).isoformat(), power_w=0.0)
    v = verdict_of(silent)
    assert v.kind == "comms_loss"
    assert v.case_type == "comms_loss"
    assert "no report for 2.0 h" in v.reason


def test_cellular_gateway_gets_a_longer_leash():
    four_hours = (NOON - timedelta(hours=4)).isoformat()
    cellular = reading(vendor="enphase", connection="cellular", last_report_at=four_hours)
    v = verdict_of(cellular)
    assert v.kind == "indeterminate"
    assert v.evidence["abstained"] == "report_old"
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


def test_devices_not_reporting_is_string_mlpe_fault():
    v = verdict_of(reading(devices_reporting=15))
    assert v.kind == "string_mlpe_fault"
    assert v.reason == "15 of 20 devices reporting"


def test_meter_silent_while_inverter_reports_is_meter_fault():
    v = verdict_of(reading(meter_expected=True))
    assert v.kind == "meter_fault"
    assert "no data from the meter" in v.reason
    outlier = verdict_of(reading(meter_expected=True, meter_energy_today_wh=90000.0))
    assert outlier.kind == "meter_fault"


def test_no_energy_data_at_all_is_configuration_issue():
    v = verdict_of(reading(power_w=None, energy_today_wh=None))
    assert v.kind == "configuration_issue"


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


def test_vendor_outage_is_one_fleet_verdict_not_a_fault_per_site():
    stale = (NOON - timedelta(hours=3)).isoformat()
    readings = neighbours(6, last_report_at=stale)
    result = classify_fleet(readings, NOON)
    assert [fv.kind for fv in result.fleet_verdicts] == ["vendor_outage"]
    assert {v.kind for v in result.verdicts} == {"vendor_outage"}
    assert all(v.case_type is None for v in result.verdicts)


def test_sites_falling_silent_one_by_one_are_each_a_comms_loss_not_an_outage():
    # three sites of a small account lost their link at different hours:
    # the vendor's cloud is up (it would have silenced them together)
    readings = [
        reading(f"s{i}", last_report_at=(NOON - timedelta(hours=hours)).isoformat())
        for i, hours in enumerate((1.5, 3, 5))
    ]
    result = classify_fleet(readings, NOON)
    assert result.fleet_verdicts == []
    assert {v.kind for v in result.verdicts} == {"comms_loss"}
    assert all(v.case_type == "comms_loss" for v in result.verdicts)


def test_verdict_kinds_are_the_engines_kinds_and_serialise_as_before():
    from solar_om_engine.kinds import FaultKind, HealthState

    silent = verdict_of(reading(last_report_at=(NOON - timedelta(hours=3)).isoformat()))
    assert silent.fault_kind is FaultKind.COMMS_LOSS
    assert silent.to_json()["kind"] == "comms_loss"
    assert type(silent.kind) is str
    fine = verdict_of(reading())
    assert fine.health_state is HealthState.OK and fine.fault_kind is None


def test_one_silent_site_among_many_is_still_comms_loss():
    readings = [*neighbours(6), reading(last_report_at=(NOON - timedelta(hours=3)).isoformat())]
    result = classify_fleet(readings, NOON)
    assert result.fleet_verdicts == []
    assert result.by_site()["s1"].kind == "comms_loss"


def test_solaredge_silence_counts_only_after_a_full_lit_window():
    # Munich, 21 June: the sun crosses the horizon at 03:17 UTC, 10° at 04:29
    slept = "2026-06-20T21:30:00+02:00"  # inverter went to sleep last evening
    low_sun = Thresholds(min_elevation_deg=2.0)
    dawn = datetime(2026, 6, 21, 3, 40, tzinfo=timezone.utc)  # 3° up, lit 23 min
    v = verdict_of(reading(at=dawn, last_report_at=slept), at=dawn, peers=False, th=low_sun)
    assert v.kind == "indeterminate", v.reason  # it may not have woken yet
    assert "too early to call it silent" in v.reason
    later = datetime(2026, 6, 21, 4, 30, tzinfo=timezone.utc)  # lit for 73 min
    v = verdict_of(reading(at=later, last_report_at=slept), at=later, peers=False, th=low_sun)
    assert v.kind == "comms_loss"
    # an Enphase gateway reports all night: the same silence is comms loss at dawn
    enphase = reading(at=dawn, vendor="enphase", last_report_at=slept)
    assert verdict_of(enphase, at=dawn, peers=False, th=low_sun).kind == "comms_loss"


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
    th = Thresholds(min_elevation_deg=2.0)
    v = verdict_of(site, at=at, peers=False, th=th)
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
