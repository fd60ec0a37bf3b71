"""Each device's day laid out on a site's devices (solar_om_engine.devices)."""

from solar_om_engine.devices import (
    COUNTER_JITTER_WH,
    DeviceDay,
    DeviceState,
    day_energies,
    for_devices,
    from_energies,
    from_lifetime,
    shares,
    unmatched,
)


def test_lifetime_difference_is_the_day_and_its_edges():
    assert from_lifetime("a", 12_000.0, 10_000.0, True).energy_wh == 2_000.0
    assert from_lifetime("a", 12_000.0, 10_000.0, False).state == DeviceState.SILENT
    assert from_lifetime("a", 12_000.0, None, True).state == DeviceState.NO_BASELINE
    # a counter a few Wh back made nothing; one far back is no day's energy
    assert from_lifetime("a", 10_000.0 - COUNTER_JITTER_WH, 10_000.0, True).energy_wh == 0.0
    assert from_lifetime("a", 5_000.0, 10_000.0, True).state == DeviceState.NO_BASELINE
    assert from_lifetime("a", None, 10_000.0, True).state == DeviceState.SILENT


def test_energies_sum_and_all_null_is_silent():
    assert from_energies("a", [100.0, None, 50.0]).energy_wh == 150.0
    assert from_energies("a", [None, None]).state == DeviceState.SILENT


def test_devices_match_by_serial_without_case_or_blanks_and_channels_sum():
    reported = {
        "ABC1": from_energies("ABC1", [900.0]),
        "701-1": from_energies("701-1", [400.0]),
        "701-2": from_energies("701-2", [None]),
    }
    laid = for_devices([" abc1", "701", "zzz"], reported, channels=True)
    assert [d.energy_wh if d else None for d in laid] == [900.0, 400.0, None]
    assert laid[0].key == " abc1"
    # without channels (SolarEdge serials hold dashes) nothing is summed
    assert for_devices(["701"], reported)[0] is None
    assert unmatched(["abc1"], reported, channels=True) == ["701"]
    assert unmatched([], reported) == ["701-1", "701-2", "ABC1"]


def test_day_energies_in_order_or_none_when_not_comparable():
    measured = from_energies("a", [1000.0])
    silent = from_energies("b", [None])
    assert day_energies([measured, silent, None]) == (1000.0, None, None)
    assert day_energies([None, None]) is None
    no_base = DeviceDay("c", DeviceState.NO_BASELINE, lifetime_wh=5.0)
    assert day_energies([measured, no_base]) is None


def test_shares_of_what_the_reporting_devices_made():
    assert shares([300.0, 100.0, None]) == (0.75, 0.25, None)
    assert shares([0.0, None]) == (None, None)
