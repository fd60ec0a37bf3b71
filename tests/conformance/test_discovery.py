"""Discovery (onboarding): each client lists an account's systems and reads
a system's devices from payloads in the documented shapes, over real HTTP;
the simulator answers the same calls in the same shapes, paging included."""

import json

import requests

from solar_om_engine.clients.discovery import discover, read_devices
from solar_om_engine.simulator import Simulator
from solar_om_engine.simulator.fleet import device_serials, onboarding_fleet

from .helpers import make_client
from .replay import Replay, load, shape_errors


def test_solaredge_pages_the_site_list_and_reads_location_and_status():
    routes = {"/v2/sites": [load("solaredge", "sites_page1"), load("solaredge", "sites_page2")]}
    with Replay(routes) as replay:
        result = discover(make_client("solaredge", replay.url + "/v2"))
    assert result.account_error == "" and result.complete
    assert [r["query"]["startIndex"] for r in replay.requests] == ["0", "2"]
    assert result.calls == 2
    by_ref = {s.vendor_ref: s for s in result.systems}
    roof = by_ref["4100017"]
    assert (roof.name, roof.capacity_kwp, roof.timezone) == (
        "Sonnenschein roof",
        9.8,
        "Europe/Berlin",
    )
    assert (roof.street, roof.zip, roof.city, roof.country) == (
        "Lindenstraße 4",
        "80331",
        "Munich",
        "DE",
    )
    assert roof.installation_date.isoformat() == "2023-04-11" and not roof.deactivated
    assert by_ref["4100019"].deactivated and by_ref["4100019"].status == "DISABLED"


def test_solaredge_devices_are_the_inventory_with_serials():
    routes = {"/v2/sites/4100017/devices": load("solaredge", "devices")}
    with Replay(routes) as replay:
        result = read_devices(make_client("solaredge", replay.url + "/v2"), ["4100017", "4100099"])
    (inverter,) = result.devices["4100017"]
    assert (inverter.kind, inverter.serial, inverter.model) == (
        "inverter",
        "7E1A2B3C-4D",
        "SE8K-RW0TEBEN4",
    )
    # one unknown site is that site's error; the others are read
    assert "4100099" in result.errors and result.account_error == ""


def test_enphase_lists_100_a_page_with_reference_and_deactivated_status():
    routes = {"/api/v4/systems": load("enphase", "systems_reference")}
    with Replay(routes) as replay:
        result = discover(make_client("enphase", replay.url))
    assert replay.requests[0]["query"]["size"] == "100"
    garcia, lee = result.systems
    assert garcia.reference == "INST-00042" and garcia.capacity_kwp is None  # lists say -1
    assert (garcia.city, garcia.zip, garcia.timezone) == ("Phoenix", "85004", "America/Phoenix")
    assert garcia.installation_date.isoformat() == "2022-12-31"  # operational_at, Phoenix time
    assert lee.deactivated and not garcia.deactivated


def test_enphase_devices_hang_micros_off_the_gateway_and_read_the_size():
    routes = {
        "/api/v4/systems/5550201/devices": load("enphase", "devices"),
        "/api/v4/systems/5550201/summary": load("enphase", "summary_meter"),
    }
    with Replay(routes) as replay:
        result = read_devices(make_client("enphase", replay.url), ["5550201"], with_size=True)
    devices = result.devices["5550201"]
    micros = [d for d in devices if d.kind == "microinverter"]
    assert [d.serial for d in micros] == ["122301000001", "122301000002"]
    assert {d.parent_serial for d in micros} == {"202301000099"}
    assert (
        result.capacity_kwp["5550201"] == load("enphase", "summary_meter")["body"]["size_w"] / 1000
    )
    assert result.calls == 2


def test_apsystems_installer_lists_systems_by_post_and_end_user_cannot():
    routes = {"/installer/api/v2/systems": load("apsystems", "systems_list")}
    with Replay(routes) as replay:
        client = make_client("apsystems", replay.url)
        client.prefix = "/installer/api/v2"
        result = discover(client)
    (request,) = replay.requests
    assert request["method"] == "POST"
    assert request["headers"]["X-CA-Signature"]
    assert result.complete and [s.vendor_ref for s in result.systems] == [
        "AZ71000001",
        "AZ71000002",
    ]
    first = result.systems[0]
    assert (first.capacity_kwp, first.timezone) == (4.8, "Australia/Brisbane")
    with Replay({}) as replay:
        user = make_client("apsystems", replay.url)  # the end-user profile
        refused = discover(user)
    assert "lists no systems" in refused.account_error and replay.requests == []


def test_apsystems_pasted_ids_are_read_one_by_one():
    routes = {"/user/api/v2/systems/details/AZ3001BRIS01": load("apsystems", "details")}
    with Replay(routes) as replay:
        result = discover(make_client("apsystems", replay.url), pasted=["AZ3001BRIS01", "NOPE"])
    assert [s.vendor_ref for s in result.systems] == ["AZ3001BRIS01"]
    assert "NOPE" in result.problems and not result.complete


def test_apsystems_inverters_are_ecus_and_micros():
    routes = {"/user/api/v2/systems/inverters/AZ71000001": load("apsystems", "inverters")}
    with Replay(routes) as replay:
        result = read_devices(make_client("apsystems", replay.url), ["AZ71000001"])
    kinds = [(d.kind, d.serial, d.parent_serial) for d in result.devices["AZ71000001"]]
    assert kinds == [
        ("gateway", "216000000001", ""),
        ("microinverter", "902000000101", "216000000001"),
        ("microinverter", "902000000102", "216000000001"),
    ]


# ------------------------------------------------------------ the simulator


def test_simulator_serves_the_solaredge_list_paged_and_devices_in_their_shapes():
    fleet = onboarding_fleet(150, "solaredge")
    account = next(iter(fleet.accounts.values()))
    fleet.sites["7100003"].deactivated = True
    with Simulator(fleet) as sim:
        base = sim.base_url("solaredge")
        headers = {"X-API-Key": account.api_key}
        first = requests.get(base + "/sites", headers=headers, timeout=10).json()
        second = requests.get(
            base + "/sites", params={"startIndex": 100}, headers=headers, timeout=10
        ).json()
        assert shape_errors(load("solaredge", "sites_page1")["body"], first) == []
        assert first["sites"]["count"] == 150 and len(first["sites"]["site"]) == 100
        assert len(second["sites"]["site"]) == 50
        assert first["sites"]["site"][3]["activationStatus"] == "DISABLED"
        devices = requests.get(base + "/sites/7100000/devices", headers=headers, timeout=10)
        assert shape_errors(load("solaredge", "devices")["body"], devices.json()) == []
        result = discover(make_client("solaredge", base, api_key=account.api_key))
        assert len(result.systems) == 150 and result.calls == 2


def test_simulator_serves_enphase_pages_of_100_and_devices_in_their_shapes():
    fleet = onboarding_fleet(130, "enphase")
    account = next(iter(fleet.accounts.values()))
    with Simulator(fleet) as sim:
        base = sim.base_url("enphase") + "/api/v4"
        auth = {"Authorization": f"Bearer {account.access_token}"}

        def get(path, **params):
            params["key"] = account.api_key
            return requests.get(base + path, params=params, headers=auth, timeout=10)

        page = get("/systems", size=100, page=1).json()
        fixture = load("enphase", "systems_reference")["body"]
        envelope = dict(fixture, systems=[])
        assert shape_errors(envelope, dict(page, systems=[])) == []
        # every fifth system carries the installer's reference, like the
        # fixture's; the others leave the two keys out, as the spec says
        with_ref = fixture["systems"][0]
        without = {k: v for k, v in with_ref.items() if "reference" not in k}
        for item in page["systems"]:
            expected = with_ref if "reference" in item else without
            assert shape_errors(expected, item) == [], item["system_id"]
        assert sum("reference" in item for item in page["systems"]) == 20
        assert page["total"] == 130 and len(page["systems"]) == 100
        assert len(get("/systems", size=100, page=2).json()["systems"]) == 30
        devices = get("/systems/7100000/devices").json()
        assert shape_errors(load("enphase", "devices")["body"], devices) == []
        site = fleet.sites["7100000"]
        assert len(devices["devices"]["micros"]) == site.devices_total


def test_simulator_serves_apsystems_installer_list_and_inverters_in_their_shapes():
    fleet = onboarding_fleet(60, "apsystems", cities=("Brisbane", "Sydney"))
    account = next(iter(fleet.accounts.values()))
    with Simulator(fleet) as sim:
        client = make_client("apsystems", sim.base_url("apsystems"))
        client.prefix = "/installer/api/v2"
        client._app_id, client._app_secret = account.api_key, account.secret
        result = discover(client)
        assert result.complete and len(result.systems) == 60 and result.calls == 2
        ref = result.systems[0].vendor_ref
        devices = read_devices(client, [ref]).devices[ref]
        assert {d.kind for d in devices} == {"gateway", "microinverter"}
        # the raw answers, against the fixtures
        body = client._post("/systems", {"page": 1, "size": 50})
        wrapped = {"data": body, "code": 0}
        assert shape_errors(load("apsystems", "systems_list")["body"], wrapped) == []
        inverters = {"data": client.discovery_devices(ref), "code": 0}
        assert shape_errors(load("apsystems", "inverters")["body"], inverters) == []


def test_simulator_swaps_a_serial_and_deactivates_a_system_on_request():
    fleet = onboarding_fleet(3, "enphase")
    with Simulator(fleet) as sim:
        old = device_serials(fleet.sites["7100001"])["micro"][2]
        answer = requests.post(
            sim.url + "/_sim/system",
            data=json.dumps({"site": "7100001", "deactivated": True, "swaps": {old: "NEW123"}}),
            timeout=10,
        )
        assert answer.status_code == 200
    serials = device_serials(fleet.sites["7100001"])["micro"]
    assert serials[2] == "NEW123" and fleet.sites["7100001"].deactivated


def test_simulator_geocodes_the_fleet_addresses_like_nominatim():
    fleet = onboarding_fleet(2, "solaredge")
    site = fleet.sites["7100000"]
    with Simulator(fleet) as sim:
        query = f"{site.street}, {site.zip} {site.cloud_cell}, Germany"
        found = requests.get(
            sim.url + "/nominatim/search", params={"format": "json", "q": query}, timeout=10
        ).json()
        assert shape_errors(load("nominatim", "search")["body"], found) == []
        assert (float(found[0]["lat"]), float(found[0]["lon"])) == (site.latitude, site.longitude)
        nothing = requests.get(
            sim.url + "/nominatim/search", params={"format": "json", "q": "Nowhere 1"}, timeout=10
        ).json()
        assert nothing == load("nominatim", "search_empty")["body"]
