"""The simulated fleet: sites at real coordinates with real roofs (tilt and
azimuth per array), production from the same physics the classifier expects
(`solar_om_engine.expected`: pvlib solar position, clear sky, transposition,
temperature, clipping), clouds shared by nearby sites, and faults injected
per site or per account.

Roofs are like an installer's book of business: most face the equator, many
are east/west splits, some face one way only, a few the pole, some are flat,
and for about one site in six the orientation was never recorded (the roof
is real, `/_sim/sites` just does not say which way it faces). DC is 1-1.3
times the AC capacity, so bright noons clip."""

from __future__ import annotations

import hashlib
import math
import random
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from ..expected import ac_power
from ..geo import zone
from ..readings import Array

FAULTS = (
    "comms_loss",  # last report freezes
    "zero_production",  # reports, daylight, 0 W
    "partial_outage",  # some optimizers/micros silent, ~50 % energy
    "underperformance",  # soiling/snow/shading, ~55 % energy
    "meter_fault",  # meter silent while the inverter reports
    "configuration_issue",  # no energy data ever visible
    "dead_device",  # one microinverter (or inverter) dead: silent, makes nothing
)
FACTOR = {"partial_outage": 0.5, "underperformance": 0.55}
SLOT = timedelta(minutes=15)
# the healthy power curve of a day is computed at this step and interpolated
CURVE_STEP = timedelta(minutes=5)
CURVE_POINTS = 24 * 12 + 2  # a 25-hour day (DST) and one point to spare

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
    # Enphase: whether the plan gives device telemetry (production_micro;
    # Kilowatt and up), else 403
    device_telemetry: bool = True
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
    # SolarEdge: inverters of the site (their optimisers are devices_total)
    inverters: int = 1
    shared: bool = False
    fault: str | None = None
    fault_since: datetime | None = None
    # roof planes; empty means one plane of the whole capacity, 30° tilt,
    # facing the equator
    arrays: tuple[Array, ...] = ()
    # whether the O&M company knows the roof (`/_sim/sites` lists the arrays)
    roof_known: bool = True
    # a healthy site's own ratio to the roof's model, every day: below 1 for
    # what the model does not know (a tree, a chimney, long cables), above
    # for better than typical modules and wiring
    permanent_ratio: float = 1.0
    # onboarding: what the vendor's list says beyond the physics (the name
    # above is the system's name in the vendor's cloud)
    street: str = ""
    zip: str = ""
    country: str = ""  # ISO code
    reference: str = ""  # Enphase: the installer's own id for the system
    installed: str = "2022-08-15"
    deactivated: bool = False
    # whether the simulator's geocoder knows the site's address
    geocodable: bool = True
    # devices swapped in the field: old serial -> the replacement's, in
    # every answer that names them (`device_serials`, `device_units`)
    swaps: dict = field(default_factory=dict)
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
        self._curves: dict[tuple, list[float]] = {}
        # per-device figures (see `device_lifetimes`)
        self.lifetime_epoch: date | None = None
        self._device_days: dict[tuple, dict[str, float]] = {}
        # cloud cells under a clear spell (a high over the region): no clouds
        self.clear_cells: set[str] = set()

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
        """Seeded, smooth in time, identical for every site of a cloud cell
        (1: no clouds, for a cell under a clear spell)."""
        if site.cloud_cell in self.clear_cells:
            return 1.0
        hours = at.timestamp() / 3600
        h0 = math.floor(hours)
        w = hours - h0

        def value(h):
            u = _unit(self.seed, site.cloud_cell, h)
            return 0.35 + 0.65 * (u**0.5)  # mostly sunny, sometimes overcast

        return value(h0) * (1 - w) + value(h0 + 1) * w

    @staticmethod
    def roofs(site: SimSite) -> tuple[Array, ...]:
        if site.arrays:
            return site.arrays
        return (Array(site.capacity_w / 1000, 30.0, 180.0 if site.latitude >= 0 else 0.0),)

    def _day_curve(self, site: SimSite, day_start: datetime) -> list[float]:
        """The site's healthy AC power every CURVE_STEP of one local day,
        computed in one vectorised physics call and kept: API requests then
        cost an interpolation, not a pvlib run."""
        key = (site.ref, day_start, site.cloud_cell in self.clear_cells)
        curve = self._curves.get(key)
        if curve is None:
            if len(self._curves) > 100_000:
                self._curves.clear()
            times = [day_start + CURVE_STEP * i for i in range(CURVE_POINTS)]
            sky = [self.cloud_factor(site, t) for t in times]
            power = ac_power(
                site.latitude, site.longitude, self.roofs(site), site.capacity_w, times, sky
            )
            curve = self._curves[key] = [float(p) for p in power]
        return curve

    def healthy_power(self, site: SimSite, at: datetime) -> float:
        local = at.astimezone(zone(site.timezone))
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        curve = self._day_curve(site, day_start)
        position = (local - day_start) / CURVE_STEP
        i = min(int(position), CURVE_POINTS - 2)
        w = position - i
        return curve[i] * (1 - w) + curve[i + 1] * w

    def healthy_powers(self, site: SimSite, times: list[datetime]) -> list[float]:
        return [self.healthy_power(site, t) for t in times]

    def _factor(self, site: SimSite, at: datetime) -> float:
        if site.fault and site.fault_since and at >= site.fault_since:
            if site.fault == "zero_production":
                return 0.0
            if site.fault == "dead_device":
                units = len(device_units(site))
                return site.permanent_ratio * (units - 1) / units
            return site.permanent_ratio * FACTOR.get(site.fault, 1.0)
        return site.permanent_ratio

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
        mids = []
        while slot + SLOT <= local:
            mids.append(slot + SLOT / 2)
            slot += SLOT
        powers = self.healthy_powers(site, mids)
        energy += sum(p * self._factor(site, t) for p, t in zip(powers, mids, strict=True)) * hours
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
        if site.fault == "dead_device" and site.fault_since and seen >= site.fault_since:
            # the dead unit's devices: a micro (two inputs at APsystems), or
            # an inverter's share of the optimisers
            reporting = site.devices_total - max(site.devices_total // len(device_units(site)), 1)
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

    # ----------------------------------------------------------- devices
    # Each device's share of the site's production (issue 26, item 2): the
    # site's energy, slot by slot, shared among its live devices by fixed
    # weights, so the devices always add up to what the site reports. Dead
    # devices (`dead_units`) make nothing and stop reporting at the fault's
    # onset. East/west differences between micros are not simulated.
    def dead_units(self, site: SimSite, at: datetime) -> set[int]:
        """Indices (into `device_units`) of the units dead at `at`."""
        if not (site.fault and site.fault_since and at >= site.fault_since):
            return set()
        units = device_units(site)
        if site.fault == "dead_device":
            return {int(_unit(self.seed, site.ref, "dead") * len(units))}
        if site.fault == "partial_outage" and site.vendor != "solaredge":
            # half the micros silent (a SolarEdge outage is optimisers)
            return set(range(len(units) // 2, len(units)))
        return set()

    def device_powers(self, site: SimSite, at: datetime) -> dict[str, float]:
        """Each device key's power at `at` (W): the site's, shared."""
        keys = device_keys(site)
        dead_units = self.dead_units(site, at)
        unit_of = device_unit_of(site)
        weights = {
            k: 0.0 if unit_of[k] in dead_units else 0.98 + 0.04 * _unit(self.seed, site.ref, k)
            for k in keys
        }
        total = sum(weights.values())
        power = self.power(site, at)
        return {k: power * w / total if total else 0.0 for k, w in weights.items()}

    def device_last_report(self, site: SimSite, key: str, at: datetime) -> datetime:
        """When the device last reported: with its site, or when it died."""
        seen = self.last_report(site, at)
        unit = device_unit_of(site)[key]
        if site.fault_since and unit in self.dead_units(site, max(seen, site.fault_since)):
            epoch = datetime(2000, 1, 1, tzinfo=timezone.utc)
            died = epoch + ((site.fault_since - epoch) // SLOT) * SLOT
            return min(seen, died)
        return seen

    def device_energies(
        self, site: SimSite, start: datetime, end: datetime, now: datetime | None = None
    ) -> dict[str, float]:
        """Each device's energy (Wh) from `start` to `end`, in 15-minute
        slots up to the site's last report before `now` (what the vendor has)."""
        end = min(end, self.last_report(site, now or self.now()))
        out = dict.fromkeys(device_keys(site), 0.0)
        if site.fault == "configuration_issue":
            return out
        epoch = datetime(2000, 1, 1, tzinfo=timezone.utc)
        slot = epoch + ((start.astimezone(timezone.utc) - epoch) // SLOT) * SLOT
        hours = SLOT.total_seconds() / 3600
        while slot < end:
            lo, hi = max(slot, start), min(slot + SLOT, end)
            if hi > lo:
                share = (hi - lo) / SLOT
                for key, watts in self.device_powers(site, slot + SLOT / 2).items():
                    out[key] += watts * hours * share
            slot += SLOT
        return out

    def device_day_energies(self, site: SimSite, day: date) -> dict[str, float]:
        """Each device's energy of a whole local day (cached per fault state)."""
        key = (site.ref, day, site.fault, site.fault_since, tuple(sorted(site.swaps.items())))
        cached = self._device_days.get(key)
        if cached is None:
            if len(self._device_days) > 100_000:
                self._device_days.clear()
            tz = zone(site.timezone)
            start = datetime.combine(day, datetime.min.time(), tz)
            end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
            cached = self._device_days[key] = self.device_energies(site, start, end, now=end)
        return cached

    def device_lifetimes(self, site: SimSite, at: datetime) -> dict[str, float]:
        """Each device's lifetime energy counter (Wh) as of its last report
        before `at`: a fixed start plus every day's energy since the fleet's
        first day asked, so consecutive days' readings differ by exactly
        the day's energy (Enphase `energy` of inverters_summary)."""
        tz = zone(site.timezone)
        today = at.astimezone(tz).date()
        if self.lifetime_epoch is None:
            self.lifetime_epoch = today
        base = {k: 1_500_000.0 + 10_000.0 * i for i, k in enumerate(device_keys(site))}
        step = 1 if today >= self.lifetime_epoch else -1
        day = self.lifetime_epoch
        while day != today:
            if step > 0:
                for k, wh in self.device_day_energies(site, day).items():
                    base[k] = base.get(k, 0.0) + wh
            else:
                day -= timedelta(days=1)
                for k, wh in self.device_day_energies(site, day).items():
                    base[k] = base.get(k, 0.0) - wh
                continue
            day += timedelta(days=1)
        midnight = datetime.combine(today, datetime.min.time(), tz)
        # a dead device makes nothing after its death: today's energies up
        # to the site's last report are those up to each device's own
        made = self.device_energies(site, midnight, at, now=at)
        return {k: base[k] + made[k] for k in base}

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


# ------------------------------------------------------------------ devices


def device_units(site: SimSite) -> list[str]:
    """A site's producing units as its vendor names them, after any swaps:
    Enphase micro serials (12 digits), SolarEdge inverter serials, APsystems
    micro uids. The device lists (`device_serials`) and the per-device
    energy answers name the same units."""
    digits = "".join(c for c in site.ref if c.isdigit()).rjust(6, "0")[-6:]
    if site.vendor == "solaredge":
        units = [f"7E{site.ref}"] + [f"7E{site.ref}-{k + 1}" for k in range(1, site.inverters)]
    elif site.vendor == "apsystems":
        units = [f"70{digits}{k:04d}" for k in range(max(site.devices_total // 2, 1))]
    else:
        units = [f"12{digits}{k:04d}" for k in range(max(site.devices_total, 1))]
    return [site.swaps.get(u, u) for u in units]


def gateway_serial(site: SimSite) -> str:
    """An Enphase system's gateway (Envoy) serial, after any swap."""
    digits = "".join(c for c in site.ref if c.isdigit()) or "0"
    serial = f"1220{digits[-8:].rjust(8, '0')}"
    return site.swaps.get(serial, serial)


def ecu_units(site: SimSite, ecus: int) -> list[list[str]]:
    """APsystems: the micros under each of a system's `ecus` ECUs, dealt
    to them in turn (every ECU has one when there are enough)."""
    units = device_units(site)
    return [units[k::ecus] for k in range(max(ecus, 1))]


def device_keys(site: SimSite) -> list[str]:
    """The keys the vendor's per-device call gives: a unit, or (APsystems)
    each of its two inputs `<uid>-<channel>`."""
    if site.vendor == "apsystems":
        return [f"{uid}-{ch}" for uid in device_units(site) for ch in (1, 2)]
    return device_units(site)


def device_unit_of(site: SimSite) -> dict[str, int]:
    """Device key -> index of its unit in `device_units`."""
    if site.vendor == "apsystems":
        return {f"{uid}-{ch}": i for i, uid in enumerate(device_units(site)) for ch in (1, 2)}
    return {uid: i for i, uid in enumerate(device_units(site))}


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


# roof kinds of a fleet and their weights (see the module docstring)
ROOF_KINDS = {
    "equator": 32,
    "east_west": 18,
    "east": 8,
    "west": 8,
    "pole": 4,
    "flat": 12,
    "unknown": 18,
}


def plausible_roof(
    rng: random.Random, ac_w: float, latitude: float
) -> tuple[tuple[Array, ...], bool]:
    """A roof for a site of `ac_w` AC: its arrays and whether they are known."""
    kind = rng.choices(list(ROOF_KINDS), weights=list(ROOF_KINDS.values()))[0]
    dc_kwp = round(ac_w / 1000 * rng.choice((1.0, 1.1, 1.2, 1.3)), 2)
    equator = 180.0 if latitude >= 0 else 0.0
    tilt = float(round(rng.uniform(10, 40)))
    if kind == "east_west":
        half = round(dc_kwp / 2, 2)
        return (Array(half, tilt, 90.0), Array(round(dc_kwp - half, 2), tilt, 270.0)), True
    if kind == "flat":
        return (Array(dc_kwp, float(round(rng.uniform(0, 5))), equator),), True
    azimuth = {
        "equator": equator + rng.uniform(-25, 25),
        "east": 90.0 + rng.uniform(-15, 15),
        "west": 270.0 + rng.uniform(-15, 15),
        "pole": equator + 180.0 + rng.uniform(-20, 20),
        # a real roof that nobody recorded: mostly towards the sun
        "unknown": equator + rng.uniform(-100, 100),
    }[kind]
    return (Array(dc_kwp, tilt, float(round(azimuth % 360))),), kind != "unknown"


def make_fleet(n_sites: int, seed: int = 7, sites_per_account: int = 2000) -> Fleet:
    """`n_sites` spread over the cities (clusters of neighbours within ~20 km),
    vendors in turn, accounts of up to `sites_per_account` sites, roofs of
    every kind (`plausible_roof`)."""
    rng = random.Random(seed)
    # roofs from their own stream: the same seed keeps the same places
    roof_rng = random.Random(f"{seed}-roofs")
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
        site = SimSite(
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
        site.arrays, site.roof_known = plausible_roof(roof_rng, site.capacity_w, site.latitude)
        sites.append(site)
    return Fleet(sites, list(accounts.values()), seed)


# The roofs of solar_om's demo sites (demo/solar_om_demo.xml says the same):
# DC kWp, tilt, azimuth per array; None where the demo leaves it unknown
# (the simulated roof is real all the same).
DEMO_ROOFS = {
    "1001": ((9.8, 35.0, 180.0),),  # Munich: one south roof
    "1002": ((3.2, 10.0, 95.0), (3.2, 10.0, 275.0)),  # Madrid: a low east/west split
    "1003": ((7.2, 25.0, 250.0),),  # Rome: west-south-west
    "2001": ((8.1, 20.0, 180.0),),  # Phoenix: south, DC/AC 1.17, clips at noon
    "2002": ((3.3, 20.0, 90.0), (3.3, 20.0, 270.0)),  # San Diego: east/west
    "2003": None,  # Denver: orientation never recorded (south-west, 25°)
    "3001": ((6.6, 20.0, 10.0),),  # Brisbane: north, the equator side
    "3002": ((2.6, 30.0, 80.0), (2.6, 30.0, 350.0)),  # Sydney: east and north
    "3003": ((4.4, 40.0, 180.0),),  # Tromsø: steep south roof for the low sun
}
DEMO_UNKNOWN_ROOF = {"2003": ((11.0, 25.0, 225.0),)}


def demo_fleet(seed: int = 7) -> Fleet:
    """The nine sites of solar_om's demo data (vendor ids 1001-3003, their
    AC capacity and roofs), each with four neighbours in the same town
    (within ~0.05°, a few km: the health check's early judgments need three
    witnesses of the sky within 8 km) so that peers, not clear sky alone,
    set expectations."""
    demo = [
        ("1001", "solaredge", 48.1372, 11.5756, "Europe/Berlin", 8300, "Munich"),
        ("1002", "solaredge", 40.4168, -3.7038, "Europe/Madrid", 5400, "Madrid"),
        ("1003", "solaredge", 41.9028, 12.4964, "Europe/Rome", 6100, "Rome"),
        ("2001", "enphase", 33.4484, -112.0740, "America/Phoenix", 6900, "Phoenix"),
        ("2002", "enphase", 32.7157, -117.1611, "America/Los_Angeles", 5600, "San Diego"),
        ("2003", "enphase", 39.7392, -104.9903, "America/Denver", 9300, "Denver"),
        ("3001", "apsystems", -27.4698, 153.0251, "Australia/Brisbane", 5600, "Brisbane"),
        ("3002", "apsystems", -33.8688, 151.2093, "Australia/Sydney", 4400, "Sydney"),
        ("3003", "apsystems", 69.6492, 18.9553, "Europe/Oslo", 3700, "Tromsø"),
    ]
    rng = random.Random(seed)
    roof_rng = random.Random(f"{seed}-roofs")
    accounts = {v: make_account(v, 1, key=f"demo-{v}") for v in VENDORS}
    sites = []
    for ref, vendor, lat, lon, tz, cap, city in demo:
        site = SimSite(ref, vendor, f"demo-{vendor}", f"{city} demo", lat, lon, tz, cap, city)
        known = DEMO_ROOFS[ref]
        roof = known or DEMO_UNKNOWN_ROOF[ref]
        site.arrays = tuple(Array(*plane) for plane in roof)
        site.roof_known = known is not None
        sites.append(site)
        for k in range(4):
            neighbour = SimSite(
                f"{ref}-N{k + 1}",
                vendor,
                f"demo-{vendor}",
                f"{city} neighbour {k + 1}",
                round(lat + rng.uniform(-0.05, 0.05), 4),
                round(lon + rng.uniform(-0.05, 0.05), 4),
                tz,
                round(rng.uniform(4000, 10000)),
                city,
            )
            neighbour.arrays, neighbour.roof_known = plausible_roof(
                roof_rng, neighbour.capacity_w, neighbour.latitude
            )
            sites.append(neighbour)
    return Fleet(sites, list(accounts.values()), seed)


# ------------------------------------------------------------------ onboarding


def device_serials(site: SimSite) -> dict[str, list[str]]:
    """The serials a vendor lists for a site, by kind, after any swaps:
    SolarEdge inverters; Enphase micros (one per module) and a gateway;
    APsystems micros (two modules a micro; the ECUs are listed apart). The
    producing units are `device_units`, as the per-device energy calls name
    them."""
    units = device_units(site)
    if site.vendor == "solaredge":
        return {"inverter": units}
    if site.vendor == "enphase":
        return {"gateway": [gateway_serial(site)], "micro": units}
    return {"micro": units}


SURNAMES = (
    "Becker Schmidt Weber Fischer Wagner Keller Richter Wolf Neumann Schwarz Zimmermann "
    "Braun Krüger Hartmann Lange Werner Krause Lehmann Köhler Maier Ortega Navarro Romero "
    "Molina Delgado Castro Ortiz Rubio Marín Sanz Bianchi Romano Colombo Ricci Marino "
    "Greco Bruno Gallo Conti Costa Mancini Lombardi Moretti Barbieri Fontana Santoro"
).split()
STREETS = {
    "Munich": ("Lindenstraße", "DE", "80"),
    "Madrid": ("Calle Mayor", "ES", "28"),
    "Rome": ("Via Appia", "IT", "00"),
    "Lyon": ("Rue Garibaldi", "FR", "69"),
    "Vienna": ("Hauptstraße", "AT", "1"),
    "London": ("High Street", "GB", "E1"),
    "Phoenix": ("Camelback Road", "US", "85"),
    "San Diego": ("Ocean Avenue", "US", "92"),
    "Denver": ("Colfax Avenue", "US", "80"),
    "Austin": ("Congress Avenue", "US", "78"),
    "Brisbane": ("Queen Street", "AU", "40"),
    "Sydney": ("George Street", "AU", "20"),
}


def onboarding_fleet(
    n_systems: int,
    vendor: str = "solaredge",
    seed: int = 11,
    key: str = "",
    cities: tuple[str, ...] = ("Munich", "Madrid", "Rome"),
    owners: tuple[tuple[str, str], ...] = (),
) -> Fleet:
    """One installer account of `n_systems` systems in `cities` (a few
    kilometres apart, so each has neighbours), named after their owners as
    installers name them ("Becker home"), each at a street address. `owners`
    (name, city) come first: systems of customers the O&M company already
    has. Every fifth Enphase system carries the installer's `reference`."""
    rng = random.Random(seed)
    roof_rng = random.Random(f"{seed}-roofs")
    account = make_account(vendor, 1, key=key or f"onboard-{vendor}")
    by_city = {c[0]: c for c in CITIES}
    sites = []
    for i in range(n_systems):
        if i < len(owners):
            surname, city = owners[i]
        else:
            surname, city = SURNAMES[i % len(SURNAMES)], cities[i % len(cities)]
            if i >= len(SURNAMES):  # double-barrelled: every owner's name differs
                surname = f"{surname}-{SURNAMES[(i // len(SURNAMES) * 7) % len(SURNAMES)]}"
        _name, lat, lon, tz = by_city[city]
        street, country, prefix = STREETS[city]
        ref = f"{7_100_000 + i}" if vendor != "apsystems" else f"AZ{7_100_000 + i:08X}"
        site = SimSite(
            ref=ref,
            vendor=vendor,
            account=account.key,
            name=f"{surname} home",
            latitude=round(lat + rng.uniform(-0.04, 0.04), 5),
            longitude=round(lon + rng.uniform(-0.04, 0.04), 5),
            timezone=tz,
            capacity_w=round(rng.uniform(4.0, 12.0), 1) * 1000,
            cloud_cell=city,
            devices_total=rng.randint(10, 24),
            street=f"{street} {i + 1}",
            zip=f"{prefix}{100 + i % 900:03d}",
            country=country,
            reference=f"INST-{i + 1:05d}" if vendor == "enphase" and i % 5 == 0 else "",
            installed=f"20{21 + i % 4}-0{1 + i % 9}-1{i % 10}",
        )
        site.arrays, site.roof_known = plausible_roof(roof_rng, site.capacity_w, site.latitude)
        sites.append(site)
    return Fleet(sites, [account], seed)
