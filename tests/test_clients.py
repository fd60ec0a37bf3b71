"""Vendor clients against the project's simulator over real HTTP on 127.0.0.1."""

import json
from datetime import datetime, timezone

import pytest
import requests
import urllib3

from solar_om_engine.clients import CLIENTS, SiteRef
from solar_om_engine.clients.base import check_base_url, connection_pool, redact
from solar_om_engine.daylight import sun_elevation
from solar_om_engine.quota import QuotaLedger, Tier, tier_for

AT = datetime(2026, 6, 21, 10, 0, tzinfo=timezone.utc)


ROOMY = Tier(1000, 100000)


def client_for(sim, account, tier=ROOMY, **over):
    ledger = QuotaLedger(account.vendor, tier)
    url = sim.base_url(account.vendor)
    if account.vendor == "solaredge":
        return CLIENTS["solaredge"](url, ledger, api_key=over.get("api_key", account.api_key))
    if account.vendor == "enphase":
        return CLIENTS["enphase"](
            url,
            ledger,
            api_key=account.api_key,
            client_id=f"{account.key}-client",
            client_secret=account.secret,
            access_token=over.get("access_token", account.access_token),
            refresh_token=account.refresh_token,
            on_tokens=over.get("on_tokens"),
        )
    return CLIENTS["apsystems"](
        url, ledger, app_id=account.api_key, app_secret=over.get("secret", account.secret)
    )


def refs(fleet, account):
    return [
        SiteRef(s.ref, s.ref, s.account, s.latitude, s.longitude, s.timezone, s.capacity_w)
        for s in fleet.sites.values()
        if s.account == account.key
    ]


def control(sim, path, **data):
    return requests.post(f"{sim.url}/_sim/{path}", json=data, timeout=5).json()


@pytest.fixture(autouse=True)
def frozen_clock(fleet):
    fleet.set_clock(AT)


@pytest.mark.parametrize("vendor", ["solaredge", "enphase", "apsystems"])
def test_each_vendor_gives_one_reading_per_site(sim, fleet, vendor):
    account = next(a for a in fleet.accounts.values() if a.vendor == vendor)
    result = client_for(sim, account).poll(refs(fleet, account), AT)
    assert result.account_error == ""
    assert result.site_errors == {}
    assert len(result.readings) == 10
    assert all(r.last_report_at is not None and r.last_report_at.tzinfo for r in result.readings)


def test_enphase_lists_a_hundred_systems_per_call(fleet):
    from solar_om_engine.simulator import Simulator, make_fleet

    big = make_fleet(750, seed=1)  # 250 Enphase systems
    big.set_clock(AT)
    with Simulator(big) as server:
        account = next(a for a in big.accounts.values() if a.vendor == "enphase")
        client = client_for(server, account)
        client.summary_sites = set()  # freshness only
        result = client.poll(refs(big, account), AT)
    assert len(result.readings) == 250
    assert result.calls == 3  # pages of 100, 100, 50


def test_solaredge_v1_paths_answer_410_and_say_so(sim, fleet):
    account = next(a for a in fleet.accounts.values() if a.vendor == "solaredge")
    client = client_for(sim, account)
    client.base_url = sim.url + "/solaredge"  # a v1 base URL
    result = client.poll(refs(fleet, account)[:1], AT)
    assert "410" in result.site_errors.get(refs(fleet, account)[0].key, "") or (
        "410" in result.account_error
    )


def test_wrong_api_key_is_an_account_error_without_the_key(sim, fleet):
    account = next(a for a in fleet.accounts.values() if a.vendor == "solaredge")
    client = client_for(sim, account, api_key="sekrit-wrong-key")
    result = client.poll(refs(fleet, account), AT)
    assert "refused the credentials (401)" in result.account_error
    assert "sekrit" not in result.account_error


def test_apsystems_bad_signature_is_code_4000_inside_http_200(sim, fleet):
    account = next(a for a in fleet.accounts.values() if a.vendor == "apsystems")
    result = client_for(sim, account, secret="not-the-secret").poll(refs(fleet, account), AT)
    assert "code 4000" in result.account_error
    assert result.readings == []


def test_apsystems_7002_blocks_the_minute(sim, fleet):
    account = next(a for a in fleet.accounts.values() if a.vendor == "apsystems")
    account.per_minute = 3
    client = client_for(sim, account)
    result = client.poll(refs(fleet, account), AT)
    assert "code 7002" in result.account_error
    assert client.ledger.blocked_period == "minute"
    assert len(result.readings) == 1  # 3 calls: details+minutely, then details refused


def test_enphase_429_month_stops_until_period_end(sim, fleet):
    account = next(a for a in fleet.accounts.values() if a.vendor == "enphase")
    account.per_month = 2
    client = client_for(sim, account)
    first = client.poll(refs(fleet, account), AT)
    assert "month quota spent" in first.account_error
    calls_before = sim.calls
    second = client.poll(refs(fleet, account), AT)
    assert "month quota spent" in second.account_error
    assert sim.calls == calls_before  # no call was made against a spent month


def test_enphase_minute_429_is_told_apart_from_month(sim, fleet):
    account = next(a for a in fleet.accounts.values() if a.vendor == "enphase")
    account.per_minute = 1
    client = client_for(sim, account)
    result = client.poll(refs(fleet, account), AT)
    assert "minute quota spent" in result.account_error
    assert client.ledger.blocked_period == "minute"


def test_enphase_expired_token_is_refreshed_and_rotation_handed_over(sim, fleet):
    account = next(a for a in fleet.accounts.values() if a.vendor == "enphase")
    seen = []
    client = client_for(sim, account, access_token="expired", on_tokens=seen.append)
    result = client.poll(refs(fleet, account), AT)
    assert result.account_error == ""
    assert len(seen) == 1
    assert seen[0]["refresh_token"] == account.refresh_token  # rotated, and handed over
    assert seen[0]["access_token"] == account.access_token


@pytest.mark.parametrize("mode", ["500", "malformed", "truncated", "wrong_types"])
def test_bad_answers_are_reported_per_site_and_the_rest_go_on(sim, fleet, mode):
    account = next(a for a in fleet.accounts.values() if a.vendor == "solaredge")
    control(sim, "api_fault", vendor="solaredge", account=account.key, mode=mode, count=2)
    result = client_for(sim, account).poll(refs(fleet, account), AT)
    assert result.account_error == ""
    assert len(result.site_errors) == 2
    assert len(result.readings) == 8
    message = next(iter(result.site_errors.values()))
    assert any(word in message for word in ("500", "invalid JSON", "not a number"))


def test_timeouts_are_transient_site_errors(sim, fleet):
    account = next(a for a in fleet.accounts.values() if a.vendor == "solaredge")
    sim.timeout_seconds = 1.0
    control(sim, "api_fault", vendor="solaredge", account=account.key, mode="timeout", count=1)
    client = client_for(sim, account)
    client.timeout = 0.5
    result = client.poll(refs(fleet, account), AT)
    assert "timed out" in next(iter(result.site_errors.values()))
    assert len(result.readings) == 9


def test_only_https_or_loopback_http():
    assert check_base_url("https://monitoringapi.solaredge.com/v2/")
    assert check_base_url("http://127.0.0.1:8765/solaredge/v2")
    with pytest.raises(ValueError, match="need https"):
        check_base_url("http://monitoringapi.solaredge.com/v2")
    with pytest.raises(ValueError, match="need https"):
        check_base_url("http://10.0.0.5/v2")


def test_redact_hides_keys_and_tokens():
    text = redact("GET /x?key=abc123&size=1 Authorization: Bearer tok.en", ("abc123",))
    assert "abc123" not in text and "tok.en" not in text
    assert json.dumps(text)


def test_unknown_tier_names_the_known_ones():
    with pytest.raises(ValueError, match="known: watt, kilowatt, megawatt, partner"):
        tier_for("enphase", "gigawatt")


@pytest.fixture
def big():
    from solar_om_engine.simulator import Simulator, make_fleet

    fleet = make_fleet(150, seed=3)
    fleet.set_clock(AT)
    with Simulator(fleet) as server:
        yield server, fleet


@pytest.mark.parametrize("vendor", ["solaredge", "enphase", "apsystems"])
def test_the_quota_counts_exactly_the_calls_a_check_makes(big, vendor):
    from solar_om_engine.clients.costs import check_calls, liveness_calls
    from solar_om_engine.planner import costs_for

    sim, fleet = big
    account = next(a for a in fleet.accounts.values() if a.vendor == vendor)
    # the check polls lit sites only; a SolarEdge site with nothing since
    # midnight (asleep) costs one call more, for the previous day
    sites = [s for s in refs(fleet, account) if sun_elevation(s.latitude, s.longitude, AT) > 10]
    assert len(sites) >= 10
    client = client_for(sim, account)
    before = sim.calls
    result = client.poll(sites, AT)
    served = sim.calls - before
    assert result.account_error == "" and len(result.readings) == len(sites)
    # what the simulator served = what the client counted = what the ledger
    # spent = what the planner budgets for a check of these sites
    assert served == result.calls == client.ledger.month_used
    planned = costs_for(vendor).production_pass(len(sites))
    assert served == check_calls(vendor, len(sites)) == planned
    before = sim.calls
    live = client.liveness(sites, AT)
    assert sim.calls - before == live.calls == liveness_calls(vendor, len(sites))
    assert live.calls == costs_for(vendor).liveness_pass(len(sites))
    assert set(live.sites) == {s.vendor_ref for s in sites}
    if vendor != "apsystems":  # APsystems documents no call with a report time
        assert all(v.last_report_at is not None for v in live.sites.values())


def test_metered_solaredge_sites_cost_one_meter_call_more(big):
    from dataclasses import replace

    from solar_om_engine.clients.costs import check_calls

    sim, fleet = big
    account = next(a for a in fleet.accounts.values() if a.vendor == "solaredge")
    for site in fleet.sites.values():
        site.has_meter = True
    sites = [
        replace(s, meter_expected=True)
        for s in refs(fleet, account)
        if sun_elevation(s.latitude, s.longitude, AT) > 10
    ]
    result = client_for(sim, account).poll(sites, AT)
    assert result.site_errors == {}
    assert result.calls == check_calls("solaredge", len(sites), metered_sites=len(sites))
    assert all(r.meter_energy_today_wh for r in result.readings)


def test_a_solaredge_site_asleep_since_midnight_costs_the_previous_day(sim, fleet):
    account = next(a for a in fleet.accounts.values() if a.vendor == "solaredge")
    dark = [s for s in refs(fleet, account) if sun_elevation(s.latitude, s.longitude, AT) < -10]
    assert dark
    result = client_for(sim, account).poll(dark[:1], AT)
    assert result.calls == 2
    (reading,) = result.readings
    # heard from last evening: stale, not "never reported"
    assert reading.last_report_at is not None and reading.last_report_at < AT


def test_the_environments_proxy_and_certificates_are_read_once_per_client(monkeypatch):
    # what requests read from the environment on every call, the client
    # reads when it is made: the proxy for the vendor's host ...
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/company.pem")
    pool = connection_pool("https://monitoringapi.solaredge.com/v2")
    assert isinstance(pool, urllib3.ProxyManager)
    assert pool.proxy.host == "proxy.example"
    assert pool.connection_pool_kw["ca_certs"] == "/etc/ssl/certs/company.pem"
    # ... none for a host NO_PROXY lists
    direct = connection_pool("https://api.internal.example/v4")
    assert not isinstance(direct, urllib3.ProxyManager)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    assert connection_pool("https://x.example").connection_pool_kw["cert_reqs"] == "CERT_REQUIRED"
