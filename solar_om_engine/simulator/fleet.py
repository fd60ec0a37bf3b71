"""The simulated fleet: sites at real coordinates, production that follows
the sun (astral elevation, Haurwitz clear sky), clouds shared by nearby
sites, and faults injected per site or per account."""

from __future__ import annotations

import hashlib
import math
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from ..clearsky import clear_sky_ghi
from ..daylight import sun_elevation
from ..geo import zone

FAULTS = (
    "comms_loss",  # last report freezes
    "zero_production",  # reports, daylight, 0 W
    "partial_outage",  # some optimizers/micros silent, ~50 % energy
    "underperformance",  # soiling/snow/shading, ~65 % energy
    "meter_fault",  # meter silent while the inverter reports
    "configuration_issue",  # no energy data ever visible
)
FACTOR = {"partial_outage": 0.5, "underperformance": 0.65}
SLOT = timedelta(minutes=15)
PERFORMANCE_RATIO = 0.8

# (city, latitude, longitude, IANA zone)
CITIES = [
    ("Munich", 48.137, 11.575, "Europe/Berlin"),
    ("Madrid", 40.417, -3.704, "Europe/Madrid"),
    ("Rome", 41.903, 12.496, "Europe/Rome"),
    ("Lyon", 45.764, 4.836, "Europe/Paris"),
    ("Vienna", 48.208, 16.373, "Europe/Vienna"),
    ("London", 51.507, -0.128, "Europe/London"),
    ("Phoenix", 33.448, -112.074, "America/Phoenix"),
    ("San Diego", 32.716, -117.161, "America/Los_Angeles"),
    ("Denver", 39.739, -104.990, "America/Denver"),
    ("Austin", 30.267, -97.743, "America/Chicago"),
    ("Orlando", 28.538, -81.379, "America/New_York"),
    ("Brisbane", -27.470, 153.025, "Australia/Brisbane"),
    ("Sydney", -33.869, 151.209, "Australia/Sydney"),
    ("Perth", -31.950, 115.860, "Australia/Perth"),
    ("Auckland", -36.849, 174.763, "Pacific/Auckland"),
    ("Honolulu", 21.307, -157.858, "Pacific/Honolulu"),
    ("Tromsø", 69.649, 18.955, "Europe/Oslo"),
    ("Cape Town", -33.925, 18.424, "Africa/Johannesburg"),
    ("Tokyo", 35.690, 139.692, "Asia/Tokyo"),
    ("Apia", -13.833, -171.767, "Pacific/Apia"),
]


@dataclass
class Account:
    key: str
    vendor: str
    # credentials the simulator accepts (SolarEdge api key, Enphase key and
    # bearer token, APsystems app id/secret)
    api_key: str
    secret: str = ""
    access_token: str = ""
    refresh_token: str = ""
    per_minute: int = 1_000_000
    per_month: int = 10**12
    outage_since: datetime | None = None
    calls_month: int = 0
    month: str = ""  # the simulated month calls_month counts ("YYYY-MM")
    minute_calls: list = field(default_factory=list)


@dataclass
class SimSite:
    ref: str
    vendor: str
    account: str
    name: str
    latitude: float
    longitude: float
    timezone: str
    capacity_w: float
    cloud_cell: str
    connection: str = "ethernet"
    devices_total: int = 20
    has_meter: bool = False
    # APsystems: ECUs of the system, and whether it is a shared sub-user's
    # view (ECU ids listed as `main-virtual`)
    ecus: int = 1
    shared: bool = False
    fault: str | None = None
    fault_since: datetime | None = None
    _energy_cache: tuple = (None, None, 0.0)  # (local date, last slot start, Wh)


def _unit(*parts) -> float:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


class Fleet:
    def __init__(self, sites: list[SimSite], accounts: list[Account], seed: int = 7):
        self.sites = {s.ref: s for s in sites}
        self.accounts = {a.key: a for a in accounts}
        self.seed = seed
        self.lock = threading.Lock()
        self.clock_offset = timedelta(0)
        self.frozen_at: datetime | None = None
        self._by_account: dict[str, list[SimSite]] | None = None

    def sites_of(self, account: str) -> list[SimSite]:
        """An account's sites, indexed once: a list endpoint must not scan
        the whole fleet on every request."""
        if self._by_account is None:
            index: dict[str, list[SimSite]] = {}
            for site in self.sites.values():
                index.setdefault(site.account, []).append(site)
            self._by_account = index
        return self._by_account.get(account, [])

    # ----------------------------------------------------------- time
    def now(self) -> datetime:
        if self.frozen_at is not None:
            return self.frozen_at
        return datetime.now(timezone.utc) + self.clock_offset

    def set_clock(self, at: datetime | None, frozen: bool = True) -> None:
        if at is None:
            self.frozen_at, self.clock_offset = None, timedelta(0)
        elif frozen:
            self.frozen_at = at
        else:
            self.frozen_at = None
            self.clock_offset = at - datetime.now(timezone.utc)

    # ----------------------------------------------------------- weather
    def cloud_factor(self, site: SimSite, at: datetime) -> float:
        """Seeded, smooth in time, identical for every site of a cloud cell."""
        hours = at.timestamp() / 3600
        h0 = math.floor(hours)
        w = hours - h0

        def value(h):
            u = _unit(self.seed, site.cloud_cell, h)
            return 0.35 + 0.65 * (u**0.5)  # mostly sunny, sometimes overcast

        return value(h0) * (1 - w) + value(h0 + 1) * w

    def healthy_power(self, site: SimSite, at: datetime) -> float:
        ghi = clear_sky_ghi(sun_elevation(site.latitude, site.longitude, at))
        return ghi / 1000 * site.capacity_w * PERFORMANCE_RATIO * self.cloud_factor(site, at)

    def _factor(self, site: SimSite, at: datetime) -> float:
        if site.fault and site.fault_since and at >= site.fault_since:
            if site.fault == "zero_production":
                return 0.0
            return FACTOR.get(site.fault, 1.0)
        return 1.0

    def power(self, site: SimSite, at: datetime) -> float:
        return self.healthy_power(site, at) * self._factor(site, at)

    def energy_today(self, site: SimSite, at: datetime) -> float:
        """Wh since local midnight, integrated in 15-minute slots and cached
        per site so a check of a large fleet stays cheap."""
        local = at.astimezone(zone(site.timezone))
        day = local.date()
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        cached_day, slot, energy = site._energy_cache
        if cached_day != day or slot is None or slot > local:
            slot, energy = midnight, 0.0
        hours = SLOT.total_seconds() / 3600
        while slot + SLOT <= local:
            energy += self.power(site, slot + SLOT / 2) * hours
            slot += SLOT
        site._energy_cache = (day, slot, energy)
        partial = (local - slot).total_seconds() / 3600
        return energy + self.power(site, at) * partial

    # ----------------------------------------------------------- what the API shows
    def last_report(self, site: SimSite, at: datetime) -> datetime:
        account = self.accounts[site.account]
        frozen = [at]
        if site.fault == "comms_loss" and site.fault_since:
            frozen.append(site.fault_since)
        if account.outage_since:
            frozen.append(account.outage_since)
        moment = min(frozen)
        cadence = timedelta(hours=6) if site.connection == "cellular" else SLOT
        # uploads happen on the cadence grid
        epoch = datetime(2000, 1, 1, tzinfo=timezone.utc)
        return epoch + ((moment - epoch) // cadence) * cadence

    def snapshot(self, site: SimSite, at: datetime | None = None) -> dict:
        """The site as its vendor's cloud sees it now (stale when silent)."""
        at = at or self.now()
        seen = self.last_report(site, at)
        power = self.power(site, seen)
        tz = zone(site.timezone)
        same_day = seen.astimezone(tz).date() == at.astimezone(tz).date()
        # a site silent since yesterday shows nothing for today
        energy = self.energy_today(site, seen) if same_day else 0.0
        visible = site.fault != "configuration_issue"
        reporting = site.devices_total
        if site.fault == "partial_outage" and site.fault_since and seen >= site.fault_since:
            reporting = site.devices_total // 2
        return {
            "last_report_at": seen,
            "power_w": round(power, 1) if visible else None,
            "energy_today_wh": round(energy, 1) if visible else None,
            "devices_total": site.devices_total,
            "devices_reporting": reporting,
            "meter_energy_today_wh": (
                None
                if not site.has_meter or site.fault == "meter_fault" or not visible
                else round(energy * 0.99, 1)
            ),
        }

    # ----------------------------------------------------------- control
    def inject(self, ref: str, kind: str | None, since: datetime | None = None) -> None:
        if kind is not None and kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r} (known: {', '.join(FAULTS)})")
        site = self.sites[ref]
        site.fault = kind
        site.fault_since = (since or self.now()) if kind else None
        site._energy_cache = (None, None, 0.0)

    def outage(self, account: str, on: bool, since: datetime | None = None) -> None:
        self.accounts[account].outage_since = (since or self.now()) if on else None


# ------------------------------------------------------------------ builders

VENDORS = ("solaredge", "enphase", "apsystems")
REF_PREFIX = {"solaredge": "SE", "enphase": "EN", "apsystems": "AP"}


def make_account(vendor: str, index: int, key: str = "") -> Account:
    """Credentials follow the key: `<key>-key`, `<key>-secret`, Enphase
    client id `<key>-client`, tokens `<key>-access` / `<key>-refresh`."""
    key = key or f"{vendor}-{index}"
    return Account(
        key=key,
        vendor=vendor,
        api_key=f"{key}-key",
        secret=f"{key}-secret",
        access_token=f"{key}-access",
        refresh_token=f"{key}-refresh",
    )


def make_fleet(n_sites: int, seed: int = 7, sites_per_account: int = 2000) -> Fleet:
    """`n_sites` spread over the cities (clusters of neighbours within ~20 km),
    vendors in turn, accounts of up to `sites_per_account` sites."""
    rng = random.Random(seed)
    sites, accounts = [], {}
    counters = dict.fromkeys(VENDORS, 0)
    for i in range(n_sites):
        vendor = VENDORS[i % 3]
        n = counters[vendor]
        counters[vendor] += 1
        acc_index = n // sites_per_account + 1
        acc_key = f"{vendor}-{acc_index}"
        if acc_key not in accounts:
            accounts[acc_key] = make_account(vendor, acc_index)
        city, lat, lon, tz = CITIES[rng.randrange(len(CITIES))]
        dlat, dlon = rng.uniform(-0.15, 0.15), rng.uniform(-0.15, 0.15)
        sites.append(
            SimSite(
                ref=f"{REF_PREFIX[vendor]}{n + 1:06d}",
                vendor=vendor,
                account=acc_key,
                name=f"{city} site {n + 1}",
                latitude=round(lat + dlat, 5),
                longitude=round(lon + dlon, 5),
                timezone=tz,
                capacity_w=round(rng.uniform(3.0, 15.0), 2) * 1000,
                cloud_cell=city,
                connection="cellular" if vendor == "enphase" and rng.random() < 0.1 else "ethernet",
                devices_total=rng.randint(8, 30),
            )
        )
    return Fleet(sites, list(accounts.values()), seed)


def demo_fleet(seed: int = 7) -> Fleet:
    """The nine sites of solar_om's demo data (vendor ids 1001-3003), each
    with four neighbours so that peers, not clear sky, set expectations."""
    demo = [
        ("1001", "solaredge", 48.1372, 11.5756, "Europe/Berlin", 9800, "Munich"),
        ("1002", "solaredge", 40.4168, -3.7038, "Europe/Madrid", 6400, "Madrid"),
        ("1003", "solaredge", 41.9028, 12.4964, "Europe/Rome", 7200, "Rome"),
        ("2001", "enphase", 33.4484, -112.0740, "America/Phoenix", 8100, "Phoenix"),
        ("2002", "enphase", 32.7157, -117.1611, "America/Los_Angeles", 6600, "San Diego"),
        ("2003", "enphase", 39.7392, -104.9903, "America/Denver", 11000, "Denver"),
        ("3001", "apsystems", -27.4698, 153.0251, "Australia/Brisbane", 6600, "Brisbane"),
        ("3002", "apsystems", -33.8688, 151.2093, "Australia/Sydney", 5200, "Sydney"),
        ("3003", "apsystems", 69.6492, 18.9553, "Europe/Oslo", 4400, "Tromsø"),
    ]
    rng = random.Random(seed)
    accounts = {v: make_account(v, 1, key=f"demo-{v}") for v in VENDORS}
    sites = []
    for ref, vendor, lat, lon, tz, cap, city in demo:
        sites.append(
            SimSite(ref, vendor, f"demo-{vendor}", f"{city} demo", lat, lon, tz, cap, city)
        )
        for k in range(4):
            sites.append(
                SimSite(
                    f"{ref}-N{k + 1}",
                    vendor,
                    f"demo-{vendor}",
                    f"{city} neighbour {k + 1}",
                    round(lat + rng.uniform(-0.1, 0.1), 4),
                    round(lon + rng.uniform(-0.1, 0.1), 4),
                    tz,
                    round(rng.uniform(4000, 10000)),
                    city,
                )
            )
    return Fleet(sites, list(accounts.values()), seed)
