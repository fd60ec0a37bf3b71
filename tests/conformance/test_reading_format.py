"""The reading format takes real data as it is meant, refuses what is broken."""

from datetime import datetime, timezone

import pytest

from solar_om_engine.classify import classify_fleet
from solar_om_engine.readings import ReadingError, parse_reading

AT = datetime(2026, 6, 21, 10, 0, tzinfo=timezone.utc)


def data(**over):
    base = {
        "site": "roof",
        "account": "a",
        "vendor": "solaredge",
        "latitude": 48.137,
        "longitude": 11.575,
        "timezone": "Europe/Berlin",
        "capacity_w": 8000,
        "last_report_at": "2026-06-21T11:55:00+02:00",
        "power_w": 5200.0,
        "energy_today_wh": 21000.0,
    }
    base.update(over)
    return base


def test_small_negative_power_and_meter_energy_are_standby_read_as_zero():
    reading = parse_reading(data(power_w=-3, meter_energy_today_wh=-40.0))
    assert reading.power_w == 0.0 and reading.meter_energy_today_wh == 0.0
    assert "power_w -3 read as 0 (standby draw)" in reading.notes
    assert "meter_energy_today_wh -40 read as 0 (standby draw)" in reading.notes


def test_a_large_negative_is_still_refused_naming_site_and_field():
    with pytest.raises(ReadingError, match="site 'roof': field 'power_w' must be >= 0"):
        parse_reading(data(power_w=-2500.0))


def test_integral_float_counts_are_counts_fractional_ones_are_not():
    reading = parse_reading(data(devices_total=24.0, devices_reporting=23.0))
    assert (reading.devices_total, reading.devices_reporting) == (24, 23)
    with pytest.raises(ReadingError, match="field 'devices_total'"):
        parse_reading(data(devices_total=24.5))


def test_more_reporting_than_listed_is_capped_with_evidence():
    reading = parse_reading(data(devices_total=24, devices_reporting=25))
    assert reading.devices_reporting == 24
    verdict = classify_fleet([reading], AT).verdicts[0]
    assert verdict.kind == "ok"
    assert any("replaced device" in n for n in verdict.evidence["reading_notes"])


def test_a_naive_time_is_the_sites_local_time():
    reading = parse_reading(data(last_report_at="2026-06-21 11:55:00"))
    assert reading.last_report_at == datetime(2026, 6, 21, 9, 55, tzinfo=timezone.utc)
    assert any("read in the site's zone Europe/Berlin" in n for n in reading.notes)


def test_a_site_without_capacity_is_judged_on_what_needs_none():
    reading = parse_reading(
        data(capacity_w=None, power_w=0.0, devices_total=20, devices_reporting=12)
    )
    assert reading.capacity_w is None
    verdict = classify_fleet([reading], AT).verdicts[0]
    assert verdict.kind == "string_mlpe_fault"  # counts need no capacity
    healthy = classify_fleet([parse_reading(data(capacity_w=None, power_w=0.0))], AT)
    # zero power cannot be judged without knowing what was due
    assert healthy.verdicts[0].kind == "ok"
    assert "capacity unknown" in healthy.verdicts[0].reason


def test_a_site_without_capacity_still_shows_comms_loss():
    silent = parse_reading(data(capacity_w=None, last_report_at="2026-06-21T07:00:00+02:00"))
    assert classify_fleet([silent], AT).verdicts[0].kind == "comms_loss"


def test_unknown_vendor_is_refused_clearly():
    with pytest.raises(ReadingError) as err:
        parse_reading(data(vendor="fronius"))
    assert str(err.value) == (
        "site 'roof': field 'vendor' must be one of solaredge, enphase, apsystems, got 'fronius'"
    )


@pytest.mark.parametrize(
    "field,value,problem",
    [
        ("capacity_w", 0, "must be > 0 when given"),
        ("last_report_at", "noon-ish", "is not an ISO-8601 timestamp"),
        ("power_w", "5 kW", "must be a number"),
        ("timezone", "Mars/Olympus", "unknown"),
    ],
)
def test_truly_broken_input_is_refused_naming_site_and_field(field, value, problem):
    with pytest.raises(ReadingError) as err:
        parse_reading(data(**{field: value}))
    assert f"site 'roof': field '{field}'" in str(err.value)
    assert problem in str(err.value)
