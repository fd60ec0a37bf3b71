"""Enphase Enlighten Systems API v4: the client against the documented shapes."""

from datetime import datetime, timezone

import requests

from solar_om_engine.classify import classify_fleet
from solar_om_engine.simulator import Simulator
from solar_om_engine.simulator.fleet import Fleet, SimSite, make_account

from .helpers import make_client, site
from .replay import Replay, load, shape_errors

AT = datetime(2026, 6, 21, 19, 0, tzinfo=timezone.utc)  # noon in Phoenix
PHOENIX = "America/Phoenix"
SYSTEMS = [load("enphase", "systems_page1"), load("enphase", "systems_page2")]


def sites(**kwargs):
    return [
        site(5550101, PHOENIX, lat=33.45, lon=-112.07, **kwargs),
        site(5550102, PHOENIX, lat=33.46, lon=-112.08),
        site(5550103, "America/Denver", lat=39.74, lon=-104.99),
    ]


def poll(routes, refs, at=AT, **kwargs):
    with Replay(routes) as replay:
        client = make_client("enphase", replay.url, **kwargs)
        result = client.poll(refs, at)
    return result, replay.requests, client


def routes(**extra):
    base = {
        "/api/v4/systems": list(SYSTEMS),
        "/api/v4/systems/5550101/summary": load("enphase", "summary_meter"),
        "/api/v4/systems/5550102/summary": load("enphase", "summary_micro"),
        "/api/v4/systems/5550103/summary": load("enphase", "not_found"),
    }
    base.update(extra)
    return base


def test_pages_then_one_summary_per_site_with_key_and_bearer():
    result, asked, _ = poll(routes(), sites())
    assert result.account_error == ""
    assert [r["path"] for r in asked][:2] == ["/api/v4/systems", "/api/v4/systems"]
    assert [r["query"]["page"] for r in asked[:2]] == ["1", "2"]
    assert asked[0]["query"]["size"] == "100" and asked[0]["query"]["key"] == "en-key"
    assert asked[0]["headers"]["Authorization"] == "Bearer en-access"
    assert result.calls == 2 + 3
    assert (
        "System not found" in result.site_errors["k5550103"]
        or "404" in (result.site_errors["k5550103"])
    )
    by_site = {r.site: r for r in result.readings}
    assert by_site["k5550101"].energy_today_wh == 12480
    assert by_site["k5550101"].last_report_at == datetime.fromtimestamp(
        1782068400 - 300, timezone.utc
    )


def test_a_metered_site_is_never_a_false_meter_fault():
    result, _, _ = poll(routes(), sites(meter_expected=True))
    metered = next(r for r in result.readings if r.site == "k5550101")
    assert metered.meter_energy_today_wh == metered.energy_today_wh == 12480
    verdicts = classify_fleet(result.readings, AT).by_site()
    assert verdicts["k5550101"].kind != "meter_fault", verdicts["k5550101"]


def test_meter_issue_status_is_the_meter_fault():
    extra = {"/api/v4/systems/5550101/summary": load("enphase", "summary_meter_issue")}
    result, _, _ = poll(routes(**extra), sites(meter_expected=True))
    verdict = classify_fleet(result.readings, AT).by_site()["k5550101"]
    assert verdict.kind == "meter_fault" and "meter_issue" in verdict.reason


def test_micro_status_is_the_partial_outage_without_a_module_count():
    result, _, _ = poll(routes(), sites())
    micro = next(r for r in result.readings if r.site == "k5550102")
    assert micro.devices_total == 18 and micro.devices_reporting is None
    assert classify_fleet(result.readings, AT).by_site()["k5550102"].kind == "string_mlpe_fault"


def test_minute_and_month_429_block_the_ledger_until_period_end():
    result, _, client = poll(
        routes(**{"/api/v4/systems": load("enphase", "too_many_minute")}), sites()
    )
    assert "minute quota spent" in result.account_error
    assert client.ledger.blocked_period == "minute"
    result, _, client = poll(
        routes(**{"/api/v4/systems": load("enphase", "too_many_month")}), sites()
    )
    assert "month quota spent until 2026-07-01" in result.account_error
    assert client.ledger.blocked_period == "month"


def test_401_without_refresh_token_is_an_account_error():
    result, _, _ = poll(routes(**{"/api/v4/systems": load("enphase", "unauthorized")}), sites())
    assert "access token refused and no refresh token" in result.account_error
    assert result.readings == []


def test_a_500_on_one_summary_is_that_sites_error():
    extra = {"/api/v4/systems/5550102/summary": load("enphase", "unavailable")}
    result, _, _ = poll(routes(**extra), sites())
    assert "answered 500" in result.site_errors["k5550102"]
    assert "k5550101" in {r.site for r in result.readings}


def test_liveness_costs_one_call_per_hundred_systems():
    with Replay({"/api/v4/systems": list(SYSTEMS)}) as replay:
        client = make_client("enphase", replay.url)
        live = client.liveness(sites(), AT)
    assert live.calls == 2  # the fixture pages by 2; a real page holds 100
    assert live.sites["5550102"].vendor_status == "micro"
    assert live.sites["5550103"].vendor_status == "comm"
    assert live.sites["5550101"].last_report_at.timestamp() == 1782068400 - 300


def test_simulator_speaks_the_documented_shapes():
    account = make_account("enphase", 1)
    sims = [
        SimSite(
            "5550101",
            "enphase",
            account.key,
            "Phoenix 1",
            33.45,
            -112.07,
            PHOENIX,
            8000,
            "Phoenix",
            has_meter=True,
        ),
        SimSite(
            "5550102", "enphase", account.key, "Phoenix 2", 33.46, -112.08, PHOENIX, 7000, "Phoenix"
        ),
    ]
    fleet = Fleet(sims, [account])
    fleet.set_clock(AT)
    with Simulator(fleet) as sim:
        base = sim.base_url("enphase") + "/api/v4"
        auth = {"Authorization": f"Bearer {account.access_token}"}

        def get(path, **params):
            params["key"] = account.api_key
            return requests.get(base + path, params=params, headers=auth, timeout=10)

        systems = get("/systems", size=100).json()
        assert shape_errors(load("enphase", "systems_page1")["body"], systems) == []
        summary = get("/systems/5550101/summary").json()
        assert shape_errors(load("enphase", "summary_meter")["body"], summary) == []
        assert summary["source"] == "meter"
        assert get("/systems/5550102/summary").json()["source"] == "microinverters"
        missing = get("/systems/999/summary")
        assert missing.status_code == 404
        assert shape_errors(load("enphase", "not_found")["body"], missing.json()) == []
        refused = requests.get(base + "/systems", params={"key": account.api_key}, timeout=10)
        assert refused.status_code == 401
        assert shape_errors(load("enphase", "unauthorized")["body"], refused.json()) == []
        account.per_minute = 0
        limited = get("/systems")
        assert limited.status_code == 429
        assert shape_errors(load("enphase", "too_many_minute")["body"], limited.json()) == []
        fleet.inject("5550101", "meter_fault")
        account.per_minute = 100
        assert get("/systems/5550101/summary").json()["status"] == "meter"


def test_account_stops_say_their_kind():
    for fixture, kind in (
        ("too_many_minute", "quota_minute"),
        ("too_many_month", "quota_month"),
        ("unauthorized", "auth"),
    ):
        result, _, _ = poll(routes(**{"/api/v4/systems": load("enphase", fixture)}), sites())
        assert result.account_error_kind == kind, fixture
    result, _, _ = poll(routes(), sites())
    assert result.account_error_kind == ""
