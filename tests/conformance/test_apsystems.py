"""APsystems OpenAPI: the client against the documented shapes."""

import base64
import hashlib
import hmac
from datetime import datetime, timezone

import requests

from solar_om_engine.classify import classify_fleet
from solar_om_engine.clients.apsystems import sign
from solar_om_engine.simulator import Simulator
from solar_om_engine.simulator.fleet import Fleet, SimSite, make_account

from .helpers import make_client, site
from .replay import Replay, load, shape_errors

AT = datetime(2026, 6, 21, 2, 5, tzinfo=timezone.utc)  # 12:05 in Brisbane
BRISBANE = "Australia/Brisbane"
P = "/user/api/v2/systems"


def brisbane(ref, **kwargs):
    return site(ref, BRISBANE, lat=-27.47, lon=153.03, capacity_w=6600.0, **kwargs)


def poll(routes, refs, at=AT):
    with Replay(routes) as replay:
        client = make_client("apsystems", replay.url)
        result = client.poll(refs, at)
    return result, replay.requests, client


def test_details_then_the_ecu_minutely_series_signed():
    routes = {
        f"{P}/details/AZ3001BRIS01": load("apsystems", "details"),
        f"{P}/AZ3001BRIS01/devices/ecu/energy/216300012345": load("apsystems", "ecu_minutely"),
    }
    result, asked, _ = poll(routes, [brisbane("AZ3001BRIS01")])
    assert result.site_errors == {} and result.account_error == ""
    (reading,) = result.readings
    assert reading.power_w == 3302 and reading.energy_today_wh == 14620
    assert reading.last_report_at.isoformat() == "2026-06-21T12:00:00+10:00"
    assert result.calls == 2
    minutely = asked[1]
    assert minutely["query"] == {"energy_level": "minutely", "date_range": "2026-06-21"}
    h = minutely["headers"]
    to_sign = "/".join(
        [h["X-CA-Timestamp"], h["X-CA-Nonce"], "ap-app", "216300012345", "GET", "HmacSHA256"]
    )
    assert h["X-CA-Signature"] == sign("ap-secret-123", to_sign)


def test_signature_matches_the_manuals_java_snippet_vector():
    # inputs of mjrgr/apsystems-mcp-server:internal/auth/signer_test.go; the
    # expected value is HmacSHA256 as the manual's section 2.2.2 computes it
    to_sign = "1696665600000/aabbccdd11223344aabbccdd11223344/myappid/details/GET/HmacSHA256"
    digest = hmac.new(b"secret123456", to_sign.encode(), hashlib.sha256).digest()
    assert sign("secret123456", to_sign) == base64.b64encode(digest).decode()


def test_every_ecu_of_a_system_is_read_and_summed():
    routes = {
        f"{P}/details/AZ3001BRIS02": load("apsystems", "details_two_ecus"),
        f"{P}/AZ3001BRIS02/devices/ecu/energy/216300012345": load("apsystems", "ecu_minutely"),
        f"{P}/AZ3001BRIS02/devices/ecu/energy/216300012346": load(
            "apsystems", "ecu_minutely_second"
        ),
    }
    result, _, _ = poll(routes, [brisbane("AZ3001BRIS02")])
    (reading,) = result.readings
    assert reading.power_w == 3302 + 1533
    assert reading.energy_today_wh == 14620 + 6950
    assert (reading.devices_total, reading.devices_reporting) == (2, 2)
    assert result.calls == 3


def test_a_silent_second_ecu_is_a_partial_outage_not_underperformance():
    routes = {
        f"{P}/details/AZ3001BRIS02": load("apsystems", "details_two_ecus"),
        f"{P}/AZ3001BRIS02/devices/ecu/energy/216300012345": load("apsystems", "ecu_minutely"),
        f"{P}/AZ3001BRIS02/devices/ecu/energy/216300012346": load(
            "apsystems", "ecu_minutely_empty"
        ),
    }
    result, _, _ = poll(routes, [brisbane("AZ3001BRIS02")])
    (reading,) = result.readings
    assert (reading.devices_total, reading.devices_reporting) == (2, 1)
    assert classify_fleet([reading], AT).verdicts[0].kind == "string_mlpe_fault"


def test_shared_systems_are_asked_with_the_virtual_ecu():
    routes = {
        f"{P}/details/AZ3001BRIS03": load("apsystems", "details_shared"),
        f"{P}/AZ3001BRIS03/devices/ecu/energy/002410000042": load("apsystems", "ecu_minutely"),
    }
    result, asked, _ = poll(routes, [brisbane("AZ3001BRIS03")])
    assert result.site_errors == {}
    assert asked[1]["path"].endswith("/ecu/energy/002410000042")


def test_code_4000_is_that_sites_error_and_the_others_go_on():
    routes = {
        f"{P}/details/AZ3001BRIS09": load("apsystems", "code_4000"),
        f"{P}/details/AZ3001BRIS01": load("apsystems", "details"),
        f"{P}/AZ3001BRIS01/devices/ecu/energy/216300012345": load("apsystems", "ecu_minutely"),
    }
    result, _, _ = poll(routes, [brisbane("AZ3001BRIS09"), brisbane("AZ3001BRIS01")])
    assert result.account_error == ""
    assert "code 4000 (request parameter exception" in result.site_errors["kAZ3001BRIS09"]
    assert [r.site for r in result.readings] == ["kAZ3001BRIS01"]


def test_unexpected_shapes_are_per_site_errors_naming_site_and_answer():
    routes = {
        f"{P}/details/AZ3001BRIS01": load("apsystems", "details"),
        f"{P}/AZ3001BRIS01/devices/ecu/energy/216300012345": load(
            "apsystems", "ecu_energy_daily_list"
        ),
        f"{P}/details/AZ3001BRIS05": {"status": 200, "body": {"code": 0, "data": ["x"]}},
        f"{P}/details/AZ3001BRIS06": {"status": 200, "body": ["not", "an", "envelope"]},
    }
    refs = [brisbane("AZ3001BRIS01"), brisbane("AZ3001BRIS05"), brisbane("AZ3001BRIS06")]
    result, _, _ = poll(routes, refs)
    assert result.account_error == ""
    assert (
        "system AZ3001BRIS01: ECU 216300012345 energy is a list of 3 items"
        in (result.site_errors["kAZ3001BRIS01"])
    )
    assert (
        "system AZ3001BRIS05: details is a list of 1 item" in (result.site_errors["kAZ3001BRIS05"])
    )
    assert "answer without a code" in result.site_errors["kAZ3001BRIS06"]


def test_access_limits_stop_the_account():
    result, _, client = poll(
        {f"{P}/details/AZ3001BRIS01": load("apsystems", "code_7002")}, [brisbane("AZ3001BRIS01")]
    )
    assert "code 7002" in result.account_error and client.ledger.blocked_period == "minute"
    result, _, client = poll(
        {f"{P}/details/AZ3001BRIS01": load("apsystems", "code_2005")}, [brisbane("AZ3001BRIS01")]
    )
    assert "code 2005" in result.account_error and client.ledger.blocked_period == "month"


def test_liveness_is_the_light_of_each_system():
    with Replay({f"{P}/details/AZ3001BRIS01": load("apsystems", "details_red")}) as replay:
        client = make_client("apsystems", replay.url)
        live = client.liveness([brisbane("AZ3001BRIS01")], AT)
    assert live.calls == 1
    assert live.sites["AZ3001BRIS01"].vendor_status == "comm"
    assert live.sites["AZ3001BRIS01"].last_report_at is None  # no call carries one


def test_simulator_speaks_the_documented_shapes():
    account = make_account("apsystems", 1)
    sims = [
        SimSite(
            "AZ1",
            "apsystems",
            account.key,
            "Brisbane 1",
            -27.47,
            153.03,
            BRISBANE,
            6600,
            "Brisbane",
            ecus=2,
        ),
        SimSite(
            "AZ2",
            "apsystems",
            account.key,
            "Brisbane 2",
            -27.48,
            153.02,
            BRISBANE,
            5200,
            "Brisbane",
            shared=True,
        ),
    ]
    fleet = Fleet(sims, [account])
    fleet.set_clock(AT)
    with Simulator(fleet) as sim:
        client = make_client("apsystems", sim.base_url("apsystems"))
        client._app_id, client._app_secret = account.api_key, account.secret
        two = client.details("AZ1")
        assert shape_errors(load("apsystems", "details")["body"]["data"], two) == []
        assert len(two["ecu"]) == 2
        shared = client.details("AZ2")
        assert "-" in shared["ecu"][0]
        virtual = client.data_ecu(shared["ecu"][0])
        minutely = client.ecu_minutely("AZ2", virtual, "2026-06-21")
        assert shape_errors(load("apsystems", "ecu_minutely")["body"]["data"], minutely) == []
        assert minutely["time"][-1] == "12:00"
        # the main ECU id is refused, as the manual says data needs the virtual one
        main = shared["ecu"][0].split("-")[0]
        raw = requests.get(
            f"{sim.base_url('apsystems')}/user/api/v2/systems/AZ2/devices/ecu/energy/{main}",
            params={"energy_level": "minutely", "date_range": "2026-06-21"},
            headers=client._headers(f"/user/api/v2/systems/AZ2/devices/ecu/energy/{main}", "GET"),
            timeout=10,
        ).json()
        assert raw == {"code": 4000, "data": None}
        result = client.poll([brisbane("AZ1", key="one"), brisbane("AZ2", key="two")], AT)
    assert result.site_errors == {} and len(result.readings) == 2
    one = next(r for r in result.readings if r.site == "one")
    assert one.devices_total == 2 and one.devices_reporting == 2
