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

# (name, latitude, longitude, IANA zone, {month: typical air temperature °C})
REGIONS = [
    ("Munich", 48.14, 11.58, "Europe/Berlin", {3: 8, 6: 24, 9: 19, 12: 2}),
    ("Madrid", 40.42, -3.70, "Europe/Madrid", {3: 16, 6: 31, 9: 26, 12: 10}),
    ("Phoenix", 33.45, -112.07, "America/Phoenix", {3: 25, 6: 40, 9: 36, 12: 19}),
    ("Sydney", -33.87, 151.21, "Australia/Sydney", {3: 25, 6: 17, 9: 19, 12: 25}),
    ("Cape Town", -33.92, 18.42, "Africa/Johannesburg", {3: 25, 6: 17, 9: 18, 12: 25}),
    ("Tromsø", 69.65, 18.96, "Europe/Oslo", {3: -3, 6: 12, 9: 8, 12: -4}),
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


@dataclass
class Check:
    """One site at one instant: the reading a vendor would give, and the truth."""

    at: datetime
    site: Site
    label: str  # a fault kind, "healthy", or "skip" (a fault starting: not scored)
    reading: dict
    elevation: float


def _roofs(rng: random.Random, dc_kwp: float, hemisphere: int) -> list[Roof]:
    equator = 180.0 if hemisphere > 0 else 0.0
    kind = rng.choices(
        ["equator", "east_west", "east", "west", "north", "flat", "any"],
        weights=[3, 2, 1.5, 1.5, 1, 1, 2],
    )[0]
    tilt = rng.uniform(10, 40)
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


def build_sites(seed: int, per_region: int = 70, isolated_per_region: int = 8) -> list[Site]:
    rng = random.Random(seed)
    sites = []
    vendors = ("solaredge", "enphase", "apsystems")
    for name, lat0, lon0, tz, _temps in REGIONS:
        hemisphere = 1 if lat0 >= 0 else -1
        places = [(rng.gauss(0, 12), rng.gauss(0, 12), False) for _ in range(per_region)]
        for k in range(isolated_per_region):
            # on a ring 150-400 km out, spread around it: no peer within 50 km
            angle = 2 * math.pi * (k + rng.uniform(0.2, 0.8)) / isolated_per_region
            radius = rng.uniform(150, 400)
            places.append((radius * math.cos(angle), radius * math.sin(angle), True))
        for i, (x, y, isolated) in enumerate(places):
            vendor = vendors[rng.randrange(3)]
            dc = round(rng.uniform(3, 15), 2)
            dc_ac = rng.choice([1.0, 1.0, 1.1, 1.2, 1.3, 1.5])
            lat = lat0 + y / 111.0
            lon = lon0 + x / (111.0 * math.cos(math.radians(lat0)))
            sites.append(
                Site(
                    ref=f"{name[:3].upper()}{i:03d}",
                    region=name,
                    vendor=vendor,
                    latitude=round(lat, 5),
                    longitude=round(lon, 5),
                    timezone=tz,
                    ac_w=round(dc * 1000 / dc_ac),
                    roofs=_roofs(rng, dc, hemisphere),
                    losses=rng.uniform(0.08, 0.18),
                    gamma=rng.uniform(-0.0045, -0.003),
                    eta_inv=rng.uniform(0.955, 0.975),
                    mount=rng.choice(["open_rack_glass_polymer", "close_mount_glass_glass"]),
                    devices_total=(
                        rng.randint(8, 30) if vendor in ("enphase", "apsystems") else None
                    ),
                    has_meter=vendor == "enphase"
                    and rng.random() < 0.4
                    or vendor == "solaredge"
                    and rng.random() < 0.2,
                    isolated=isolated,
                    x_km=x,
                    y_km=y,
                )
            )
    return sites


class CloudField:
    """Clear-sky index over a region and a day: a base level plus moving
    waves (5-40 km long, drifting 15-50 km/h), so neighbours see different
    clouds at the same moment and the same clouds a little later."""

    def __init__(self, rng: random.Random, weather: str):
        self.weather = weather
        base, spread = {
            "clear": (1.0, 0.02),
            "clouds": (0.68, 0.38),
            "overcast": (0.32, 0.08),
            "heavy_overcast": (0.13, 0.04),
            "clearing": (0.45, 0.2),
        }[weather]
        self.base, self.spread = base, spread
        speed = rng.uniform(15, 50)
        heading = rng.uniform(0, 2 * math.pi)
        self.v = (speed * math.cos(heading), speed * math.sin(heading))
        self.waves = []
        for _ in range(6):
            length = rng.uniform(5, 40)
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
        kc = base + self.spread * wave
        if self.weather == "clouds":
            # broken clouds: mostly sun with deep shadows, brief enhancement
            kc = np.where(kc > 0.85, np.minimum(kc, 1.12), kc)
        # a cumulus shadow still gets the light of the clouds around it; only
        # a heavy overcast is really dark
        floor = {"clouds": 0.2, "clearing": 0.15, "overcast": 0.1}.get(self.weather, 0.05)
        return np.clip(kc, floor, 1.15)


def _series(site: Site, day: date, cloud: CloudField, temps: dict, rng: random.Random):
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


def _assign_faults(rng: random.Random, sites: list[Site], day: date, share: float) -> None:
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
            detail["factor"] = rng.uniform(0.25, 0.58)
        elif kind == "meter_fault":
            detail["mode"] = rng.choice(["silent", "high", "low"])
            high = detail["mode"] == "high"
            detail["factor"] = rng.uniform(1.4, 10) if high else rng.uniform(0, 0.6)
        elif kind == "configuration_issue":
            detail["mode"] = rng.choice(["capacity", "no_data"])
        site.faults[day] = (kind, detail)


def generate(seed: int = 14, fault_share: float = 0.3) -> list[Check]:
    rng = random.Random(seed)
    sites = build_sites(seed)
    checks: list[Check] = []
    for day in DAYS:
        _assign_faults(rng, sites, day, fault_share)
        clouds = {name: CloudField(rng, rng.choice(WEATHER)) for name, *_ in REGIONS}
        temps = {name: t for name, _a, _b, _c, t in REGIONS}
        for site in sites:
            times, ac, elevation = _series(site, day, clouds[site.region], temps[site.region], rng)
            checks.extend(_checks(rng, site, day, times, ac, elevation))
    return checks


def _array(roof: Roof) -> dict:
    return {
        "dc_kwp": round(roof.dc_kwp, 3),
        "tilt": round(roof.tilt, 1),
        "azimuth": round(roof.azimuth, 1),
    }


def _checks(rng, site, day, times, ac, elevation):  # noqa: C901 - one branch per fault kind
    kind, detail = site.faults[day]
    hours = np.asarray((times - times[0]).total_seconds() / 3600.0)
    power = ac.copy()
    reporting = site.devices_total
    if kind == "underperformance":
        power = power * detail["factor"]
    elif kind == "string_mlpe_fault":
        active = hours >= detail["since_h"]
        power = np.where(active, power * (1 - detail["down"] / site.devices_total), power)
    elif kind == "inverter_fault":
        power = np.where(hours >= detail["since_h"], 0.0, power)
    step_h = STEP_MIN / 60
    energy = np.concatenate([[0.0], np.cumsum((power[1:] + power[:-1]) / 2 * step_h)])
    out = []
    for solar_hour in SOLAR_HOURS:
        # the region's local mean solar time to clock time: one instant per
        # region, so that neighbours are checked together
        region_lon = next(r[2] for r in REGIONS if r[0] == site.region)
        utc_hour = solar_hour - region_lon / 15.0
        start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        at = start + timedelta(hours=utc_hour)
        local = at.astimezone(ZoneInfo(site.timezone))
        if local.date() != day:
            continue
        h = (local - times[0].to_pydatetime()).total_seconds() / 3600
        lag = rng.uniform(0, 14) / 60  # the last upload, up to 14 minutes ago
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
            reading["meter_expected"] = True
            reading["meter_energy_today_wh"] = round(e * rng.uniform(0.97, 1.03), 1)
        if kind == "meter_fault":
            reading["meter_energy_today_wh"] = (
                None if detail["mode"] == "silent" else round(e * detail["factor"], 1)
            )
        if kind == "configuration_issue":
            if detail["mode"] == "capacity":
                reading["capacity_w"] = round(site.ac_w / 10.0, 1)
            else:
                reading["power_w"] = reading["energy_today_wh"] = None
        if kind == "meter_fault" and e < 0.1 * sum(r.dc_kwp for r in site.roofs) * 1000:
            # too little energy yet for a meter to disagree visibly
            label = "skip" if label == "meter_fault" else label
        elev = float(np.interp(h, hours, elevation))
        out.append(Check(at, site, label, reading, elev))
    return out
