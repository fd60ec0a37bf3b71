"""Each device's energy of a day (issue 26, item 2): every client against
the documented shape of its vendor's per-device call (fixtures/*, each
naming its public source), a bad payload refused naming site and field
while the other sites are still read, and the simulator answering in the
same shapes, a dead micro included."""

import copy
import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import requests

from solar_om_engine import devices
from solar_om_engine.clients.device_energy import DeviceEnergyError
from solar_om_engine.clients.discovery import read_devices
from solar_om_engine.devices import DeviceState
from solar_om_engine.simulator import Simulator
from solar_om_engine.simulator.fleet import Fleet, SimSite, device_keys, device_units, make_account

from .helpers import make_client, site
from .replay import Replay, load, shape_errors

DAY = date(2026, 6, 21)
PHOENIX, BERLIN, BRISBANE = "America/Phoenix", "Europe/Berlin", "Australia/Brisbane"
SUMMARY = "/api/v4/systems/inverters_summary_by_envoy_or_site"
AP = "/user/api/v2/systems"


def read(vendor, routes, refs, at, **kwargs):
    with Replay(routes) as replay:
        client = make_client(vendor, replay.url)
        result = client.device_day_energies(refs, DAY, at, **kwargs)
    return result, replay.requests


def spoiled(vendor, name, change):
    """The fixture with one field spoilt by `change(body)`."""
    fixture = copy.deepcopy(load(vendor, name))
    change(fixture["body"])
    return fixture


# ------------------------------------------------------------------ Enphase


ENPHASE_AT = datetime(2026, 6, 22, 3, 0, tzinfo=timezone.utc)  # 20:00 in Phoenix
# each micro's lifetime at the previous day's close
YESTERDAY = {
    "482301000101": 2_399_915.0,
    "482301000102": 2_392_540.0,
    "482301000103": 2_384_902.0,
    "482301000104": 1_987_433.0,
}


def phoenix(ref):
    return site(ref, PHOENIX, lat=33.45, lon=-112.07)


def test_enphase_day_is_the_lifetime_difference_a_silent_micro_is_none():
    result, asked = read(
        "enphase",
        {SUMMARY: load("enphase", "inverters_summary")},
        [phoenix(5550102)],
        ENPHASE_AT,
        baselines={"k5550102": YESTERDAY},
    )
    assert result.site_errors == {} and result.account_error == ""
    assert result.calls == 1
    assert asked[0]["query"]["site_id"] == "5550102" and asked[0]["query"]["key"] == "en-key"
    assert asked[0]["headers"]["Authorization"] == "Bearer en-access"
    day = result.sites["k5550102"]
    by_key = day.by_key()
    assert by_key["482301000101"].energy_wh == 2_406_215 - 2_399_915
    assert by_key["482301000103"].state == DeviceState.MEASURED  # bare-number power read
    # last reported two days ago: did not report today
    assert by_key["482301000104"].state == DeviceState.SILENT
    assert by_key["482301000104"].lifetime_wh == 1_987_433
    # a retired micro is no device of the site any more
    assert "482301000105" not in by_key and "retired" in day.notes[0]
    energies = devices.day_energies(devices.for_devices(sorted(YESTERDAY), by_key))
    assert energies == (6300.0, 6200.0, 6100.0, None)


def test_enphase_without_yesterdays_reading_the_day_is_not_compared():
    result, _ = read(
        "enphase", {SUMMARY: load("enphase", "inverters_summary")}, [phoenix(5550102)], ENPHASE_AT
    )
    by_key = result.sites["k5550102"].by_key()
    assert by_key["482301000101"].state == DeviceState.NO_BASELINE
    assert by_key["482301000101"].lifetime_wh == 2_406_215  # tomorrow's baseline
    assert devices.day_energies(devices.for_devices(sorted(by_key), by_key)) is None


def test_enphase_bad_payload_names_site_and_field_and_the_next_site_is_read():
    bad = spoiled(
        "enphase",
        "inverters_summary",
        lambda body: body[0]["micro_inverters"][1]["energy"].update(value="lots"),
    )
    result, _ = read(
        "enphase",
        {SUMMARY: [bad, load("enphase", "inverters_summary")]},
        [phoenix(5550101), phoenix(5550102)],
        ENPHASE_AT,
        baselines={"k5550102": YESTERDAY},
    )
    error = result.site_errors["k5550101"]
    assert "site 5550101" in error and "micro_inverters[1].energy" in error and "lots" in error
    assert "en-key" not in error and "en-access" not in error
    assert "k5550102" in result.sites and "k5550102" not in result.site_errors


def test_enphase_answer_not_a_list_is_refused_naming_the_site():
    bad = {"status": 200, "body": {"micro_inverters": []}}
    result, _ = read("enphase", {SUMMARY: bad}, [phoenix(5550101)], ENPHASE_AT)
    assert "site 5550101" in result.site_errors["k5550101"]
    assert "list of envoys" in result.site_errors["k5550101"]


def test_enphase_refused_key_stops_the_account_without_showing_it():
    result, _ = read(
        "enphase", {SUMMARY: load("enphase", "unauthorized")}, [phoenix(5550101)], ENPHASE_AT
    )
    assert result.account_error_kind == "auth"
    assert "en-key" not in result.account_error and "en-secret" not in result.account_error


# ------------------------------------------------------------------ SolarEdge


SOLAREDGE_AT = datetime(2026, 6, 21, 20, 0, tzinfo=timezone.utc)  # 22:00 in Munich
TELEMETRY = "/sites/{}/inverters/telemetry"


def munich(ref):
    return site(ref, BERLIN)


def test_solaredge_day_is_the_sum_of_each_inverters_hours():
    result, asked = read(
        "solaredge",
        {TELEMETRY.format(3066774): load("solaredge", "inverters_telemetry")},
        [munich(3066774)],
        SOLAREDGE_AT,
    )
    assert result.site_errors == {} and result.calls == 1
    query = asked[0]["query"]
    assert query["resolution"] == "HOUR"
    # from the site's local midnight, 22 hours by 22:00 (at most 24 a call)
    assert query["from"] == "2026-06-20T22:00:00Z" and query["to"] == "2026-06-21T20:00:00Z"
    assert asked[0]["headers"]["X-API-Key"] == "se-key"
    by_key = result.sites["k3066774"].by_key()
    fixture = load("solaredge", "inverters_telemetry")["body"]["inverters"]
    made = sum(v["value"] or 0 for v in fixture["7E1A2B3C-4D"]["energy"]["values"])
    assert by_key["7E1A2B3C-4D"].energy_wh == made > 20_000
    assert by_key["7E1A2B3C-6F"].state == DeviceState.SILENT
    energies = devices.day_energies(devices.for_devices(sorted(by_key), by_key))
    assert energies[2] is None and energies[0] > energies[1] > 0


def test_solaredge_bad_unit_names_site_and_field_and_the_next_site_is_read():
    bad = spoiled(
        "solaredge",
        "inverters_telemetry",
        lambda body: body["inverters"]["7E1A2B3C-5E"]["energy"].update(unit="BTU"),
    )
    result, _ = read(
        "solaredge",
        {
            TELEMETRY.format(1): bad,
            TELEMETRY.format(2): load("solaredge", "inverters_telemetry"),
        },
        [munich(1), munich(2)],
        SOLAREDGE_AT,
    )
    error = result.site_errors["k1"]
    assert "site 1" in error and "inverters.7E1A2B3C-5E.energy.unit" in error and "BTU" in error
    assert "k2" in result.sites


def test_solaredge_unknown_site_is_that_sites_error():
    result, _ = read(
        "solaredge",
        {TELEMETRY.format(2): load("solaredge", "inverters_telemetry")},
        [munich(1), munich(2)],
        SOLAREDGE_AT,
    )
    assert "404" in result.site_errors["k1"] and "k2" in result.sites


# ------------------------------------------------------------------ APsystems


APSYSTEMS_AT = datetime(2026, 6, 21, 9, 0, tzinfo=timezone.utc)  # 19:00 in Brisbane


def brisbane(ref):
    return site(ref, BRISBANE, lat=-27.47, lon=153.03, capacity_w=6600.0)


def test_apsystems_each_ecus_channels_and_a_micro_is_the_sum_of_its_channels():
    batch = load("apsystems", "inverter_batch_energy")
    routes = {
        f"{AP}/details/AZ3001BRIS02": load("apsystems", "details_two_ecus"),
        f"{AP}/AZ3001BRIS02/devices/inverter/batch/energy/216300012345": batch,
        # the manual's code 1001: no data under the second ECU that day
        f"{AP}/AZ3001BRIS02/devices/inverter/batch/energy/216300012346": {
            "status": 200,
            "body": {"code": 1001, "data": None},
        },
    }
    result, asked = read("apsystems", routes, [brisbane("AZ3001BRIS02")], APSYSTEMS_AT)
    assert result.site_errors == {} and result.calls == 3  # details, then one per ECU
    assert asked[1]["query"] == {"energy_level": "energy", "date_range": "2026-06-21"}
    assert asked[1]["headers"]["X-CA-AppId"] == "ap-app"
    day = result.sites["kAZ3001BRIS02"]
    assert day.per_channel and "ECU 216300012346: no data (code 1001)" in day.notes
    assert day.by_key()["703000000001-2"].energy_wh == 1210.0
    micros = ["703000000001", "703000000002", "703000000003"]
    entries = devices.for_devices(micros, day.by_key(), channels=day.per_channel)
    assert devices.day_energies(entries) == (2450.0, 2420.0, 0.0)
    assert devices.unmatched(micros[:1], day.by_key(), channels=True) == micros[1:]


def test_apsystems_malformed_item_names_site_and_field_and_the_next_site_is_read():
    bad = spoiled("apsystems", "inverter_batch_energy", lambda b: b["data"]["energy"].insert(1, 7))
    routes = {
        f"{AP}/details/AZ3001BRIS01": load("apsystems", "details"),
        f"{AP}/AZ3001BRIS01/devices/inverter/batch/energy/216300012345": bad,
        f"{AP}/details/AZ3001BRIS03": load("apsystems", "details_shared"),
        # a shared sub-user's system is asked with the virtual ECU
        f"{AP}/AZ3001BRIS03/devices/inverter/batch/energy/002410000042": load(
            "apsystems", "inverter_batch_energy"
        ),
    }
    result, _ = read(
        "apsystems", routes, [brisbane("AZ3001BRIS01"), brisbane("AZ3001BRIS03")], APSYSTEMS_AT
    )
    error = result.site_errors["kAZ3001BRIS01"]
    assert "site AZ3001BRIS01" in error and "ECU 216300012345 energy[1]" in error
    assert "ap-secret" not in error
    assert len(result.sites["kAZ3001BRIS03"].devices) == 6


def test_apsystems_code_4000_is_that_sites_error():
    routes = {
        f"{AP}/details/AZ3001BRIS01": load("apsystems", "details"),
        f"{AP}/AZ3001BRIS01/devices/inverter/batch/energy/216300012345": load(
            "apsystems", "code_4000"
        ),
    }
    result, _ = read("apsystems", routes, [brisbane("AZ3001BRIS01")], APSYSTEMS_AT)
    assert "code 4000" in result.site_errors["kAZ3001BRIS01"]


def test_the_error_type_names_site_and_field():
    err = DeviceEnergyError("enphase", "5550101", "energy", "must be a number, got 'x'")
    assert str(err) == "enphase: site 5550101: field 'energy' must be a number, got 'x'"
    assert err.site_ref == "5550101" and err.field == "energy"


# ------------------------------------------------------------------ the simulator


def _sim_fleet():
    en, se, ap = (make_account(v, 1) for v in ("enphase", "solaredge", "apsystems"))
    sims = [
        SimSite("5550102", "enphase", en.key, "Phoenix", 33.45, -112.07, PHOENIX, 7000, "Phoenix"),
        SimSite("3066774", "solaredge", se.key, "Munich", 48.14, 11.58, BERLIN, 9000, "Munich"),
        SimSite(
            "AZ3001BRIS02",
            "apsystems",
            ap.key,
            "Brisbane",
            -27.47,
            153.03,
            BRISBANE,
            6600,
            "Brisbane",
            ecus=2,
        ),
    ]
    sims[0].devices_total = 10
    sims[1].inverters = 3
    sims[2].devices_total = 8
    return Fleet(sims, [en, se, ap]), en, se, ap


def test_simulator_speaks_the_documented_shapes():
    fleet, en, se, ap = _sim_fleet()
    fleet.set_clock(ENPHASE_AT)
    with Simulator(fleet) as sim:
        answer = requests.get(
            sim.base_url("enphase") + "/api/v4" + SUMMARY.removeprefix("/api/v4"),
            params={"site_id": "5550102", "key": en.api_key},
            headers={"Authorization": f"Bearer {en.access_token}"},
            timeout=10,
        ).json()
        assert shape_errors(load("enphase", "inverters_summary")["body"], answer) == []
        assert len(answer[0]["micro_inverters"]) == 10

        fleet.set_clock(SOLAREDGE_AT)
        start = datetime(2026, 6, 20, 22, tzinfo=timezone.utc)
        telemetry = requests.get(
            sim.base_url("solaredge") + TELEMETRY.format(3066774),
            params={
                "from": start.isoformat(),
                "to": SOLAREDGE_AT.isoformat(),
                "resolution": "HOUR",
            },
            headers={"X-API-Key": se.api_key},
            timeout=10,
        )
        documented = load("solaredge", "inverters_telemetry")["body"]["inverters"]["7E1A2B3C-4D"]
        inverters = telemetry.json()["inverters"]
        assert len(inverters) == 3
        for series in inverters.values():
            assert shape_errors(documented, series) == []
        too_long = requests.get(
            sim.base_url("solaredge") + TELEMETRY.format(3066774),
            params={
                "from": (start - timedelta(hours=3)).isoformat(),
                "to": SOLAREDGE_AT.isoformat(),
                "resolution": "HOUR",
            },
            headers={"X-API-Key": se.api_key},
            timeout=10,
        )
        assert too_long.status_code == 400  # more than 24 hours at HOUR

        fleet.set_clock(APSYSTEMS_AT)
        client = make_client("apsystems", sim.base_url("apsystems"))
        client._app_id, client._app_secret = ap.api_key, ap.secret
        result = client.device_day_energies([brisbane("AZ3001BRIS02")], DAY, APSYSTEMS_AT)
        keys = [d.key for d in result.sites["kAZ3001BRIS02"].devices]
        assert keys == sorted(device_keys(fleet.sites["AZ3001BRIS02"]))  # both ECUs' micros


def test_a_dead_micro_in_the_simulator_is_the_device_the_client_reads_as_down():
    """The simulator's `dead_device` fault, read through each vendor's real
    client over HTTP on two consecutive closes: the dead unit makes nothing
    (or does not report), its siblings share the site's production."""
    fleet, en, se, ap = _sim_fleet()
    accounts = {"enphase": en, "solaredge": se, "apsystems": ap}
    with Simulator(fleet) as sim:
        for sim_site in fleet.sites.values():
            tz = ZoneInfo(sim_site.timezone)
            close = datetime.combine(DAY, datetime.min.time(), tz) + timedelta(hours=21)
            fleet.inject(sim_site.ref, "dead_device", close - timedelta(hours=30))
            client = make_client(sim_site.vendor, sim.base_url(sim_site.vendor))
            account = accounts[sim_site.vendor]
            if sim_site.vendor == "enphase":
                client._api_key, client._access_token = account.api_key, account.access_token
            elif sim_site.vendor == "solaredge":
                client._api_key = account.api_key
            else:
                client._app_id, client._app_secret = account.api_key, account.secret
            ref = site(
                sim_site.ref, sim_site.timezone, lat=sim_site.latitude, lon=sim_site.longitude
            )
            baseline = {}
            for day, at in ((DAY - timedelta(days=1), close - timedelta(days=1)), (DAY, close)):
                fleet.set_clock(at)
                result = client.device_day_energies([ref], day, at, {ref.key: baseline})
                assert result.site_errors == {}, result.site_errors
                got = result.sites[ref.key]
                baseline = {d.key: d.lifetime_wh for d in got.devices if d.lifetime_wh}
            units = device_units(sim_site)
            entries = devices.for_devices(units, got.by_key(), channels=got.per_channel)
            energies = devices.day_energies(entries)
            dead = fleet.dead_units(sim_site, close)
            assert len(dead) == 1, sim_site.vendor
            (index,) = dead
            assert energies[index] in (None, 0.0), (sim_site.vendor, energies)
            alive = [e for i, e in enumerate(energies) if i != index]
            assert all(e > 1000 for e in alive), (sim_site.vendor, energies)
            # the devices add up to what the site itself reports for the day
            made = fleet.energy_today(sim_site, close)
            assert abs(sum(alive) - made) < 0.02 * made, (sim_site.vendor, sum(alive), made)


def test_the_device_list_and_the_device_energies_name_the_same_units_a_swap_included():
    """A vendor names a unit by one serial in its device list (onboarding's
    discovery) and in its per-device energy answer: the simulator's two
    answers agree, before and after a unit swapped in the field (the
    simulator's `/_sim/system` swap), each ECU's micros included."""
    fleet, en, se, ap = _sim_fleet()
    accounts = {"enphase": en, "solaredge": se, "apsystems": ap}
    with Simulator(fleet) as sim:
        for sim_site in fleet.sites.values():
            tz = ZoneInfo(sim_site.timezone)
            at = datetime.combine(DAY, datetime.min.time(), tz) + timedelta(hours=21)
            fleet.set_clock(at)
            client = make_client(sim_site.vendor, sim.base_url(sim_site.vendor))
            account = accounts[sim_site.vendor]
            if sim_site.vendor == "enphase":
                client._api_key, client._access_token = account.api_key, account.access_token
            elif sim_site.vendor == "solaredge":
                client._api_key = account.api_key
            else:
                client._app_id, client._app_secret = account.api_key, account.secret
            ref = site(
                sim_site.ref, sim_site.timezone, lat=sim_site.latitude, lon=sim_site.longitude
            )

            def both(client=client, ref=ref, sim_site=sim_site, at=at):
                listed = read_devices(client, [sim_site.ref])
                assert listed.errors == {} and listed.account_error == "", listed
                units = sorted(
                    d.serial
                    for d in listed.devices[sim_site.ref]
                    if d.kind in ("inverter", "microinverter")
                )
                got = client.device_day_energies([ref], DAY, at).sites[ref.key]
                keys = {d.key for d in got.devices}
                named = sorted({k.rsplit("-", 1)[0] for k in keys} if got.per_channel else keys)
                return units, named

            units, named = both()
            assert units == named == sorted(device_units(sim_site)), sim_site.vendor
            old = device_units(sim_site)[1]
            answer = requests.post(
                sim.url + "/_sim/system",
                data=json.dumps({"site": sim_site.ref, "swaps": {old: "SWAPPED0001"}}),
                timeout=10,
            )
            assert answer.status_code == 200
            units, named = both()
            assert units == named, sim_site.vendor
            assert "SWAPPED0001" in units and old not in units, sim_site.vendor
