"""Expected output from physics, and the snapshot verdicts it makes trustworthy.

The readings here are built from the engine's own model of each roof under
a given sky (a clear-sky index), so each test states the physical situation
(an east roof at 9 a.m., an overcast day, a dull winter afternoon) and
checks what a user would read. The benchmark (`bench/`) checks the same
rules against an independent pvlib fleet.
"""

from datetime import datetime, timedelta, timezone

import pytest

from solar_om_engine.classify import classify_fleet
from solar_om_engine.expected import PLACE_CELL_DEG, ModelBook, site_model
from solar_om_engine.readings import ReadingError, parse_reading

MUNICH = (48.137, 11.575, "Europe/Berlin")
SYDNEY = (-33.87, 151.21, "Australia/Sydney")
NINE_AM = datetime(2026, 6, 21, 7, 0, tzinfo=timezone.utc)  # 09:00 in Munich
NOON = datetime(2026, 6, 21, 10, 0, tzinfo=timezone.utc)
SOUTH = [{"dc_kwp": 8.0, "tilt": 30.0, "azimuth": 180.0}]
EAST = [{"dc_kwp": 8.0, "tilt": 35.0, "azimuth": 90.0}]
WEST = [{"dc_kwp": 8.0, "tilt": 35.0, "azimuth": 270.0}]
NORTH = [{"dc_kwp": 8.0, "tilt": 20.0, "azimuth": 0.0}]
EAST_WEST = [
    {"dc_kwp": 4.0, "tilt": 15.0, "azimuth": 90.0},
    {"dc_kwp": 4.0, "tilt": 15.0, "azimuth": 270.0},
]


def raw(site, at, arrays, place=MUNICH, offset=0.0, capacity=8000.0, **over):
    lat, lon, tz = place
    data = {
        "site": site,
        "account": "acc",
        "vendor": "enphase",
        "latitude": lat + offset,
        "longitude": lon + offset,
        "timezone": tz,
        "capacity_w": capacity,
        "last_report_at": (at - timedelta(minutes=5)).isoformat(),
        "power_w": 0.0,
        "energy_today_wh": 0.0,
        "devices_total": 20,
        "devices_reporting": 20,
    }
    if arrays is not None:
        data["arrays"] = arrays
    data.update(over)
    return data


def modelled(data):
    """The model of a reading's roof at its last upload, a few minutes
    before the check (what the vendor reported)."""
    parsed = parse_reading(data)
    return site_model(parsed, parsed.last_report_at)


def physical(site, at, arrays, sky, factor=1.0, **over):
    """A reading whose roof made `factor` of what it makes under `sky`."""
    data = raw(site, at, arrays, **over)
    model = modelled(data)
    data["power_w"] = round(model.power(sky) * factor, 1)
    data["energy_today_wh"] = round(model.energy(sky) * factor, 1)
    data.update({k: v for k, v in over.items() if k in ("power_w", "energy_today_wh")})
    return data


def peers(at, sky, place=MUNICH, roofs=(SOUTH, EAST, WEST, EAST_WEST, NORTH), out=0.0, step=0.01):
    """Neighbours of every orientation; `sky` is one clear-sky index for all
    (an even sky) or one per neighbour (broken clouds). The i-th sits
    `out` + `step` x (i + 1) degrees north-east of the site (0.01° ~ 1.4 km)."""
    skies = sky if isinstance(sky, (list, tuple)) else [sky] * len(roofs)
    return [
        physical(f"peer{i}", at, roofs[i % len(roofs)], k, place=place, offset=out + step * (i + 1))
        for i, k in enumerate(skies)
    ]


def judge(target, others, at, strip_arrays=False):
    items = [target, *others]
    if strip_arrays:
        items = [{k: v for k, v in d.items() if k != "arrays"} for d in items]
    result = classify_fleet([parse_reading(d) for d in items], at)
    return result.by_site()[target["site"]]


def assert_abstained(verdict, cause, says):
    """An `indeterminate` verdict that names its cause, as a code and in words."""
    assert verdict.kind == "indeterminate", verdict.reason
    assert verdict.evidence["abstained"] == cause
    assert says in verdict.reason


# ---------------------------------------------------------------- the model


def test_east_roof_leads_the_morning_and_west_the_afternoon():
    east = site_model(parse_reading(raw("e", NINE_AM, EAST)), NINE_AM)
    west = site_model(parse_reading(raw("w", NINE_AM, WEST)), NINE_AM)
    assert east.power(1.0) > 2 * west.power(1.0)
    afternoon = datetime(2026, 6, 21, 14, 0, tzinfo=timezone.utc)
    east = site_model(parse_reading(raw("e", afternoon, EAST)), afternoon)
    west = site_model(parse_reading(raw("w", afternoon, WEST)), afternoon)
    assert west.power(1.0) > 2 * east.power(1.0)


def test_clouds_lower_the_output_and_a_clear_sky_clips_at_the_inverter():
    big_dc = [{"dc_kwp": 12.0, "tilt": 30.0, "azimuth": 180.0}]
    model = site_model(parse_reading(raw("s", NOON, big_dc, capacity=8000.0)), NOON)
    assert model.power(1.0) == pytest.approx(8000.0)  # DC/AC 1.5 clips at noon
    assert model.power(0.3) < model.power(0.6) < model.power(1.0)
    assert model.energy(0.3) < model.energy(0.6) < model.energy(1.0)


def test_a_clear_june_morning_in_munich_makes_what_a_south_roof_makes():
    # 8 kWp at 30° south, midnight to noon local on 21 June under a clear
    # sky: about 2 kWh per kWp, and about 5.4 kW at noon
    model = site_model(parse_reading(raw("s", NOON, SOUTH)), NOON)
    assert model.energy(1.0) == pytest.approx(16400, rel=0.03)
    assert model.power(1.0) == pytest.approx(5430, rel=0.03)


def test_southern_hemisphere_roofs_face_north():
    at = datetime(2026, 12, 21, 2, 0, tzinfo=timezone.utc)  # 13:00 in Sydney
    north = site_model(parse_reading(raw("n", at, NORTH, place=SYDNEY)), at)
    south = site_model(parse_reading(raw("s", at, SOUTH, place=SYDNEY)), at)
    assert north.energy(1.0) > south.energy(1.0)


def test_polar_night_models_nothing():
    at = datetime(2026, 12, 21, 11, 0, tzinfo=timezone.utc)
    tromso = (69.649, 18.955, "Europe/Oslo")
    model = site_model(parse_reading(raw("t", at, SOUTH, place=tromso)), at)
    assert model.power(1.0) == 0.0
    assert model.energy(1.0) == 0.0


def test_a_west_roof_gets_more_from_an_overcast_than_from_a_clear_morning():
    # at 9 a.m. a west roof sees no beam: clouds scatter more light onto it
    west = site_model(parse_reading(raw("w", NINE_AM, WEST)), NINE_AM)
    assert west.energy(0.3) > 1.3 * west.energy(1.0)
    # and it cannot tell the sky: its output does not say how bright it is
    assert west.sky_from_power(west.power(0.9)) is None
    south = site_model(parse_reading(raw("s", NOON, SOUTH)), NOON)
    assert south.sky_from_power(south.power(0.9)) == pytest.approx(0.9, abs=0.01)


def test_without_arrays_the_model_brackets_every_plausible_roof():
    model = site_model(parse_reading(raw("u", NINE_AM, None)), NINE_AM)
    assert not model.oriented
    for roof in (EAST, WEST, NORTH, SOUTH):
        known = site_model(parse_reading(raw("k", NINE_AM, roof)), NINE_AM)
        assert model.power_min(0.8) <= known.power(0.8) * 1.05
        assert known.power(0.8) <= model.power_max(0.8) * 1.05
        assert model.energy_min(0.8) <= known.energy(0.8) * 1.05


def test_sites_of_one_place_share_the_sun_and_their_plausible_roofs():
    book = ModelBook(NOON)
    near = [
        parse_reading(raw(f"s{i}", NOON, None, offset=0.01 * i, capacity=1000.0 * (i + 1)))
        for i in range(8)
    ]
    models = [book.model(r, r.last_report_at) for r in near]
    # eight sites within 0.08° of each other: one grid of the sun, one set
    # of plausible roofs, scaled to each site's capacity
    assert len(book._grids) == len(book._unknown) <= 2
    assert models[3].power_min(0.5) == pytest.approx(4 * models[0].power_min(0.5), rel=1e-9)


def test_the_shared_place_moves_the_model_by_little():
    # a site at the corner of its cell against the same roof at the cell's centre
    corner = PLACE_CELL_DEG / 2 - 0.001
    for at in (NINE_AM, NOON, datetime(2026, 12, 21, 14, 0, tzinfo=timezone.utc)):
        centre = site_model(parse_reading(raw("c", at, SOUTH, place=(48.0, 11.0, MUNICH[2]))), at)
        edge = site_model(
            parse_reading(raw("e", at, SOUTH, place=(48.0 + corner, 11.0 + corner, MUNICH[2]))), at
        )
        assert edge.power(1.0) == pytest.approx(centre.power(1.0), rel=0.01)
        assert edge.energy(1.0) == pytest.approx(centre.energy(1.0), rel=0.01)


def test_the_model_follows_each_sites_own_last_report():
    # two readings of one roof, five and twenty minutes before the check
    book = ModelBook(NOON)
    site = parse_reading(raw("s", NOON, SOUTH))
    later = book.model(site, NOON - timedelta(minutes=5))
    earlier = book.model(site, NOON - timedelta(minutes=20))
    assert earlier.energy(1.0) < later.energy(1.0)
    assert later.energy(1.0) - earlier.energy(1.0) == pytest.approx(5430 / 4, rel=0.05)


@pytest.mark.parametrize(
    ("arrays", "field"),
    [
        ("south", "arrays"),
        ([{"dc_kwp": 5, "tilt": 95, "azimuth": 180}], "arrays[0].tilt"),
        ([{"dc_kwp": 0, "tilt": 30, "azimuth": 180}], "arrays[0].dc_kwp"),
        ([{"dc_kwp": 5, "tilt": 30}], "arrays[0].azimuth"),
    ],
)
def test_bad_arrays_name_the_field(arrays, field):
    with pytest.raises(ReadingError) as err:
        parse_reading(raw("bad", NOON, arrays))
    assert err.value.field == field


# ---------------------------------------------------------------- verdicts


@pytest.mark.parametrize("strip", [False, True])
@pytest.mark.parametrize("roof", [SOUTH, EAST, WEST, NORTH, EAST_WEST])
@pytest.mark.parametrize("sky", [1.0, 0.55, 0.3, 0.1])
def test_healthy_roofs_of_every_direction_are_ok_roof_known_or_not(roof, sky, strip):
    # the issue's grey screen: a healthy roof must read ok, not indeterminate
    at = datetime(2026, 6, 21, 8, 0, tzinfo=timezone.utc)
    v = judge(physical("s1", at, roof, sky), peers(at, sky), at, strip_arrays=strip)
    assert v.kind == "ok", v.reason
    assert "ratio" not in v.evidence


def test_half_the_output_is_not_judged_by_a_snapshot():
    # a roof at half its model, every device reporting: the day's close
    # judges it; the snapshot neither alarms nor calls it normal
    site = physical("s1", NOON, SOUTH, 0.7, factor=0.5)
    v = judge(site, peers(NOON, 0.7), NOON)
    assert v.kind == "ok"
    assert v.reason.endswith("production is judged at the day's close")
    assert "producing normally" not in v.reason and "ratio" not in v.evidence
    # what the roof should have made so far, to show beside what it made
    assert v.evidence["expected_wh"] == pytest.approx(2 * site["energy_today_wh"], rel=0.02)


def test_devices_down_is_string_mlpe_whatever_the_energy():
    site = physical("s1", NOON, SOUTH, 0.7, factor=0.75, devices_reporting=15)
    v = judge(site, peers(NOON, 0.7), NOON)
    assert (v.kind, v.reason) == ("string_mlpe_fault", "15 of 20 devices reporting")


def test_zero_production_on_an_overcast_day_is_caught():
    # neighbours at a quarter of clear sky: far below "10 % of capacity"
    site = physical("s1", NOON, SOUTH, 0.25, power_w=0.0)
    v = judge(site, peers(NOON, 0.25), NOON)
    assert v.kind == "inverter_fault"
    assert v.reason.startswith("Zero Production")


def test_zero_of_n_micros_at_zero_watts_is_zero_production_not_string():
    site = physical("s1", NOON, SOUTH, 0.8, power_w=0.0, devices_reporting=0, devices_total=15)
    v = judge(site, peers(NOON, 0.8), NOON)
    assert v.kind == "inverter_fault"


def test_a_meter_ten_times_the_inverter_is_a_meter_fault_even_unflagged():
    site = physical("s1", NOON, SOUTH, 0.8)
    site["meter_energy_today_wh"] = site["energy_today_wh"] * 10
    v = judge(site, peers(NOON, 0.8), NOON)
    assert v.kind == "meter_fault"
    assert "more than 25% apart" in v.reason


def test_power_far_above_capacity_is_a_configuration_issue():
    site = physical("s1", NOON, SOUTH, 0.8)
    site["power_w"] = 5 * site["capacity_w"]
    v = judge(site, peers(NOON, 0.8), NOON)
    assert v.kind == "configuration_issue"
    assert v.reason.startswith("implausible data")


def test_a_capacity_entered_ten_times_too_small_is_a_configuration_issue():
    # 8 kW of roof reporting its clear morning against 800 W of capacity
    site = physical("s1", NOON, SOUTH, 1.0)
    site["capacity_w"] = 800.0
    v = judge(site, peers(NOON, 1.0), NOON, strip_arrays=True)
    assert v.kind == "configuration_issue"


def test_a_vendor_production_alarm_in_daylight_is_evidence():
    site = physical("s1", NOON, SOUTH, 0.8, vendor_status="power")
    v = judge(site, peers(NOON, 0.8), NOON)
    assert v.kind == "underperformance"
    assert "vendor status 'power'" in v.reason


def test_an_inverter_dead_since_dawn_is_zero_production_on_a_dark_morning():
    # little power is due (a west roof in the morning, heavy overcast), but
    # nothing at all since sunrise is not the weather
    at = datetime(2026, 6, 21, 6, 30, tzinfo=timezone.utc)  # 08:30, sun ~27°
    site = raw("s1", at, WEST, vendor="solaredge", devices_total=None, devices_reporting=None)
    v = judge(site, peers(at, 0.12), at)
    assert v.kind == "inverter_fault"
    assert "kWh was due since sunrise" in v.reason
    healthy = physical("s1", at, WEST, 0.12)
    assert judge(healthy, peers(at, 0.12), at).kind == "ok"


WINTER_AFTERNOON = datetime(2026, 12, 21, 13, 15, tzinfo=timezone.utc)  # 14:15, sun 13°


@pytest.mark.parametrize("sky", [0.3, 0.2])
def test_zero_watts_on_a_dull_winter_afternoon_is_zero_production(sky):
    # ~4 % (0.3) or ~2.5 % (0.2) of capacity is due, too little for the
    # quartile rule; every nearby roof still makes that much, and a working
    # inverter makes some of it: this one made its morning's energy, then
    # stopped
    at = WINTER_AFTERNOON
    site = physical("s1", at, SOUTH, sky, power_w=0.0)
    v = judge(site, peers(at, sky), at)
    assert v.kind == "inverter_fault"
    # (three of the five neighbours' roofs can tell the sky in December)
    assert "darkest sky of its 3 nearest producing neighbours" in v.reason
    assert judge(physical("s1", at, SOUTH, sky), peers(at, sky), at).kind == "ok"


def test_zero_watts_under_a_storm_cell_over_the_nearest_roofs_abstains():
    at = WINTER_AFTERNOON
    site = physical("s1", at, SOUTH, 0.3, power_w=0.0)
    v = judge(site, peers(at, [0.05, 0.05, 0.3, 0.3, 0.3]), at)
    assert_abstained(v, "too_dark", "too dark to tell a fault from the weather")


def test_a_healthy_sites_first_watt_hours_rounded_to_zero_are_not_zero_production():
    # APsystems reports energy in steps of 0.01 kWh: at 07:30 under heavy
    # overcast a healthy west roof may still read 0.00 kWh and 0 W
    at = datetime(2026, 6, 21, 5, 30, tzinfo=timezone.utc)
    site = raw("s1", at, WEST, vendor="apsystems", devices_total=None, devices_reporting=None)
    v = judge(site, peers(at, 0.12), at)
    assert_abstained(v, "too_dark", "too dark to tell")


def test_an_isolated_site_at_zero_watts_under_a_clear_noon_is_zero_production():
    # no neighbours: the sky is taken as a dull overcast, and even under it
    # the least favourable plausible roof is due more than 5 % of capacity
    site = raw("s1", NOON, None, power_w=0.0, energy_today_wh=9000.0)
    v = judge(site, [], NOON)
    assert v.kind == "inverter_fault" and "under an overcast sky" in v.reason
    assert judge(physical("s1", NOON, SOUTH, 0.2), [], NOON).kind == "ok"
