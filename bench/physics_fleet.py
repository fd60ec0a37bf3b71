"""A seeded, labelled fleet whose production comes from pvlib physics, for
the detection benchmark (`bench/detection_benchmark.py`).

Written apart from the engine on purpose: another solar position algorithm
(SPA through `pvlib.location.Location`), Boland decomposition of a cloudy
global irradiance instead of the engine's beam fade, Perez transposition
instead of Hay-Davies, SAPM cell temperature with the region's air
temperature and a random wind, Fresnel angle-of-incidence losses, and system
losses, temperature coefficients, inverter efficiencies and DC/AC ratios
drawn per site. The engine never sees any of those numbers, only what a
vendor would report. If the engine agreed with this fleet merely because
they share code, the benchmark would prove nothing.

Regions: Munich, Madrid, Phoenix, Sydney, Cape Town and Tromsø, each a
cluster of sites within ~30 km, plus isolated sites more than a peer radius
from anyone. Roofs face every direction (east/west splits, north roofs, flat
roofs), tilts 0-45°, DC/AC up to 1.5 (clipping). Weather per region and day:
clear, a moving cloud field, overcast, heavy overcast, or clearing. Days:
solstices and equinoxes (polar night and midnight sun in Tromsø).

Faults (labels are verdict kinds): comms_loss, inverter_fault (Zero
Production, including "0 of N micros reporting"), string_mlpe_fault (devices
down), underperformance (soiling/shading, 25-58 % of normal; the policy
threshold is 65 %), meter_fault
(meter silent, or off by 40 %-10x), configuration_issue (capacity entered
10x too small, or no energy data).

That is variant "a" (seed 14). Variant "b" (seed 2041) is a second fleet
that no threshold was tuned on, to check that the rules generalise rather
than fit one generator: other places (Hamburg, Seville, Denver at 1,600 m,
Adelaide on a half-hour time zone, Santiago, Nairobi on the equator, Tromsø),
another split of cloudy light into beam and diffuse (DIRINDEX, which keeps a
clear winter sky's beam where Boland dims it),
other days (mid-January, late April, early July with the midnight sun, late
October, early December in the polar night), checks at other hours
(including just after midnight and late evening), smaller clusters and more
lone sites (some in pairs: one neighbour is no neighbourhood), DC/AC up to
1.8, system losses up to 25 %, 1.5-40 kWp, tilts 5-50°, and skies the first
variant lacks: fast broken cumulus, haze, an afternoon storm. Its faults are
of every severity a field engineer meets: Underperformance from mild to
severe (soiling, a new obstruction shading the morning or the afternoon,
snow-free degradation: 12-60 % of normal), meters disagreeing on sites that
were never flagged as metered, capacity entered 4-10x too small. A fault is
labelled by its effect so far: a morning-shade fault read after the shade
moved on is labelled only while today's energy is at most 60 % of what the
healthy roof made.

    python bench/detection_benchmark.py --fleet b   # or: --seed N --fleet b
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from pvlib import iam, inverter, irradiance, location, pvsystem, temperature


@dataclass(frozen=True)
class Region:
    name: str
    latitude: float
    longitude: float
    timezone: str
    # {month: typical afternoon air temperature, °C}
    temps: dict


# (name, latitude, longitude, IANA zone, {month: typical air temperature °C})
REGIONS = [
    Region("Munich", 48.14, 11.58, "Europe/Berlin", {3: 8, 6: 24, 9: 19, 12: 2}),
    Region("Madrid", 40.42, -3.70, "Europe/Madrid", {3: 16, 6: 31, 9: 26, 12: 10}),
    Region("Phoenix", 33.45, -112.07, "America/Phoenix", {3: 25, 6: 40, 9: 36, 12: 19}),
    Region("Sydney", -33.87, 151.21, "Australia/Sydney", {3: 25, 6: 17, 9: 19, 12: 25}),
    Region("Cape Town", -33.92, 18.42, "Africa/Johannesburg", {3: 25, 6: 17, 9: 18, 12: 25}),
    Region("Tromsø", 69.65, 18.96, "Europe/Oslo", {3: -3, 6: 12, 9: 8, 12: -4}),
]
DAYS = (date(2026, 3, 20), date(2026, 6, 21), date(2026, 9, 22), date(2026, 12, 21))
# local mean solar hours of the checks: dawn to dusk
SOLAR_HOURS = (6.5, 8.0, 9.5, 11.0, 12.5, 14.0, 15.5, 17.5)
WEATHER = ("clear", "clouds", "clouds", "overcast", "heavy_overcast", "clearing")
FAULTS = (
    "inverter_fault",
    "string_mlpe_fault",
    "underperformance",
    "meter_fault",
    "configuration_issue",
    "comms_loss",
)
STEP_MIN = 5


@dataclass(frozen=True)
class Variant:
    """What differs between two labelled fleets: places, days, hours,
    weather, the sites' hardware and the faults' severities."""

    name: str
    seed: int
    regions: tuple
    days: tuple
    solar_hours: tuple
    weather: tuple
    per_region: int = 70
    isolated_per_region: int = 8
    # every other lone site has one neighbour within 2 km (fewer than the
    # engine's minimum of peers, so still alone)
    isolated_pairs: bool = False
    cluster_km: float = 12.0
    kwp: tuple = (3.0, 15.0)
    dc_ac: tuple = (1.0, 1.0, 1.1, 1.2, 1.3, 1.5)
    tilt: tuple = (10.0, 40.0)
    losses: tuple = (0.08, 0.18)
    # Underperformance: "uniform" keeps a constant share of normal output
    # (label always); "profiles" adds shade on half the day and labels by
    # the effect on today's energy so far
    underperformance: tuple = (0.25, 0.58)
    underperformance_profiles: bool = False
    # metered sites whose meter was never flagged (the engine must still
    # compare a meter it sees)
    unflagged_meter_share: float = 0.0
    capacity_typo: tuple = (10.0,)
    # minutes since the last upload (vendors upload every 5-15 minutes)
    max_lag_min: float = 14.0
    # splitting the cloudy global light into beam and diffuse: Boland (a
    # logistic fit of the clearness index; dim at low sun even when clear)
    # or DIRINDEX (Perez 2002: anchored on the clear-sky beam)
    decomposition: str = "boland"


VARIANT_A = Variant("a", 14, tuple(REGIONS), DAYS, SOLAR_HOURS, WEATHER)
VARIANT_B = Variant(
    "b",
    2041,
    (
        Region("Hamburg", 53.55, 9.99, "Europe/Berlin", {1: 2, 4: 12, 7: 22, 10: 12, 12: 3}),
        Region("Seville", 37.39, -5.98, "Europe/Madrid", {1: 14, 4: 22, 7: 35, 10: 24, 12: 15}),
        Region("Denver", 39.74, -104.99, "America/Denver", {1: 4, 4: 15, 7: 31, 10: 18, 12: 4}),
        Region(
            "Adelaide", -34.93, 138.60, "Australia/Adelaide", {1: 29, 4: 22, 7: 15, 10: 22, 12: 27}
        ),
        Region(
            "Santiago", -33.45, -70.67, "America/Santiago", {1: 29, 4: 22, 7: 14, 10: 22, 12: 28}
        ),
        Region("Nairobi", -1.29, 36.82, "Africa/Nairobi", {1: 24, 4: 23, 7: 20, 10: 24, 12: 23}),
        Region("Tromsø", 69.65, 18.96, "Europe/Oslo", {1: -4, 4: 1, 7: 15, 10: 4, 12: -3}),
    ),
    (date(2026, 1, 14), date(2026, 4, 28), date(2026, 7, 8), date(2026, 10, 30), date(2026, 12, 8)),
    (0.5, 5.5, 7.25, 9.0, 10.5, 12.25, 13.75, 16.5, 18.75, 23.0),
    (
        "clear",
        "clear",
        "clouds",
        "broken",
        "haze",
        "overcast",
        "heavy_overcast",
        "clearing",
        "storm",
    ),
    per_region=55,
    isolated_per_region=12,
    isolated_pairs=True,
    cluster_km=8.0,
    kwp=(1.5, 40.0),
    dc_ac=(1.0, 1.15, 1.3, 1.45, 1.6, 1.8),
    tilt=(5.0, 50.0),
    losses=(0.07, 0.25),
    underperformance=(0.12, 0.6),
    underperformance_profiles=True,
    unflagged_meter_share=0.5,
    capacity_typo=(4.0, 6.0, 10.0),
    max_lag_min=15.0,
    decomposition="dirindex",
)
VARIANTS = {"a": VARIANT_A, "b": VARIANT_B}


@dataclass
class Roof:
    dc_kwp: float
    tilt: float
    azimuth: float


@dataclass
class Site:
    ref: str
    region: str
    vendor: str
    latitude: float
    longitude: float
    timezone: str
    ac_w: float
    roofs: list[Roof]
    losses: float
    gamma: float
    eta_inv: float
    mount: str
    devices_total: int | None
    has_meter: bool
    isolated: bool
    x_km: float
    y_km: float
    # per day: (fault kind or None, details)
    faults: dict = field(default_factory=dict)
    # the vendor says the site has a meter (b: some metered sites are not flagged)
    meter_flagged: bool = True
    region_longitude: float = 0.0


@dataclass
class Check:
    """One site at one instant: the reading a vendor would give, and the truth."""

    at: datetime
    site: Site
    label: str  # a fault kind, "healthy", or "skip" (a fault starting: not scored)
    reading: dict
    elevation: float


def _roofs(
    rng: random.Random, dc_kwp: float, hemisphere: int, tilts: tuple = (10.0, 40.0)
) -> list[Roof]:
    equator = 180.0 if hemisphere > 0 else 0.0
    kind = rng.choices(
        ["equator", "east_west", "east", "west", "north", "flat", "any"],
        weights=[3, 2, 1.5, 1.5, 1, 1, 2],
    )[0]
    tilt = rng.uniform(*tilts)
    if kind == "east_west":
        share = rng.uniform(0.4, 0.6)
        return [
            Roof(dc_kwp * share, tilt, 90.0 + rng.uniform(-15, 15)),
            Roof(dc_kwp * (1 - share), tilt, 270.0 + rng.uniform(-15, 15)),
        ]
    azimuth = {
        "equator": equator + rng.uniform(-20, 20),
        "east": 90.0 + rng.uniform(-20, 20),
        "west": 270.0 + rng.uniform(-20, 20),
        "north": (equator + 180.0 + rng.uniform(-20, 20)) % 360,  # facing the pole
        "flat": 180.0,
        "any": rng.uniform(0, 360),
    }[kind]
    if kind == "flat":
        tilt = rng.uniform(0, 5)
    return [Roof(dc_kwp, tilt, azimuth % 360)]


def _places(rng: random.Random, variant: Variant) -> list[tuple[float, float, bool]]:
    spread = variant.cluster_km
    places = [
        (rng.gauss(0, spread), rng.gauss(0, spread), False) for _ in range(variant.per_region)
    ]
    n = variant.isolated_per_region
    k = 0
    while k < n:
        # on a ring 150-400 km out, spread around it: no peer within 50 km
        angle = 2 * math.pi * (k + rng.uniform(0.2, 0.8)) / n
        radius = rng.uniform(150, 400)
        x, y = radius * math.cos(angle), radius * math.sin(angle)
        places.append((x, y, True))
        k += 1
        if variant.isolated_pairs and k % 2 == 0 and k < n:
            # a lone pair: one neighbour 0.5-2 km away
            places.append((x + rng.uniform(-1.5, 1.5), y + rng.uniform(-1.5, 1.5), True))
            k += 1
    return places


def build_sites(seed: int, variant: Variant = VARIANT_A) -> list[Site]:
    rng = random.Random(seed)
    sites = []
    vendors = ("solaredge", "enphase", "apsystems")
    for region in variant.regions:
        lat0, lon0 = region.latitude, region.longitude
        hemisphere = 1 if lat0 >= 0 else -1
        for i, (x, y, isolated) in enumerate(_places(rng, variant)):
            vendor = vendors[rng.randrange(3)]
            dc = round(rng.uniform(*variant.kwp), 2)
            dc_ac = rng.choice(variant.dc_ac)
            lat = lat0 + y / 111.0
            lon = lon0 + x / (111.0 * math.cos(math.radians(lat0)))
            site = Site(
                ref=f"{region.name[:3].upper()}{i:03d}",
                region=region.name,
                vendor=vendor,
                latitude=round(lat, 5),
                longitude=round(lon, 5),
                timezone=region.timezone,
                ac_w=round(dc * 1000 / dc_ac),
                roofs=_roofs(rng, dc, hemisphere, variant.tilt),
                losses=rng.uniform(*variant.losses),
                gamma=rng.uniform(-0.0045, -0.003),
                eta_inv=rng.uniform(0.955, 0.975),
                mount=rng.choice(["open_rack_glass_polymer", "close_mount_glass_glass"]),
                devices_total=(rng.randint(8, 30) if vendor in ("enphase", "apsystems") else None),
                has_meter=vendor == "enphase"
                and rng.random() < 0.4
                or vendor == "solaredge"
                and rng.random() < 0.2,
                isolated=isolated,
                x_km=x,
                y_km=y,
                region_longitude=lon0,
            )
            if site.has_meter and variant.unflagged_meter_share:
                site.meter_flagged = rng.random() >= variant.unflagged_meter_share
            sites.append(site)
    return sites


# weather: (base clear-sky index, spread of the waves, wave length km, drift km/h)
SKIES = {
    "clear": (1.0, 0.02, (5, 40), (15, 50)),
    "clouds": (0.68, 0.38, (5, 40), (15, 50)),
    "overcast": (0.32, 0.08, (5, 40), (15, 50)),
    "heavy_overcast": (0.13, 0.04, (5, 40), (15, 50)),
    "clearing": (0.45, 0.2, (5, 40), (15, 50)),
    # b: small fast cumulus, sun and deep shade within minutes
    "broken": (0.62, 0.5, (1.5, 8), (40, 90)),
    # b: dust or smoke: a dim, even sky, most light diffuse
    "haze": (0.72, 0.05, (20, 60), (5, 20)),
    # b: a clear morning and a thunderstorm from early afternoon
    "storm": (0.5, 0.15, (5, 30), (20, 60)),
}


class CloudField:
    """Clear-sky index over a region and a day: a base level plus moving
    waves (5-40 km long, drifting 15-50 km/h), so neighbours see different
    clouds at the same moment and the same clouds a little later."""

    def __init__(self, rng: random.Random, weather: str):
        self.weather = weather
        base, spread, lengths, speeds = SKIES[weather]
        self.base, self.spread = base, spread
        speed = rng.uniform(*speeds)
        heading = rng.uniform(0, 2 * math.pi)
        self.v = (speed * math.cos(heading), speed * math.sin(heading))
        self.waves = []
        for _ in range(6):
            length = rng.uniform(*lengths)
            angle = rng.uniform(0, 2 * math.pi)
            k = 2 * math.pi / length
            self.waves.append((k * math.cos(angle), k * math.sin(angle), rng.uniform(0, 6.3)))

    def kc(self, x: float, y: float, hours: np.ndarray) -> np.ndarray:
        """`hours`: local hours since midnight."""
        total = np.zeros_like(hours)
        for kx, ky, phase in self.waves:
            px = x - self.v[0] * hours
            py = y - self.v[1] * hours
            total += np.sin(kx * px + ky * py + phase)
        wave = total / math.sqrt(len(self.waves) / 2)  # about unit variance
        base = self.base
        if self.weather == "clearing":
            base = 0.25 + 0.75 * np.clip((hours - 9) / 6, 0, 1)
        elif self.weather == "storm":
            base = 1.0 - 0.85 * np.clip((hours - 12.5) / 2, 0, 1)
        kc = base + self.spread * wave
        if self.weather in ("clouds", "broken"):
            # broken clouds: mostly sun with deep shadows, brief enhancement
            kc = np.where(kc > 0.85, np.minimum(kc, 1.12), kc)
        # a cumulus shadow still gets the light of the clouds around it; only
        # a heavy overcast is really dark
        floor = {"clouds": 0.2, "broken": 0.2, "clearing": 0.15, "overcast": 0.1}.get(
            self.weather, 0.05
        )
        return np.clip(kc, floor, 1.15)


def _series(
    site: Site,
    day: date,
    cloud: CloudField,
    temps: dict,
    rng: random.Random,
    decomposition: str = "boland",
):
    """AC power every STEP_MIN minutes of the local day, and the times."""
    tz = ZoneInfo(site.timezone)
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    times = pd.date_range(start, periods=24 * 60 // STEP_MIN + 1, freq=f"{STEP_MIN}min")
    loc = location.Location(site.latitude, site.longitude, tz=site.timezone)
    solpos = loc.get_solarposition(times)
    cs = loc.get_clearsky(times, model="ineichen", solar_position=solpos)
    hours = np.asarray((times - times[0]).total_seconds() / 3600.0)
    kc = cloud.kc(site.x_km, site.y_km, hours)
    ghi = cs["ghi"].to_numpy() * kc
    zenith = solpos["apparent_zenith"].to_numpy()
    if decomposition == "dirindex":
        dni = irradiance.dirindex(
            pd.Series(ghi, index=times), cs["ghi"], cs["dni"], solpos["apparent_zenith"], times
        )
        dni = np.asarray(dni, dtype=float)
        # undefined with the sun at the horizon (NaN, or a division by a zero
        # clear sky): no beam there; never more than the clear-sky beam allows
        dni = np.where(np.isfinite(dni), dni, 0.0)
        dni = np.clip(dni, 0.0, 1.15 * cs["dni"].to_numpy())
        cos_z = np.clip(np.cos(np.radians(zenith)), 0, None)
        dhi = np.clip(ghi - dni * cos_z, 0, None)
    else:
        split = irradiance.boland(ghi, zenith, times)
        dni = np.nan_to_num(split["dni"].to_numpy())
        dhi = np.nan_to_num(split["dhi"].to_numpy())
    dni_extra = irradiance.get_extra_radiation(times).to_numpy()
    airmass = (
        location.Location(site.latitude, site.longitude)
        .get_airmass(times, solar_position=solpos)["airmass_relative"]
        .to_numpy()
    )
    air = temps[day.month] + rng.uniform(-4, 4) + 6 * np.sin(np.pi * np.clip(hours - 6, 0, 12) / 12)
    wind = rng.uniform(0.5, 5)
    params = temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][site.mount]
    dc = np.zeros(len(times))
    for roof in site.roofs:
        poa = irradiance.get_total_irradiance(
            roof.tilt,
            roof.azimuth,
            solpos["apparent_zenith"].to_numpy(),
            solpos["azimuth"].to_numpy(),
            dni,
            ghi,
            dhi,
            dni_extra=dni_extra,
            airmass=np.nan_to_num(airmass, nan=40.0),
            albedo=0.2,
            model="perez",
        )
        aoi = irradiance.aoi(
            roof.tilt, roof.azimuth, solpos["apparent_zenith"].to_numpy(), solpos["azimuth"]
        )
        beam = np.nan_to_num(np.asarray(poa["poa_direct"])) * np.nan_to_num(
            np.asarray(iam.physical(np.asarray(aoi)))
        )
        effective = np.clip(beam + np.nan_to_num(np.asarray(poa["poa_diffuse"])), 0, None)
        cell = temperature.sapm_cell(effective, air, wind, **params)
        dc += np.asarray(pvsystem.pvwatts_dc(effective, cell, roof.dc_kwp * 1000, site.gamma))
    dc *= 1 - site.losses
    ac = np.asarray(inverter.pvwatts(dc, site.ac_w / site.eta_inv, site.eta_inv))
    ac = np.clip(np.nan_to_num(ac), 0, site.ac_w)
    elevation = 90 - solpos["apparent_zenith"].to_numpy()
    return times, ac, elevation


def _assign_faults(
    rng: random.Random, sites: list[Site], day: date, share: float, variant: Variant = VARIANT_A
) -> None:
    for site in sites:
        if rng.random() >= share:
            site.faults[day] = (None, {})
            continue
        kinds = [k for k in FAULTS if k != "string_mlpe_fault" or site.devices_total]
        if not site.has_meter:
            # a meter fault needs a meter
            kinds = [k for k in kinds if k != "meter_fault"]
        kind = rng.choice(kinds)
        detail: dict = {}
        if kind == "inverter_fault":
            detail["since_h"] = rng.choice([0.0, rng.uniform(6, 14)])
        elif kind == "comms_loss":
            detail["since_h"] = rng.uniform(5, 13)
        elif kind == "string_mlpe_fault":
            down = rng.randint(1, max(1, site.devices_total // 2))
            detail["down"] = down
            detail["since_h"] = rng.choice([0.0, rng.uniform(6, 13)])
        elif kind == "underperformance":
            detail["factor"] = rng.uniform(*variant.underperformance)
            if variant.underperformance_profiles:
                # soiling or degradation all day, or a new obstruction that
                # shades the morning or the afternoon (solar time)
                detail["profile"] = rng.choice(["uniform", "uniform", "morning", "afternoon"])
        elif kind == "meter_fault":
            modes = ["silent", "high", "low"] if site.meter_flagged else ["high", "low"]
            detail["mode"] = rng.choice(modes)
            high = detail["mode"] == "high"
            detail["factor"] = rng.uniform(1.4, 10) if high else rng.uniform(0, 0.6)
        elif kind == "configuration_issue":
            detail["mode"] = rng.choice(["capacity", "no_data"])
            if len(variant.capacity_typo) > 1:
                detail["typo"] = rng.choice(variant.capacity_typo)
        site.faults[day] = (kind, detail)


def generate(seed: int | None = None, fault_share: float = 0.3, variant: str = "a") -> list[Check]:
    """The labelled checks of fleet `variant` ("a" or "b"), each with its
    own default seed (14 and 2041)."""
    fleet = VARIANTS[variant]
    seed = fleet.seed if seed is None else seed
    rng = random.Random(seed)
    sites = build_sites(seed, fleet)
    checks: list[Check] = []
    for day in fleet.days:
        _assign_faults(rng, sites, day, fault_share, fleet)
        clouds = {r.name: CloudField(rng, rng.choice(fleet.weather)) for r in fleet.regions}
        temps = {r.name: r.temps for r in fleet.regions}
        for site in sites:
            times, ac, elevation = _series(
                site, day, clouds[site.region], temps[site.region], rng, fleet.decomposition
            )
            checks.extend(_checks(rng, site, day, times, ac, elevation, fleet))
    return checks


def _array(roof: Roof) -> dict:
    return {
        "dc_kwp": round(roof.dc_kwp, 3),
        "tilt": round(roof.tilt, 1),
        "azimuth": round(roof.azimuth, 1),
    }


def _underperformance(site: Site, detail: dict, times: pd.DatetimeIndex, ac: np.ndarray):
    """The faulty site's power: a share of normal all day, or only while an
    obstruction shades it (before or after solar noon)."""
    profile = detail.get("profile", "uniform")
    if profile == "uniform":
        return ac * detail["factor"]
    hours = np.asarray((times - times[0]).total_seconds() / 3600.0)
    # local clock to mean solar time (the day's offset at noon is enough)
    offset_h = times[len(times) // 2].utcoffset().total_seconds() / 3600.0
    solar = hours - offset_h + site.longitude / 15.0
    shaded = solar < 12.0 if profile == "morning" else solar >= 12.0
    return np.where(shaded, ac * detail["factor"], ac)


def _checks(rng, site, day, times, ac, elevation, variant=VARIANT_A):  # noqa: C901 - one branch per fault kind
    kind, detail = site.faults[day]
    hours = np.asarray((times - times[0]).total_seconds() / 3600.0)
    power = ac.copy()
    reporting = site.devices_total
    if kind == "underperformance":
        power = _underperformance(site, detail, times, power)
    elif kind == "string_mlpe_fault":
        active = hours >= detail["since_h"]
        power = np.where(active, power * (1 - detail["down"] / site.devices_total), power)
    elif kind == "inverter_fault":
        power = np.where(hours >= detail["since_h"], 0.0, power)
    step_h = STEP_MIN / 60
    energy = np.concatenate([[0.0], np.cumsum((power[1:] + power[:-1]) / 2 * step_h)])
    healthy_energy = np.concatenate([[0.0], np.cumsum((ac[1:] + ac[:-1]) / 2 * step_h)])
    out = []
    for solar_hour in variant.solar_hours:
        # the region's local mean solar time to clock time: one instant per
        # region, so that neighbours are checked together
        utc_hour = solar_hour - site.region_longitude / 15.0
        start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        at = start + timedelta(hours=utc_hour)
        local = at.astimezone(ZoneInfo(site.timezone))
        if local.date() != day:
            continue
        h = (local - times[0].to_pydatetime()).total_seconds() / 3600
        lag = rng.uniform(0, variant.max_lag_min) / 60  # the last upload, up to ~15 minutes ago
        seen_h = max(h - lag, 0.0)
        label = "healthy"
        if kind == "comms_loss" and h >= detail["since_h"]:
            seen_h = detail["since_h"]
            # judged once silent for 1.5 h of daylight; before that, not scored
            label = "comms_loss" if h - detail["since_h"] >= 1.5 else "skip"
        elif kind in ("inverter_fault", "string_mlpe_fault") and h >= detail["since_h"]:
            # a fault that began less than 20 minutes ago may not show yet
            label = kind if h - detail["since_h"] >= 1 / 3 else "skip"
        elif kind in ("underperformance", "meter_fault", "configuration_issue"):
            label = kind
        i = min(int(round(seen_h * 60 / STEP_MIN)), len(times) - 1)
        p, e = float(power[i]), float(energy[i])
        if kind == "underperformance" and variant.underperformance_profiles:
            # labelled by its effect: today's energy at most 60 % of normal
            normal = float(healthy_energy[i])
            if normal <= 0 or e > 0.6 * normal:
                label = "skip"
        devices_reporting = reporting
        if kind == "string_mlpe_fault" and seen_h >= detail["since_h"]:
            devices_reporting = site.devices_total - detail["down"]
        if kind == "inverter_fault" and seen_h >= detail["since_h"] and site.devices_total:
            devices_reporting = 0
        reading = {
            "site": site.ref,
            "account": f"{site.vendor}-{site.region}",
            "vendor": site.vendor,
            "latitude": site.latitude,
            "longitude": site.longitude,
            "timezone": site.timezone,
            "capacity_w": float(site.ac_w),
            "last_report_at": (times[0].to_pydatetime() + timedelta(hours=seen_h)).isoformat(),
            "power_w": round(p, 1),
            "energy_today_wh": round(e, 1),
            "arrays": [_array(r) for r in site.roofs],
        }
        if site.devices_total:
            reading["devices_total"] = site.devices_total
            reading["devices_reporting"] = devices_reporting
        if site.has_meter:
            if site.meter_flagged:
                reading["meter_expected"] = True
            reading["meter_energy_today_wh"] = round(e * rng.uniform(0.97, 1.03), 1)
        if kind == "meter_fault":
            reading["meter_energy_today_wh"] = (
                None if detail["mode"] == "silent" else round(e * detail["factor"], 1)
            )
        if kind == "configuration_issue":
            if detail["mode"] == "capacity":
                reading["capacity_w"] = round(site.ac_w / detail.get("typo", 10.0), 1)
            else:
                reading["power_w"] = reading["energy_today_wh"] = None
        if kind == "meter_fault" and e < 0.1 * sum(r.dc_kwp for r in site.roofs) * 1000:
            # too little energy yet for a meter to disagree visibly
            label = "skip" if label == "meter_fault" else label
        elev = float(np.interp(h, hours, elevation))
        out.append(Check(at, site, label, reading, elev))
    return out
