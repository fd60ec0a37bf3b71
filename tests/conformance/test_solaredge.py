"""SolarEdge Monitoring API v2: the client against the documented shapes."""

import copy
from datetime import datetime, timezone

import requests

from solar_om_engine.classify import classify_fleet
from solar_om_engine.clients.base import PayloadError
from solar_om_engine.simulator import Simulator
from solar_om_engine.simulator.fleet import Fleet, SimSite, make_account

from .helpers import make_client, site
from .replay import Replay, load, shape_errors

# 12:05:30 in Munich: the fixtures' day
AT = datetime(2026, 6, 21, 10, 5, 30, tzinfo=timezone.utc)
MUNICH = "Europe/Berlin"


def poll(routes, sites, at=AT, **kwargs):
    with Replay(routes) as replay:
        client = make_client("solaredge", replay.url + "/v2", **kwargs)
        result = client.poll(sites, at)
    return result, replay.requests, client


def test_power_series_gives_power_last_report_and_energy_in_one_call():
    result, asked, _ = poll(
        {"/v2/sites/4100017/power": load("solaredge", "power")}, [site(4100017, MUNICH)]
    )
    assert result.site_errors == {} and result.account_error == ""
    (reading,) = result.readings
    assert reading.power_w == 5733.0342  # the latest non-null quarter
    # that quarter (11:45) is an average, known once it ends
    assert reading.last_report_at.isoformat() == "2026-06-21T12:00:00+02:00"
    assert round(reading.energy_today_wh, 1) == 19149.9
    assert result.calls == 1
    (request,) = asked
    # documented: from/to ISO-8601 UTC, X-API-Key header
    assert request["query"]["from"] == "2026-06-20T22:00:00Z"
    assert request["query"]["to"] == "2026-06-21T10:05:30Z"
    assert request["headers"]["X-API-Key"] == "se-key"
    verdict = classify_fleet([reading], AT).verdicts[0]
    assert verdict.kind == "ok", verdict
    # a snapshot says what the site reports, never that it produces normally:
    # production is judged over the day, at the day's close
    assert (
        verdict.reason
        == "reporting 5.7 kW, 19.1 kWh today; production is judged at the day's close"
    )
    assert "ratio" not in verdict.evidence


def test_a_standby_draw_reads_as_zero_with_a_note():
    fixture = copy.deepcopy(load("solaredge", "power"))
    last = [v for v in fixture["body"]["values"] if v["value"] is not None][-1]
    last["value"] = -3.0
    result, _, _ = poll({"/v2/sites/4100017/power": fixture}, [site(4100017, MUNICH)])
    (reading,) = result.readings
    assert reading.power_w == 0.0
    assert "power_w -3 read as 0 (standby draw)" in reading.notes


def test_silent_since_yesterday_asks_the_previous_day_once_and_is_a_comms_loss():
    routes = {
        "/v2/sites/4100017/power": [
            load("solaredge", "power_asleep"),
            load("solaredge", "power_yesterday"),
        ]
    }
    result, asked, _ = poll(routes, [site(4100017, MUNICH)])
    (reading,) = result.readings
    assert reading.last_report_at.isoformat() == "2026-06-20T16:00:00+02:00"
    assert reading.power_w is None and reading.energy_today_wh is None
    assert [r["query"]["from"] for r in asked] == ["2026-06-20T22:00:00Z", "2026-06-19T22:00:00Z"]
    assert classify_fleet([reading], AT).verdicts[0].kind == "comms_loss"


def test_unknown_site_is_that_sites_error_naming_the_problem_detail():
    routes = {
        "/v2/sites/4100017/power": load("solaredge", "power"),
        "/v2/sites/4100099/power": load("solaredge", "not_found"),
    }
    result, _, _ = poll(routes, [site(4100099, MUNICH), site(4100017, MUNICH)])
    assert result.account_error == ""
    assert "answered 404 Unknown endpoint" in result.site_errors["k4100099"]
    assert [r.site for r in result.readings] == ["k4100017"]


def test_minute_429_blocks_the_minute_month_429_the_month():
    result, _, client = poll(
        {"/v2/sites/4100017/power": load("solaredge", "rate_limited_minute")},
        [site(4100017, MUNICH)],
    )
    assert "minute limit reached" in result.account_error
    assert client.ledger.blocked_period == "minute"
    result, _, client = poll(
        {"/v2/sites/4100017/power": load("solaredge", "rate_limited_month")},
        [site(4100017, MUNICH)],
    )
    assert "month quota spent" in result.account_error
    assert client.ledger.blocked_period == "month"
    assert client.ledger.month_remaining() == 0


def test_minute_headers_are_read():
    _, _, client = poll(
        {"/v2/sites/4100017/power": load("solaredge", "power")}, [site(4100017, MUNICH)]
    )
    assert client.ledger.remaining_minute == 8


def test_devices_and_alerts_are_bare_arrays():
    routes = {
        "/v2/sites/4100017/devices": load("solaredge", "devices"),
        "/v2/sites/4100017/alerts": load("solaredge", "alerts"),
        "/v2/sites/4100018/devices": load("solaredge", "overview"),  # an object
    }
    with Replay(routes) as replay:
        client = make_client("solaredge", replay.url + "/v2")
        devices = client.devices("4100017")
        assert devices[0]["connectedOptimizers"] == 24
        assert client.alerts("4100017") == []
        try:
            client.devices("4100018")
        except PayloadError as err:
            assert "expected a JSON array, got an object with keys" in str(err)
        else:
            raise AssertionError("an object where an array is documented must be refused")


def test_sites_list_envelope_and_paging():
    with Replay({"/v2/sites": load("solaredge", "sites")}) as replay:
        client = make_client("solaredge", replay.url + "/v2")
        sites = client.list_sites()
    assert [s["siteId"] for s in sites] == [4100017, 4100018]
    assert replay.requests[0]["query"] == {"startIndex": "0", "size": "100"}


def test_meter_telemetry_feeds_the_meter_figure():
    routes = {
        "/v2/sites/4100017/power": load("solaredge", "power"),
        "/v2/sites/4100017/meters/telemetry": load("solaredge", "meters_telemetry"),
    }
    result, _, _ = poll(routes, [site(4100017, MUNICH, meter_expected=True)])
    (reading,) = result.readings
    assert reading.meter_energy_today_wh == 29650.0
    assert reading.meter_expected and result.calls == 2


def test_an_unrecognised_meter_shape_leaves_the_meter_unjudged_not_faulty():
    routes = {
        "/v2/sites/4100017/power": load("solaredge", "power"),
        "/v2/sites/4100017/meters/telemetry": load("solaredge", "overview"),
    }
    result, _, _ = poll(routes, [site(4100017, MUNICH, meter_expected=True)])
    (reading,) = result.readings
    assert not reading.meter_expected
    assert any("meter not judged" in note for note in reading.notes)
    assert classify_fleet([reading], AT).verdicts[0].kind != "meter_fault"


def test_liveness_is_the_power_call_per_site():
    routes = {"/v2/sites/4100017/power": load("solaredge", "power")}
    with Replay(routes) as replay:
        client = make_client("solaredge", replay.url + "/v2")
        live = client.liveness([site(4100017, MUNICH), site(4100018, MUNICH)], AT)
    assert live.calls == 2
    assert live.sites["4100017"].last_report_at.isoformat() == "2026-06-21T12:00:00+02:00"
    assert "404" in live.site_errors["4100018"]


# ------------------------------------------------------------ the simulator


def test_simulator_speaks_the_documented_shapes():
    account = make_account("solaredge", 1)
    sim_site = SimSite(
        "4100017",
        "solaredge",
        account.key,
        "Munich",
        48.14,
        11.58,
        MUNICH,
        8000,
        "Munich",
        has_meter=True,
    )
    fleet = Fleet([sim_site], [account])
    fleet.set_clock(AT)
    headers = {"X-API-Key": account.api_key}
    with Simulator(fleet) as sim:
        base = sim.base_url("solaredge")

        def get(path, **params):
            return requests.get(base + path, params=params, headers=headers, timeout=10)

        checks = {
            "/sites": "sites",
            "/sites/4100017/power": "power",
            "/sites/4100017/energy": "energy",
            "/sites/4100017/overview": "overview",
            "/sites/4100017/devices": "devices",
            "/sites/4100017/alerts": "alerts",
            "/sites/4100017/meters/telemetry": "meters_telemetry",
            "/sites/999/power": "not_found",
        }
        for path, name in checks.items():
            fixture = load("solaredge", name)
            answer = get(path)
            assert answer.status_code == fixture["status"], path
            assert shape_errors(fixture["body"], answer.json()) == [], path
            assert answer.headers["x-ratelimit-limit-minute"], path
            if name == "not_found":
                assert answer.headers["Content-Type"] == "application/problem+json"
        power = get("/sites/4100017/power").json()
        assert power["values"][0]["timestamp"] == "2026-06-21T00:00:00+02:00"
        account.per_minute = 1
        limited = get("/sites/4100017/power")
        assert limited.status_code == 429
        assert limited.headers["x-ratelimit-remaining-minute"] == "0"
