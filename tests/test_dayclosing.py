"""When a day closes, with which sites, and on which series; and what a
site shows while a fault is open."""

import random
from datetime import date, datetime, timedelta, timezone

import pytest

from solar_om_engine import dayclosing
from solar_om_engine.capture import on_grid
from solar_om_engine.dayfacts import PEER_RADIUS_KM, fleet_day_facts
from solar_om_engine.geo import distance_km, zone
from solar_om_engine.kinds import URGENCY, shown_state
from solar_om_engine.series import DaySeries, SiteSpec

MUNICH = (48.14, 11.58, "Europe/Berlin")
JUNE = date(2026, 6, 21)


def local(day, hh, mm=0, tz="Europe/Berlin"):
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=zone(tz))


def test_a_june_day_in_munich_is_over_after_the_sun_sinks_below_the_lit_elevation():
    end = dayclosing.lit_day_end(*MUNICH, JUNE)
    # the sun drops below 10 degrees around 20:15 there in June
    assert local(JUNE, 19, 45) <= end <= local(JUNE, 20, 45)
    assert not dayclosing.day_over(*MUNICH, JUNE, end)
    assert not dayclosing.day_over(*MUNICH, JUNE, end + dayclosing.READY_MARGIN / 2)
    assert dayclosing.day_over(*MUNICH, JUNE, end + dayclosing.READY_MARGIN)
    # the next day is over by its date alone
    assert dayclosing.day_over(*MUNICH, JUNE - timedelta(days=1), local(JUNE, 1))


def test_midnight_sun_closes_at_midnight_and_polar_night_at_once():
    # Svalbard in June: the sun never sinks below 10 degrees
    svalbard = (78.22, 15.65, "Arctic/Longyearbyen")
    midnight = local(JUNE + timedelta(days=1), 0, 0, "Arctic/Longyearbyen")
    assert dayclosing.lit_day_end(*svalbard, JUNE) == midnight
    # Tromso in June: midnight sun, but below 10 degrees in the late evening
    tromso = (69.65, 18.96, "Europe/Oslo")
    assert dayclosing.lit_day_end(*tromso, JUNE) < local(JUNE, 23, 0, "Europe/Oslo")
    winter = date(2026, 12, 21)
    assert dayclosing.lit_day_end(*tromso, winter) == local(winter, 0, 0, "Europe/Oslo")


def test_sites_of_one_offset_and_date_close_together_once_the_last_one_is_dark():
    berlin, madrid = (
        dayclosing.group_key("Europe/Berlin", JUNE),
        dayclosing.group_key("Europe/Madrid", JUNE),
    )
    assert berlin == madrid == (JUNE, 120)
    assert dayclosing.group_key("Europe/London", JUNE) == (JUNE, 60)
    places = [(48.0, 12.0, "Europe/Berlin"), (43.0, -9.0, "Europe/Madrid")]
    munich_dark = dayclosing.lit_day_end(48.0, 12.0, "Europe/Berlin", JUNE) + timedelta(hours=1)
    # Galicia's sun is still up when Munich's has set: the group waits for it
    assert not dayclosing.group_ready(places, JUNE, munich_dark)
    assert dayclosing.group_ready(places, JUNE, munich_dark + timedelta(hours=2))


def test_days_to_close_are_yesterday_and_today_oldest_first():
    at = local(JUNE, 23, 30)
    assert dayclosing.days_to_close("Europe/Berlin", at) == [JUNE - timedelta(days=1), JUNE]
    # in Phoenix it is still the afternoon of the 21st
    assert dayclosing.days_to_close("America/Phoenix", at)[-1] == JUNE


def test_a_series_covers_the_day_only_when_it_holds_the_evening():
    end = dayclosing.lit_day_end(48.0, 12.0, "Europe/Berlin", JUNE)
    assert dayclosing.covers_day(end - timedelta(minutes=50), *MUNICH, JUNE)
    # a mid-afternoon production slot leaves the evening out
    assert not dayclosing.covers_day(local(JUNE, 16, 30), *MUNICH, JUNE)
    assert not dayclosing.covers_day(None, *MUNICH, JUNE)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_parts_never_separate_two_sites_the_day_judge_compares(seed):
    rng = random.Random(seed)
    towns = [(rng.uniform(-60, 65), rng.uniform(-170, 170)) for _ in range(12)]
    sites = {}
    for i in range(600):
        lat, lon = towns[i % len(towns)]
        spread = rng.choice((0.05, 0.3, 1.0))
        sites[f"s{i}"] = (lat + rng.uniform(-spread, spread), lon + rng.uniform(-spread, spread))
    parts = dayclosing.parts(sites, limit=50)
    assert sorted(k for part in parts for k in part) == sorted(sites)
    where = {k: n for n, part in enumerate(parts) for k in part}
    keys = list(sites)
    for a in keys:
        for b in keys:
            if a < b and distance_km(*sites[a], *sites[b]) <= PEER_RADIUS_KM / 2:
                assert where[a] == where[b], (a, b)
    # the limit holds wherever a linked neighbourhood is smaller than it
    assert len(parts) > 5


def test_parts_judge_each_site_exactly_as_one_call_over_the_group():
    """The day judge on the parts gives every site the facts the whole
    group gives it (its neighbours are always in its part)."""
    rng = random.Random(7)
    specs, series = {}, {}
    day = date(2026, 6, 20)
    for i in range(40):
        town = i % 4
        lat, lon = 40.0 + town * 2.5 + rng.uniform(-0.1, 0.1), 11.0 + rng.uniform(-0.1, 0.1)
        from solar_om_engine.readings import Array

        spec = SiteSpec(
            f"s{i}", "a", "solaredge", lat, lon, "Europe/Berlin", 8000.0, (Array(8.0, 30.0, 180.0),)
        )
        specs[spec.site] = spec
        power = [
            None if not 20 <= k <= 80 else 5000.0 * (1 - abs(k - 50) / 32) * rng.uniform(0.9, 1.0)
            for k in range(96)
        ]
        series[spec.site] = DaySeries(spec.site, day, 15, tuple(power))
    whole = fleet_day_facts(specs, series, {})
    parts = dayclosing.parts({k: (s.latitude, s.longitude) for k, s in specs.items()}, limit=10)
    assert len(parts) == 4
    for part in parts:
        facts = fleet_day_facts({k: specs[k] for k in part}, {k: series[k] for k in part}, {})
        for key in part:
            assert facts[key].due_wh == whole[key].due_wh
            assert facts[key].peers == whole[key].peers


def test_on_grid_places_points_by_local_wall_clock_and_averages_shared_steps():
    tz = "Europe/Berlin"
    points = [
        (local(JUNE, 12, 0), 1000.0),
        (local(JUNE, 12, 5), 2000.0),
        (local(JUNE, 12, 10), None),
        (local(JUNE - timedelta(days=1), 12, 0), 9999.0),  # another day: left out
        (local(JUNE, 12, 0).astimezone(timezone.utc), 3000.0),  # the same instant in UTC
    ]
    grid = on_grid(points, JUNE, tz, 15)
    assert len(grid) == 96
    assert grid[48] == pytest.approx((1000 + 2000 + 3000) / 3)
    assert grid[47] is None and grid[49] is None


def test_on_grid_the_day_the_clocks_go_back_has_24_steps_of_hours():
    tz = "Europe/Berlin"
    day = date(2026, 10, 25)
    first = datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)  # 02:30 CEST
    second = datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)  # 02:30 CET
    grid = on_grid([(first, 10.0), (second, 30.0)], day, tz, 60)
    assert len(grid) == 24 and grid[2] == 20.0


def test_an_open_fault_stays_shown_whatever_the_next_check_says():
    assert shown_state("ok", ["inverter_fault"]) == "inverter_fault"
    assert shown_state("night", ["underperformance"]) == "underperformance"
    assert shown_state("indeterminate", ["comms_loss"]) == "comms_loss"
    # the more urgent of two open faults, and a more urgent check wins
    assert shown_state("ok", ["comms_loss", "inverter_fault"]) == "inverter_fault"
    assert shown_state("inverter_fault", ["underperformance"]) == "inverter_fault"
    assert shown_state("ok", []) == "ok"
    for state in URGENCY:
        assert shown_state(state, []) == state
