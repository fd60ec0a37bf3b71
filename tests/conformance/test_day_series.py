"""The day judge's series from the three vendors: carried by the readings
where the call already holds them (SolarEdge `/power`, APsystems minutely),
asked once after sunset where not (Enphase `production_micro`), on one grid
from local midnight; against the documented shapes and the simulator."""

from datetime import date, datetime, timezone

import requests

from solar_om_engine.capture import to_day_series
from solar_om_engine.clients import costs
from solar_om_engine.series import SiteSpec
from solar_om_engine.simulator import Simulator
from solar_om_engine.simulator.fleet import Fleet, SimSite, make_account

from .helpers import make_client, site
from .replay import Replay, load, shape_errors

PHOENIX = "America/Phoenix"
DAY = date(2026, 6, 21)
EVENING = datetime(2026, 6, 22, 4, 0, tzinfo=timezone.utc)  # 21:00 in Phoenix


def test_solaredge_reading_carries_the_days_quarters_without_another_call():
    routes = {"/v2/sites/101/power": load("solaredge", "power")}
    at = datetime(2026, 6, 21, 10, 5, 30, tzinfo=timezone.utc)
    with Replay(routes) as replay:
        client = make_client("solaredge", replay.url + "/v2")
        result = client.poll([site(101, "Europe/Berlin")], at)
    assert result.calls == 1
    capture = result.series["k101"]
    reading = result.readings[0]
    assert capture.step_minutes == 15 and len(capture.power_w) == 96
    assert capture.day == DAY and capture.captured_at == at
    # the same quarters as the reading's energy, on the grid by local time
    assert abs(capture.energy_wh - reading.energy_today_wh) < 1
    values = load("solaredge", "power")["body"]["values"]
    first = next(v for v in values if v["value"] is not None)
    hh, mm = first["timestamp"][11:13], first["timestamp"][14:16]
    assert capture.power_w[(int(hh) * 60 + int(mm)) // 15] == first["value"]
    assert capture.power_w[0] is None


def test_enphase_day_series_is_production_micro_from_local_midnight():
    routes = {
        "/api/v4/systems/5550102/telemetry/production_micro": load("enphase", "production_micro")
    }
    with Replay(routes) as replay:
        client = make_client("enphase", replay.url)
        result = client.day_series([site(5550102, PHOENIX, lat=33.46, lon=-112.08)], DAY, EVENING)
    asked = replay.requests[0]
    assert asked["query"]["granularity"] == "day"
    assert (
        int(asked["query"]["start_at"]) == load("enphase", "production_micro")["body"]["start_at"]
    )
    assert result.calls == costs.day_series_calls("enphase") == 1
    capture = result.series["k5550102"]
    assert capture.step_minutes == 5 and len(capture.power_w) == 288
    # an interval is stamped at its end: 06:00-06:05 holds the 06:05 interval
    assert capture.power_w[6 * 12] == 120
    assert capture.power_w[12 * 12 + 2] == 5380
    assert capture.power_w[9 * 12] is None  # nothing sent for 09:00


def test_enphase_below_kilowatt_refuses_the_series_to_the_sites_not_the_account():
    routes = {
        "/api/v4/systems/5550101/telemetry/production_micro": load("enphase", "forbidden"),
        "/api/v4/systems/5550102/telemetry/production_micro": load("enphase", "production_micro"),
    }
    sites = [site(5550101, PHOENIX), site(5550102, PHOENIX)]
    with Replay(routes) as replay:
        result = make_client("enphase", replay.url).day_series(sites, DAY, EVENING)
    assert result.account_error == ""
    assert "Kilowatt" in result.site_errors["k5550101"]
    # the plan refuses every site alike: the others are not asked again
    assert "Kilowatt" in result.site_errors["k5550102"]
    assert len(replay.requests) == 1


def test_apsystems_sums_the_ecus_on_a_five_minute_grid():
    prefix = "/user/api/v2/systems"
    ecus = load("apsystems", "details_two_ecus")["body"]["data"]["ecu"]
    routes = {f"{prefix}/details/AZ3001BRIS02": load("apsystems", "details_two_ecus")}
    for eid, name in zip(ecus, ("ecu_minutely", "ecu_minutely_second"), strict=True):
        routes[f"{prefix}/AZ3001BRIS02/devices/ecu/energy/{eid}"] = load("apsystems", name)
    at = datetime(2026, 6, 21, 2, 5, tzinfo=timezone.utc)  # 12:05 in Brisbane
    brisbane = site("AZ3001BRIS02", "Australia/Brisbane", lat=-27.47, lon=153.03)
    with Replay(routes) as replay:
        client = make_client("apsystems", replay.url)
        polled = client.poll([brisbane], at)
        asked = client.day_series([brisbane], DAY, at)
    assert polled.account_error == "" and not polled.site_errors, polled.site_errors
    assert polled.calls == 3  # the reading's own calls: the series came with them
    capture = polled.series["kAZ3001BRIS02"]
    assert capture.step_minutes == 5 and len(capture.power_w) == 288
    first, second = (
        load("apsystems", name)["body"]["data"] for name in ("ecu_minutely", "ecu_minutely_second")
    )
    # a sample at HH:mm ends its five minutes; the two ECUs' samples add up
    both = sorted(set(first["time"]) & set(second["time"]))
    assert both
    for stamp in both:
        hh, mm = (int(x) for x in stamp.split(":"))
        expected = float(first["power"][first["time"].index(stamp)]) + float(
            second["power"][second["time"].index(stamp)]
        )
        assert capture.power_w[(hh * 60 + mm - 5) // 5] == expected
    # one ECU alone at 11:45: its own power, not a gap
    alone = sorted(set(first["time"]) - set(second["time"]))[0]
    hh, mm = (int(x) for x in alone.split(":"))
    assert capture.power_w[(hh * 60 + mm - 5) // 5] == float(
        first["power"][first["time"].index(alone)]
    )
    assert asked.calls == costs.day_series_calls("apsystems", ecus=2) == 3
    assert [r["query"].get("date_range") for r in replay.requests[-2:]] == ["2026-06-21"] * 2


def test_a_capture_reads_as_the_day_judges_series():
    routes = {"/v2/sites/101/power": load("solaredge", "power")}
    at = datetime(2026, 6, 21, 10, 5, 30, tzinfo=timezone.utc)
    with Replay(routes) as replay:
        capture = make_client("solaredge", replay.url + "/v2").poll(
            [site(101, "Europe/Berlin")], at
        )
    spec = SiteSpec("k101", "acct", "solaredge", 48.14, 11.58, "Europe/Berlin", 8000.0)
    series = to_day_series(spec, capture.series["k101"])
    assert series.steps == 96 and series.day == DAY


def test_simulator_serves_the_documented_production_micro():
    account = make_account("enphase", 1)
    phoenix = SimSite(
        "5550102", "enphase", account.key, "Phoenix 2", 33.46, -112.08, PHOENIX, 7000, "Phoenix"
    )
    fleet = Fleet([phoenix], [account])
    fleet.set_clock(EVENING)
    with Simulator(fleet) as sim:
        client = make_client(
            "enphase",
            sim.base_url("enphase"),
            access_token=account.access_token,
        )
        client._api_key = account.api_key
        result = client.day_series([site(5550102, PHOENIX, lat=33.46, lon=-112.08)], DAY, EVENING)
        body = requests.get(
            sim.base_url("enphase") + "/api/v4/systems/5550102/telemetry/production_micro",
            params={"key": account.api_key, "granularity": "day"},
            headers={"Authorization": f"Bearer {account.access_token}"},
            timeout=10,
        ).json()
        account.device_telemetry = False
        refused = requests.get(
            sim.base_url("enphase") + "/api/v4/systems/5550102/telemetry/production_micro",
            params={"key": account.api_key},
            headers={"Authorization": f"Bearer {account.access_token}"},
            timeout=10,
        )
    assert shape_errors(load("enphase", "production_micro")["body"], body) == []
    assert refused.status_code == 403
    assert shape_errors(load("enphase", "forbidden")["body"], refused.json()) == []
    capture = result.series["k5550102"]
    lit = [p for p in capture.power_w if p]
    assert len(lit) > 100 and max(lit) > 3000  # a June day in Phoenix
