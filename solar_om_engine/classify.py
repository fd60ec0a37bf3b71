"""Health classification: one verdict per site per check, plus fleet verdicts.

Pure functions over normalised readings. Two rules make the result trusted:
never judge a site at night, and alert on "we have not heard from it"
(last report going stale) rather than on "power is zero".
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta

from . import clearsky
from .daylight import lit_since, sun_elevation
from .geo import distance_km
from .kinds import is_judged
from .readings import Reading

# verdict kind -> case type code (the Production types of the taxonomy)
CASE_TYPES = {
    "night": None,
    "ok": None,
    "indeterminate": None,
    # heard from in a liveness pass; production is judged at its own times
    "reporting": None,
    # a whole site silent is a device communication issue, which the
    # taxonomy files under String/MLPE Fault
    "comms_loss": "string_mlpe_fault",
    "inverter_fault": "inverter_fault",
    "string_mlpe_fault": "string_mlpe_fault",
    "underperformance": "underperformance",
    "meter_fault": "meter_fault",
    "configuration_issue": "configuration_issue",
    # one incident about the vendor's cloud, not a production case per site
    "vendor_outage": None,
}
FAULT_KINDS = frozenset(
    k for k in CASE_TYPES if k not in ("night", "ok", "indeterminate", "reporting")
)

# Enphase's grid-powered gateway uploads around the clock. SolarEdge inverters
# sleep at night and APsystems' freshness is the ECU's last production sample,
# so their silence only counts once the sun has been up for the whole window.
REPORTS_AT_NIGHT = {"enphase": True, "apsystems": False, "solaredge": False}

ENPHASE_STATUS = {
    "comm": "comms_loss",
    "micro": "string_mlpe_fault",
    "meter": "meter_fault",
    "meter_issue": "meter_fault",
    "iq_collar": "meter_fault",
}
INDETERMINATE_STATUS = frozenset(
    {
        "unknown",
        "data_upload",
        "no_data",
        "deactivated",
        "retired",
        "not_monitored",
        "unused",
        "disabled",
        "muted",
    }
)


@dataclass(frozen=True)
class Thresholds:
    """Every number the classifier uses; the defaults are documented policy."""

    # judge a site only with the sun at least this high (degrees)
    min_elevation_deg: float = 10.0
    # stale after ~3 missed 15-minute uploads; cellular gateways report every 6 h
    stale_after: timedelta = timedelta(minutes=45)
    stale_after_cellular: timedelta = timedelta(hours=13)
    # "zero production": at most this fraction of capacity ...
    zero_power_fraction: float = 0.01
    # ... while the peers (or clear sky) say at least this fraction is due
    zero_power_min_expected_fraction: float = 0.10
    # ratios to expected energy so far today
    underperformance_ratio: float = 0.70
    partial_outage_low: float = 0.40
    partial_outage_high: float = 0.60
    # no ratio is judged before this much energy was due (kWh per kWp)
    min_expected_kwh_per_kwp: float = 0.5
    # clear sky is an upper bound: without peers only a far lower ratio counts
    clear_sky_underperformance_ratio: float = 0.30
    # peers: same fleet, within this radius, at least this many
    peer_radius_km: float = 50.0
    min_peers: int = 3
    # a median of this many neighbours is as good as of all of them, and
    # keeps a dense city of thousands of sites linear to judge
    max_peers: int = 25
    # meter vs inverter energy disagreeing by more than this is an outlier
    meter_tolerance: float = 0.25
    # most of one account's judged sites stale together: the vendor's cloud
    vendor_outage_fraction: float = 0.8
    vendor_outage_min_sites: int = 3

    def stale_limit(self, reading: Reading) -> timedelta:
        if reading.connection == "cellular":
            return self.stale_after_cellular
        return self.stale_after


@dataclass(frozen=True)
class Verdict:
    site: str
    kind: str
    reason: str
    account: str = ""
    evidence: dict = field(default_factory=dict)

    @property
    def case_type(self) -> str | None:
        return CASE_TYPES[self.kind]

    @property
    def is_fault(self) -> bool:
        return self.kind in FAULT_KINDS

    def to_json(self) -> dict:
        data = asdict(self)
        data["case_type"] = self.case_type
        return {k: data[k] for k in ("site", "kind", "case_type", "reason", "account", "evidence")}


@dataclass(frozen=True)
class FleetVerdict:
    account: str
    kind: str
    reason: str
    sites: tuple[str, ...]

    def to_json(self) -> dict:
        return {
            "fleet": True,
            "account": self.account,
            "kind": self.kind,
            "case_type": None,
            "reason": self.reason,
            "sites": list(self.sites),
        }


@dataclass
class FleetResult:
    verdicts: list[Verdict]
    fleet_verdicts: list[FleetVerdict]

    def by_site(self) -> dict[str, Verdict]:
        return {v.site: v for v in self.verdicts}


# ---------------------------------------------------------------- per site


def _is_stale(reading: Reading, at: datetime, th: Thresholds) -> tuple[bool, str]:
    limit = th.stale_limit(reading)
    age = at - reading.last_report_at
    if age <= limit:
        return False, ""
    if not REPORTS_AT_NIGHT.get(reading.vendor, True) and not lit_since(
        reading.latitude, reading.longitude, at, limit
    ):
        # the inverter may simply not have woken up long enough ago
        return False, ""
    hours = age.total_seconds() / 3600
    return True, (
        f"no report for {hours:.1f} h (last at {reading.last_report_at.isoformat()}; "
        f"limit {limit.total_seconds() / 3600:.2g} h for a "
        f"{reading.connection or 'fixed-line'} connection)"
    )


@dataclass(frozen=True)
class PeerStats:
    """What a site's healthy neighbours did: medians, per W of capacity."""

    yield_wh_per_w: float
    power_fraction: float
    count: int


def _pre_checks(reading: Reading, at: datetime, th: Thresholds) -> Verdict | None:
    """Night, indeterminate, comms loss and vendor status: no energy maths."""
    elevation = sun_elevation(reading.latitude, reading.longitude, at)
    ev = {"sun_elevation": round(elevation, 1)}
    if reading.notes:
        ev["reading_notes"] = list(reading.notes)

    def verdict(kind, reason):
        return Verdict(reading.site, kind, reason, reading.account, ev)

    if elevation < th.min_elevation_deg:
        return verdict("night", f"sun {elevation:.1f}° up, below {th.min_elevation_deg}°")
    if reading.last_report_at is None:
        return verdict("indeterminate", "the site has never reported")
    status = (reading.vendor_status or "").lower()
    if status in INDETERMINATE_STATUS:
        return verdict("indeterminate", f"vendor status {status!r}: no judgement yet")
    stale, why = _is_stale(reading, at, th)
    if stale or ENPHASE_STATUS.get(status) == "comms_loss":
        return verdict("comms_loss", why or f"vendor reports the gateway not reporting ({status})")
    if status in ENPHASE_STATUS:
        return verdict(ENPHASE_STATUS[status], f"vendor status {status!r}")
    age = at - reading.last_report_at
    if age > th.stale_after:
        # a cellular gateway between its 6-hourly uploads: alive, but its
        # power and energy are hours old and would look like a fault
        why = (
            "cellular gateway between uploads"
            if reading.connection == "cellular"
            else "not heard from since the sun rose; too early to call it silent"
        )
        return verdict(
            "indeterminate",
            f"last report {age.total_seconds() / 3600:.1f} h old ({why}): production not judged",
        )
    if reading.energy_today_wh is None and reading.power_w is None:
        return verdict("configuration_issue", "the site reports but no energy data is visible")
    return None


def classify_site(
    reading: Reading, at: datetime, th: Thresholds, peers: PeerStats | None
) -> Verdict:
    """Judge one site; `peers` are its healthy neighbours, None when too few."""
    early = _pre_checks(reading, at, th)
    if early is not None:
        return early
    cap = reading.capacity_w
    energy, power = reading.energy_today_wh, reading.power_w
    if cap is None:
        return _classify_without_capacity(reading, th)
    if peers is not None:
        expected_wh, source = peers.yield_wh_per_w * cap, "peers"
        due_fraction = peers.power_fraction
    else:
        lat, lon = reading.latitude, reading.longitude
        expected_wh = clearsky.expected_energy_today_wh(lat, lon, reading.timezone, cap, at)
        source = "clear_sky"
        due_fraction = clearsky.expected_power_w(lat, lon, cap, at) / cap
    ev = {
        "expected_wh": round(expected_wh),
        "expected_from": source,
        "energy_today_wh": energy,
        "power_w": power,
    }
    if reading.notes:
        ev["reading_notes"] = list(reading.notes)

    def verdict(kind, reason):
        return Verdict(reading.site, kind, reason, reading.account, ev)

    if (
        power is not None
        and power <= th.zero_power_fraction * cap
        and due_fraction >= th.zero_power_min_expected_fraction
    ):
        return verdict(
            "inverter_fault",
            f"Zero Production: reporting {power:.0f} W while {due_fraction:.0%} of "
            f"capacity is due ({source.replace('_', ' ')})",
        )
    if (
        reading.devices_total
        and reading.devices_reporting is not None
        and reading.devices_reporting < reading.devices_total
    ):
        return verdict(
            "string_mlpe_fault",
            f"{reading.devices_reporting} of {reading.devices_total} devices reporting",
        )
    meter = _meter_verdict(reading, th)
    if meter:
        return verdict("meter_fault", meter)
    if energy is None or expected_wh < th.min_expected_kwh_per_kwp * cap:
        return verdict("ok", "producing; too early in the day to compare energy")
    ratio = energy / expected_wh
    ev["ratio"] = round(ratio, 3)
    pct = f"{ratio:.0%} of expected ({energy / 1000:.1f} of {expected_wh / 1000:.1f} kWh"
    if source == "peers":
        if th.partial_outage_low <= ratio <= th.partial_outage_high:
            return verdict("string_mlpe_fault", f"partial outage: {pct} from nearby sites)")
        if ratio <= th.underperformance_ratio:
            return verdict("underperformance", f"{pct} from nearby sites)")
    elif ratio <= th.clear_sky_underperformance_ratio:
        return verdict("underperformance", f"{pct} under clear sky; no nearby sites)")
    return verdict("ok", f"producing normally: {pct})")


def _meter_verdict(reading: Reading, th: Thresholds) -> str:
    """Why the meter looks faulty, or "" (needs no capacity)."""
    energy = reading.energy_today_wh
    if not (reading.meter_expected and energy):
        return ""
    meter = reading.meter_energy_today_wh
    if meter is None:
        return "no data from the meter while the inverter reports"
    if abs(meter - energy) > th.meter_tolerance * energy:
        return f"meter says {meter / 1000:.1f} kWh, inverter {energy / 1000:.1f} kWh today"
    return ""


def _classify_without_capacity(reading: Reading, th: Thresholds | None = None) -> Verdict:
    """Capacity unknown: only what needs none (device counts, the meter)."""
    th = th or Thresholds()
    ev = {
        "energy_today_wh": reading.energy_today_wh,
        "power_w": reading.power_w,
        "reading_notes": list(reading.notes),
    }
    if (
        reading.devices_total
        and reading.devices_reporting is not None
        and reading.devices_reporting < reading.devices_total
    ):
        reason = f"{reading.devices_reporting} of {reading.devices_total} devices reporting"
        return Verdict(reading.site, "string_mlpe_fault", reason, reading.account, ev)
    meter = _meter_verdict(reading, th)
    if meter:
        return Verdict(reading.site, "meter_fault", meter, reading.account, ev)
    return Verdict(
        reading.site,
        "ok",
        "reporting; capacity unknown, so production is not compared with what was due",
        reading.account,
        ev,
    )


# ---------------------------------------------------------------- fleet


# own cell first: the nearest neighbours are most likely there
NEIGHBOUR_CELLS = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


def _grid_key(lat: float, lon: float, cell: float) -> tuple[int, int]:
    return int(lat // cell), int(lon // cell)


def peer_stats(
    readings: list[Reading], candidates: set[str], th: Thresholds
) -> dict[str, PeerStats | None]:
    """Each site's neighbours' median specific yield and power, or None.

    Only `candidates` (sites reporting energy) serve as peers; the median
    keeps one broken neighbour from moving the expectation. Readings are
    bucketed in cells about one peer radius wide, so the cost stays linear
    in the size of the fleet.
    """
    cell = max(th.peer_radius_km / 111.0, 0.05)
    grid: dict[tuple[int, int], list[Reading]] = defaultdict(list)
    for r in readings:
        if r.site in candidates:
            grid[_grid_key(r.latitude, r.longitude, cell)].append(r)
    result: dict[str, PeerStats | None] = {}
    for r in readings:
        gx, gy = _grid_key(r.latitude, r.longitude, cell)
        near = []
        for dx, dy in NEIGHBOUR_CELLS:
            for p in grid.get((gx + dx, gy + dy), ()):
                if p.site != r.site and (
                    distance_km(r.latitude, r.longitude, p.latitude, p.longitude)
                    <= th.peer_radius_km
                ):
                    near.append(p)
                    if len(near) >= th.max_peers:
                        break
            if len(near) >= th.max_peers:
                break
        if len(near) < th.min_peers:
            result[r.site] = None
            continue
        result[r.site] = PeerStats(
            statistics.median(p.energy_today_wh / p.capacity_w for p in near),
            statistics.median((p.power_w or 0.0) / p.capacity_w for p in near),
            len(near),
        )
    return result


def classify_fleet(
    readings: list[Reading], at: datetime, th: Thresholds | None = None
) -> FleetResult:
    th = th or Thresholds()
    early = {r.site: _pre_checks(r, at, th) for r in readings}
    candidates = {
        r.site
        for r in readings
        if early[r.site] is None and r.energy_today_wh is not None and r.capacity_w
    }
    peers = peer_stats(readings, candidates, th)
    verdicts = [early[r.site] or classify_site(r, at, th, peers[r.site]) for r in readings]
    return _fold_vendor_outages(verdicts, th)


def classify_liveness(
    readings: list[Reading], at: datetime, th: Thresholds | None = None
) -> FleetResult:
    """Judge a liveness pass: freshness and the vendor's own status only.
    A site heard from in time is `reporting` (which ends a comms loss but
    says nothing of production: only a production judgment clears those)."""
    th = th or Thresholds()
    verdicts = []
    for reading in readings:
        if reading.last_report_at is None and reading.vendor_status:
            # a liveness call without a time (APsystems `light`): the vendor's
            # status of now is all there is to judge
            reading = replace(reading, last_report_at=at)
        early = _pre_checks(reading, at, th)
        if early is None or early.kind == "configuration_issue":
            early = Verdict(
                reading.site,
                "reporting",
                f"heard from at {reading.last_report_at.isoformat()}",
                reading.account,
                {},
            )
        verdicts.append(early)
    return _fold_vendor_outages(verdicts, th)


def _fold_vendor_outages(verdicts: list[Verdict], th: Thresholds) -> FleetResult:
    """Most of an account's judged sites silent at once is the vendor's cloud:
    one fleet incident, and those sites get `vendor_outage`, not a ticket each."""
    judged: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        if is_judged(v.kind):
            judged[v.account].append(v)
    fleet: list[FleetVerdict] = []
    outage_accounts = set()
    for account, items in judged.items():
        silent = [v for v in items if v.kind == "comms_loss"]
        if len(silent) >= th.vendor_outage_min_sites and len(
            silent
        ) >= th.vendor_outage_fraction * len(items):
            outage_accounts.add(account)
            fleet.append(
                FleetVerdict(
                    account,
                    "vendor_outage",
                    f"{len(silent)} of {len(items)} sites of account {account} went "
                    "silent together: the vendor's cloud, not the sites",
                    tuple(v.site for v in silent),
                )
            )
    if outage_accounts:
        verdicts = [
            Verdict(v.site, "vendor_outage", "part of a vendor-cloud outage", v.account, v.evidence)
            if v.kind == "comms_loss" and v.account in outage_accounts
            else v
            for v in verdicts
        ]
    return FleetResult(verdicts, fleet)
