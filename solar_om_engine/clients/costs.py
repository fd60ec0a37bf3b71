"""What the clients' calls cost against a vendor's quota, exactly as they
make them: one place the planner reads, so a plan counts the calls a check
really makes. Every vendor here charges one unit per HTTP call.

Two passes exist per vendor:

- a *liveness* pass (``client.liveness(sites)``): the cheapest documented
  call that says when each site last reported, or what the vendor thinks of
  it, for as many sites per call as the vendor allows;
- a *reading* (``client.poll(sites)``): what one production reading of a site
  costs (power, energy today, status), including the liveness it needs.

and, once a site a day at the day's close, a *device pass*
(``client.device_day_energies(sites, day)``): each device's energy of the
day, for comparing the devices of a site with each other.
and, once a site and day after sunset, the *day series* the day judge reads
(``client.day_series(sites, day)``) where the readings did not already carry
the whole day (`day_series_in_readings`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class VendorCost:
    vendor: str
    # sites one liveness call covers (100 for a list call, 1 if per site)
    liveness_sites_per_call: int
    liveness_call: str
    # whether the liveness pass carries a last-report time (else status only)
    liveness_has_time: bool
    # whether the liveness call also carries power and today's energy, i.e.
    # every liveness pass is a full production reading
    liveness_reads_production: bool
    # calls one site's production reading costs on top of the list pages
    reading_calls_per_site: int
    # list pages a poll makes up front (Enphase lists its systems first)
    reading_lists_sites: bool
    reading_calls: str
    source: str
    # ---- the daily device pass (issue 26, item 2)
    # calls one site's device pass costs (APsystems: plus one per extra ECU)
    device_calls_per_site: int = 1
    device_calls: str = ""
    # devices a site must have on record before its pass is worth a call:
    # 0 where every site has several (microinverters), 2 where most sites
    # have one inverter and nothing to compare it with
    device_min_known: int = 0
    device_source: str = ""
    # the call that gives a whole day's power series after sunset
    day_series_call: str = ""
    # calls of one site's day series (APsystems: plus one per ECU)
    day_series_calls_per_site: int = 1
    # the readings carry the day's series up to the last lit hour (every
    # liveness pass is a reading of the series from midnight): no extra call
    # a day unless the passes stopped early
    day_series_in_readings: bool = False


COSTS: dict[str, VendorCost] = {
    "solaredge": VendorCost(
        vendor="solaredge",
        liveness_sites_per_call=1,
        liveness_call="GET /v2/sites/{id}/power from local midnight: last non-null quarter",
        liveness_has_time=True,
        liveness_reads_production=True,
        reading_calls_per_site=1,
        reading_lists_sites=False,
        reading_calls=(
            "GET /v2/sites/{id}/power (power, last report, energy today integrated); "
            "+1 GET /power for the previous day when nothing came since midnight; "
            "+1 GET /v2/sites/{id}/meters/telemetry when a meter is expected"
        ),
        source=(
            "live captures CathalOConnorRH/solaredge-v2:tests/fixtures/{sites,power,"
            "overview,devices}.json, call log CathalOConnorRH/ha-solaredge-one:"
            "fixtures/call_log.jsonl; no v2 list or overview call carries a last update"
        ),
        device_calls_per_site=1,
        device_calls=(
            "GET /v2/sites/{id}/inverters/telemetry?resolution=HOUR from local midnight "
            "(each inverter's hourly energy; optimisers have no v2 data)"
        ),
        device_min_known=2,
        device_source=(
            "trooperthorn/ha_int_solaredge:docs/protocol.md (SolarEdge Basic Monitoring "
            "OpenAPI 2.0.1: one call a credit, at most 24 h at HOUR) and "
            "tests/fixtures/inverters_telemetry.json"
        ),
        day_series_call="GET /v2/sites/{id}/power from local midnight to midnight",
        day_series_in_readings=True,
    ),
    "enphase": VendorCost(
        vendor="enphase",
        liveness_sites_per_call=100,
        liveness_call="GET /api/v4/systems?size=100&page=N: status, last_report_at",
        liveness_has_time=True,
        liveness_reads_production=False,
        reading_calls_per_site=1,
        reading_lists_sites=True,
        reading_calls="the /systems pages, then GET /api/v4/systems/{id}/summary per site",
        source=(
            "https://developer-v4.enphase.com/docs/quickstart.html (systems sample); "
            "NathanBaulch/EnphaseOpenAPI:monitoring.yaml branch v4 (summary, errors, "
            "production_micro)"
        ),
        day_series_call=(
            "GET /api/v4/systems/{id}/telemetry/production_micro?start_at=<local midnight>"
            "&granularity=day (288 five-minute intervals; Kilowatt plan and up)"
        ),
        device_calls_per_site=1,
        device_calls=(
            "GET /api/v4/systems/inverters_summary_by_envoy_or_site?site_id={id} (every "
            "micro's lifetime energy: the day is the difference with the previous close)"
        ),
        device_min_known=0,
        device_source=(
            "NathanBaulch/EnphaseOpenAPI:monitoring.yaml branch v4, "
            "GetInvertersSummaryByEnvoyOrSiteResponse"
        ),
    ),
    "apsystems": VendorCost(
        vendor="apsystems",
        liveness_sites_per_call=1,
        liveness_call="GET /{profile}/api/v2/systems/details/{sid}: light (no time exists)",
        liveness_has_time=False,
        liveness_reads_production=False,
        reading_calls_per_site=2,
        reading_lists_sites=False,
        reading_calls=(
            "GET systems/details/{sid} (ECUs, light), then GET systems/{sid}/devices/ecu/"
            "energy/{eid}?energy_level=minutely per ECU (one ECU: 2 calls a site)"
        ),
        source=(
            "APsystems OpenAPI User Manual (End User) V1.8 2025-07-18, 3.1.1 and 3.3.2; "
            "no documented call carries a last-upload time but the ECU minutely series"
        ),
        device_calls_per_site=2,
        device_calls=(
            "GET systems/details/{sid} (ECUs), then GET systems/{sid}/devices/inverter/batch/"
            "energy/{eid}?energy_level=energy per ECU (one ECU: 2 calls a site)"
        ),
        device_min_known=0,
        device_source="APsystems OpenAPI User Manual (End User) V1.8 2025-07-18, 3.1.1 and 3.5.3",
        day_series_call=(
            "GET systems/details/{sid}, then GET systems/{sid}/devices/ecu/energy/{eid}"
            "?energy_level=minutely&date_range=<day> per ECU (the readings' slots end at "
            "mid-afternoon)"
        ),
        day_series_calls_per_site=2,
    ),
}


def cost(vendor: str) -> VendorCost:
    try:
        return COSTS[vendor]
    except KeyError as err:
        raise ValueError(f"unknown vendor {vendor!r}: expected one of {', '.join(COSTS)}") from err


def liveness_calls(vendor: str, sites: int) -> int:
    """Calls one liveness pass over `sites` sites of one account costs."""
    c = cost(vendor)
    return math.ceil(max(sites, 0) / c.liveness_sites_per_call)


def reading_calls(vendor: str, *, meter_expected: bool = False, ecus: int = 1) -> int:
    """Calls one production reading of one site costs, list pages aside
    (see `check_calls`); the rare extra SolarEdge call for a site silent since
    midnight is not included."""
    if vendor == "apsystems":
        return 1 + max(ecus, 1)
    extra = 1 if vendor == "solaredge" and meter_expected else 0
    return cost(vendor).reading_calls_per_site + extra


def day_series_calls(vendor: str, *, ecus: int = 1) -> int:
    """Calls one site's day series after sunset costs (`client.day_series`)."""
    if vendor == "apsystems":
        return 1 + max(ecus, 1)
    return cost(vendor).day_series_calls_per_site


def check_calls(vendor: str, sites: int, *, metered_sites: int = 0, ecus: int | None = None) -> int:
    """Calls one `poll()` of `sites` sites of one account makes: the list pages
    (Enphase), each site's reading, the meter calls (SolarEdge) and, for
    APsystems, one minutely call per ECU (`ecus` in all; one per site if None)."""
    c = cost(vendor)
    pages = liveness_calls(vendor, sites) if c.reading_lists_sites else 0
    if vendor == "apsystems":
        return sites + (sites if ecus is None else ecus)
    meters = metered_sites if vendor == "solaredge" else 0
    return pages + c.reading_calls_per_site * sites + meters


# ---------------------------------------------------------------- discovery
# (onboarding: listing an account's systems and reading a new site's devices;
# kept apart from the health check's calls above)


@dataclass(frozen=True)
class DiscoveryCost:
    vendor: str
    # systems one list call returns; 0: the vendor lists none (ids are pasted)
    list_page_size: int
    list_call: str
    # calls to read one system's details when it cannot be listed (pasted ids)
    detail_calls_per_system: int
    # calls a new site costs before it can be created: its devices, and
    # Enphase's summary for the size the list leaves out (-1)
    create_calls_per_site: int
    # calls one refresh of a known site's devices costs
    devices_calls_per_site: int
    create_calls: str
    source: str


DISCOVERY: dict[str, DiscoveryCost] = {
    "solaredge": DiscoveryCost(
        vendor="solaredge",
        list_page_size=100,
        list_call="GET /v2/sites?startIndex=N&size=100: id, name, peak power, location, status",
        detail_calls_per_system=0,
        create_calls_per_site=1,
        devices_calls_per_site=1,
        create_calls="GET /v2/sites/{id}/devices (inverters, serials)",
        source=(
            "live capture CathalOConnorRH/solaredge-v2:tests/fixtures/sites.json and "
            "devices.json; paging as the v1 site list (size <= 100, startIndex)"
        ),
    ),
    "enphase": DiscoveryCost(
        vendor="enphase",
        list_page_size=100,
        list_call="GET /api/v4/systems?page=N&size=100: id, name, zone, address, status",
        detail_calls_per_system=0,
        create_calls_per_site=2,
        devices_calls_per_site=1,
        create_calls=(
            "GET /api/v4/systems/{id}/devices (micros, meters, gateways) and "
            "GET /api/v4/systems/{id}/summary (size_w: lists answer system_size -1)"
        ),
        source="NathanBaulch/EnphaseOpenAPI:monitoring.yaml branch v4 (GetSystems, "
        "GetSystemDevices, GetSystemSummary)",
    ),
    "apsystems": DiscoveryCost(
        vendor="apsystems",
        list_page_size=50,
        list_call=(
            "POST /installer/api/v2/systems {page, size: 50}: sid, capacity, zone, ECUs "
            "(installer profile only; the end-user profile lists nothing)"
        ),
        detail_calls_per_system=1,
        create_calls_per_site=1,
        devices_calls_per_site=1,
        create_calls="GET /{profile}/api/v2/systems/inverters/{sid} (ECUs and micros)",
        source=(
            "APsystems OpenAPI User Manual, Installer V1.8 2025-07-18, 5.1 and 5.3 "
            "(TomOrtega/apsystems-alert-monitor:docs/apsystems-openapi-reference.md); "
            "End User V1.8 3.1.1 has no list"
        ),
    ),
}


def discovery_cost(vendor: str) -> DiscoveryCost:
    try:
        return DISCOVERY[vendor]
    except KeyError as err:
        known = ", ".join(DISCOVERY)
        raise ValueError(f"unknown vendor {vendor!r}: expected one of {known}") from err


def list_calls(vendor: str, systems: int, *, listable: bool = True) -> int:
    """Calls one listing of an account of `systems` systems costs: its
    pages, or one details call per pasted id where the vendor lists none.
    An empty account still costs the first page."""
    c = discovery_cost(vendor)
    if not listable or not c.list_page_size:
        return max(systems, 0) * c.detail_calls_per_system
    return max(1, math.ceil(max(systems, 0) / c.list_page_size))


# ---------------------------------------------------------------- device pass


def device_calls(vendor: str, *, ecus: int = 1) -> int:
    """Calls one site's daily device pass costs (APsystems: the details and
    one batch call per ECU)."""
    if vendor == "apsystems":
        return 1 + max(ecus, 1)
    return cost(vendor).device_calls_per_site


def device_pass_wanted(vendor: str, devices_known: int) -> bool:
    """Whether a site's device pass is worth its call: microinverter systems
    always (several devices; the pass also lists them), a SolarEdge site
    only with two inverters or more on record (one has no sibling)."""
    return devices_known >= cost(vendor).device_min_known
