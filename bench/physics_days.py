"""A seeded, labelled multi-day fleet from pvlib physics, for the days
benchmark (`bench/days_benchmark.py`, input of `python -m solar_om_engine
days FLEET.json`).

Written apart from the engine on purpose, like `bench/physics_fleet.py`
(the one-instant fleet), and on yet another physics path: solar position by
NREL SPA (`nrel_numpy`), Ineichen clear sky with a Linke turbidity per
region, month and day (hazy days raise it), a sky built from cloud fields
rather than from a clear-sky index split by a decomposition model (the beam
is the clear-sky beam where the sun is not behind a cloud; the diffuse light
is the clear sky's where the sky is clear plus the cloud deck's own
transmittance where it is not, and cumulus edges brighten it), Perez
transposition, Fresnel (physical) angle-of-incidence loss on the beam, SAPM
cell temperature with a daily temperature curve and a random wind, PVWatts
DC with a per-site temperature coefficient, and inverters clipping at their
AC rating: one string inverter (SolarEdge) or one microinverter per module
or pair/quad of modules (Enphase, APsystems), each with its own rating.

What a vendor would report is all the engine sees: each site's local day as
a series of average powers (every 15 minutes for SolarEdge and APsystems,
every 5 minutes for Enphase, local midnight to midnight), and for a share of
the microinverter sites each device's energy of the day. Everything else
below is truth the engine cannot know.

Regions (a cluster of sites within ~10 km of a city, rural sites 20-70 km
out, and isolated ones 150-400 km away): Phoenix, Denver (1,600 m), Munich,
Madrid, Edinburgh (56 N), Sydney, Adelaide (UTC+9:30, a half-hour zone),
Delhi (UTC+5:30, smog), Nairobi (the equator, 1,700 m) and Santiago.
Periods of 21 consecutive days in two seasons: "jun" (1-21 June 2026:
northern summer, southern winter) and "nov" (9-29 November 2026); neither
crosses a daylight-saving change in any region, so every local day has
exactly 24 hours (1440 / step values).

Skies, per region and day, from a Markov chain per region and season (so
cloudy days come in runs): clear (sometimes thin cirrus), haze (turbidity
+1.5 to +4: dimmer, mostly diffuse), fair-weather cumulus building towards
the afternoon, broken fast cumulus, overcast, heavy overcast (rain), a front
passing (warm: fair then overcast; cold: overcast then broken then clear;
the line crosses the cluster over an hour or two, so neighbours change sky
at different times), a clearing morning (fog or stratus burning off, earlier
on one side of the cluster), and afternoon storms (convective cells 4-10 km
in radius born after noon, moving with the wind: one site under a storm while
its neighbour 8 km away is in the sun). Cumulus is a moving random field
(sum of advected, evolving waves 1-25 km long) thresholded at the sky's
cover, sampled every minute and averaged per 5 minutes, so nearby sites see
the same clouds a little later.

Per-site nuisance the engine cannot know: system losses 5-22 %, temperature
coefficient -0.26 to -0.45 %/K, inverter efficiency 95-97.5 %, DC/AC up to
1.5 (clipping), the entered arrays a little wrong (tilt by a few degrees,
azimuth by up to ~15 degrees, kWp by up to 5 %; one site in ten more),
roofs in every direction (equator-facing, east, west, east/west splits,
pole-facing, flat and flat with 10 degree east/west racks), a tree or a
chimney shading some modules in the morning, the afternoon or at noon on
about one healthy site in eight (for microinverter sites: only the devices
under the obstacle), module mismatch of +-3 % between microinverters.

Data as vendors give it: nights are null for SolarEdge (the inverter sleeps
and `/power` gives null, as in the reference example) and for Enphase
systems read from the microinverters (no intervals while the micros, powered
by their modules, sleep); zero for APsystems (the ECU keeps reporting, as in
the reference example); and a small negative standby reading (-1 to -4 W)
for Enphase systems read from a production meter, whose CT measures all
night. Healthy sites also have data gaps in daylight: a short one (15-60
min) on ~5 % of site-days, one of 1-2.5 h on ~1 %, and once per period one
vendor's sites of one region lose the same 45-90 minutes. The device
energies of a day still sum to the day's energy through a gap (the devices
count on), and are missing on ~1 % of days (the device call failed).

Faults, one at most per site and period (about a third of the sites), each
with an onset day (and time when it starts during the day; `onset_time` is
null for a fault there from midnight):
- underperformance: the DC falls to a constant share from the onset (cause
  "step": a new obstruction, hail, a failed bypass diode) so that the site
  makes 0.45-0.72 of what its healthy twin makes over its fault days (the
  share is lowered until the measured energy ratio is at most 0.72, so
  clipping cannot hide it); or soiling building up over 5-12 days to
  0.45-0.62 (cause "soiling"): its onset is the first day the soiling factor
  is at most 0.72, the days before with a factor below 1 are "ramp" days
  (not healthy, not yet faulty);
- string_mlpe_fault: on sites with device energies, 1 to a quarter of the
  microinverters dead (0 Wh from the onset; on a mid-day onset day, what
  they made until then);
  on microinverter sites without device data, a branch circuit of 30-50 %
  of the micros dead; on SolarEdge sites (no device data), one of 2-3
  strings dead (the site makes 0.33-0.67 of normal). The last two can only
  be seen as a shortfall: a verdict of underperformance is an acceptable
  name for them (`accept` in the labels);
- inverter_fault (Zero Production): from the onset time (35 % from
  midnight, else between 09:30 and 15:00) the site reports 0 W in daylight
  (or its standby reading), its devices 0 Wh;
- comms_loss: every value null from the onset time on, day and night, and
  no device energies from the onset day on.
About 40 % of them are repaired on a later day (`repair_date`, with a time
when a technician came during the day; soiling is washed off overnight):
from then on the site is healthy again, its data back.

Every fault site has a healthy twin (the same physics without the fault):
the labels give each site-day's true energy, the twin's, and their ratio.

    python bench/physics_days.py --out /tmp/days-fleet             # both periods
    python bench/physics_days.py --out /tmp/days-fleet --sites 60 --period jun
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from pvlib import atmosphere, clearsky, iam, inverter, irradiance, pvsystem, solarposition
from pvlib import temperature as pvtemp
from scipy.special import ndtri

SEED = 2607
STEP_MIN = 5  # the physics' step; vendors' steps are 5 or 15 minutes
SUB = 5  # cloud samples per step (every minute)
STEPS_PER_DAY = 24 * 60 // STEP_MIN
# the share of normal that makes a fault "underperformance"
UNDERPERFORMANCE_MAX = 0.72
# below this soiling factor a ramp day is no longer "healthy" for the scorer
RAMP_HEALTHY_MIN = 0.85


@dataclass(frozen=True)
class Region:
    name: str
    code: str
    latitude: float
    longitude: float
    timezone: str
    altitude: float
    # {month: (night low, afternoon high) °C}
    temps: dict
    # {month: Linke turbidity of a clear day}
    linke: dict
    # {period: (chance that tomorrow's sky is today's, {sky: weight})}
    skies: dict


@dataclass(frozen=True)
class Period:
    name: str
    start: date
    days: int = 21

    @property
    def month(self) -> int:
        return self.start.month

    @property
    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


PERIODS = {
    "jun": Period("jun", date(2026, 6, 1)),
    "nov": Period("nov", date(2026, 11, 9)),
}


def _w(**weights) -> dict:
    return weights


REGIONS = (
    Region(
        "Phoenix",
        "PHX",
        33.45,
        -112.07,
        "America/Phoenix",
        340,
        {6: (25, 41), 11: (11, 25)},
        {6: 3.2, 11: 2.6},
        {
            "jun": (0.7, _w(clear=0.72, haze=0.12, fair=0.06, storm=0.06, broken=0.04)),
            "nov": (
                0.6,
                _w(clear=0.62, fair=0.1, broken=0.07, overcast=0.06, front=0.07, haze=0.08),
            ),
        },
    ),
    Region(
        "Denver",
        "DEN",
        39.74,
        -104.99,
        "America/Denver",
        1610,
        {6: (14, 29), 11: (-3, 11)},
        {6: 2.8, 11: 2.2},
        {
            "jun": (0.5, _w(clear=0.3, fair=0.2, storm=0.32, broken=0.1, front=0.08)),
            "nov": (
                0.5,
                _w(clear=0.45, front=0.18, overcast=0.12, broken=0.1, heavy=0.07, fair=0.08),
            ),
        },
    ),
    Region(
        "Munich",
        "MUC",
        48.14,
        11.58,
        "Europe/Berlin",
        520,
        {6: (12, 23), 11: (0, 8)},
        {6: 3.6, 11: 2.8},
        {
            "jun": (
                0.55,
                _w(
                    clear=0.16,
                    fair=0.22,
                    broken=0.14,
                    overcast=0.14,
                    heavy=0.06,
                    front=0.1,
                    storm=0.12,
                    clearing=0.06,
                ),
            ),
            "nov": (
                0.65,
                _w(
                    overcast=0.34,
                    heavy=0.14,
                    clearing=0.2,
                    clear=0.1,
                    front=0.1,
                    fair=0.05,
                    haze=0.07,
                ),
            ),
        },
    ),
    Region(
        "Madrid",
        "MAD",
        40.42,
        -3.70,
        "Europe/Madrid",
        660,
        {6: (17, 31), 11: (5, 15)},
        {6: 3.6, 11: 2.9},
        {
            "jun": (0.65, _w(clear=0.58, fair=0.18, storm=0.1, haze=0.1, broken=0.04)),
            "nov": (
                0.55,
                _w(clear=0.3, fair=0.18, overcast=0.2, front=0.14, heavy=0.06, clearing=0.12),
            ),
        },
    ),
    Region(
        "Edinburgh",
        "EDI",
        55.95,
        -3.19,
        "Europe/London",
        50,
        {6: (9, 17), 11: (3, 9)},
        {6: 3.0, 11: 2.6},
        {
            "jun": (
                0.5,
                _w(overcast=0.28, fair=0.2, broken=0.24, front=0.14, clear=0.1, heavy=0.04),
            ),
            "nov": (
                0.55,
                _w(overcast=0.36, heavy=0.18, broken=0.16, front=0.16, clear=0.1, clearing=0.04),
            ),
        },
    ),
    Region(
        "Sydney",
        "SYD",
        -33.87,
        151.21,
        "Australia/Sydney",
        40,
        {6: (9, 17), 11: (16, 25)},
        {6: 2.6, 11: 3.2},
        {
            "jun": (
                0.55,
                _w(clear=0.4, fair=0.18, front=0.1, overcast=0.15, heavy=0.1, clearing=0.07),
            ),
            "nov": (0.5, _w(fair=0.28, storm=0.2, clear=0.25, overcast=0.15, front=0.12)),
        },
    ),
    Region(
        "Adelaide",
        "ADL",
        -34.93,
        138.60,
        "Australia/Adelaide",
        50,
        {6: (8, 15), 11: (14, 26)},
        {6: 2.5, 11: 3.0},
        {
            "jun": (0.5, _w(overcast=0.2, front=0.15, fair=0.25, clear=0.3, heavy=0.1)),
            "nov": (0.6, _w(clear=0.48, fair=0.2, front=0.1, haze=0.1, storm=0.12)),
        },
    ),
    Region(
        "Delhi",
        "DEL",
        28.61,
        77.21,
        "Asia/Kolkata",
        215,
        {6: (29, 40), 11: (13, 28)},
        {6: 5.2, 11: 4.8},
        {
            "jun": (0.55, _w(haze=0.45, clear=0.18, storm=0.2, fair=0.12, broken=0.05)),
            "nov": (0.7, _w(haze=0.68, clear=0.2, clearing=0.12)),
        },
    ),
    Region(
        "Nairobi",
        "NBO",
        -1.29,
        36.82,
        "Africa/Nairobi",
        1700,
        {6: (12, 22), 11: (14, 24)},
        {6: 3.5, 11: 3.8},
        {
            "jun": (0.5, _w(fair=0.28, overcast=0.3, clearing=0.22, broken=0.2)),
            "nov": (0.45, _w(storm=0.3, fair=0.28, overcast=0.2, broken=0.22)),
        },
    ),
    Region(
        "Santiago",
        "SCL",
        -33.45,
        -70.67,
        "America/Santiago",
        570,
        {6: (3, 15), 11: (10, 27)},
        {6: 3.0, 11: 3.4},
        {
            "jun": (0.6, _w(clear=0.38, overcast=0.2, front=0.14, heavy=0.1, haze=0.18)),
            "nov": (0.7, _w(clear=0.78, fair=0.1, haze=0.12)),
        },
    ),
)
REGION_BY_NAME = {r.name: r for r in REGIONS}

# sites per region: in the city's cluster, rural (20-70 km out), isolated
PER_REGION = (26, 5, 2)
VENDORS = ("solaredge", "enphase", "apsystems")
VENDOR_WEIGHTS = (0.45, 0.32, 0.23)
# vendors' series steps (minutes)
VENDOR_STEP = {"solaredge": 15, "enphase": 5, "apsystems": 15}
FAULT_SHARE = 0.36
FAULT_WEIGHTS = {
    "underperformance": 0.34,
    "string_mlpe_fault": 0.24,
    "inverter_fault": 0.21,
    "comms_loss": 0.21,
}
REPAIR_SHARE = 0.4


# ---------------------------------------------------------------- sites


@dataclass
class Array:
    dc_kwp: float
    tilt: float
    azimuth: float


@dataclass
class Obstacle:
    """Something casting a shadow on some modules: the sun behind it when
    its azimuth is within `half_width` of `azimuth` and its elevation below
    `top` (a dome: highest in the middle). `share`: the share of the site's
    modules it shades (string sites with optimisers lose that share of the
    beam); micro sites list the devices instead."""

    azimuth: float
    half_width: float
    top: float
    share: float
    devices: list = field(default_factory=list)
    # the share of the sky's diffuse light it takes from the shaded modules
    diffuse_loss: float = 0.1


@dataclass
class Device:
    array: int
    modules: int
    module_w: float
    rating_w: float
    mismatch: float


@dataclass
class Site:
    ref: str
    region: str
    setting: str  # cluster, rural, isolated
    vendor: str
    latitude: float
    longitude: float
    timezone: str
    altitude: float
    x_km: float
    y_km: float
    arrays: list  # the truth
    entered: list  # what the installer entered
    losses: float
    gamma: float
    eta_inv: float
    mount: str
    ac_w: float  # string inverter rating, or the micros' sum
    devices: list  # [Device] for micro sites, [] for string sites
    strings: int
    device_energies: bool
    night: str  # null, zero, standby
    standby_w: float
    step_minutes: int
    connection: str
    account: str
    obstacles: list

    @property
    def dc_w(self) -> float:
        return sum(a.dc_kwp for a in self.arrays) * 1000.0

    @property
    def capacity_w(self) -> float:
        return round(sum(a.dc_kwp for a in self.entered) * 1000.0, 1)


def _roof(rng: random.Random, hemisphere: int, kwp: float, commercial: bool) -> list[Array]:
    equator = 180.0 if hemisphere > 0 else 0.0
    if commercial:
        kind = rng.choice(["flat_ew", "flat", "equator"])
    else:
        kind = rng.choices(
            ["equator", "east_west", "east", "west", "pole", "flat", "flat_ew", "any"],
            weights=[3.2, 2, 1.3, 1.3, 0.6, 0.6, 0.5, 1.5],
        )[0]
    tilt = rng.uniform(12, 45)
    if kind in ("east_west", "flat_ew"):
        share = rng.uniform(0.4, 0.6)
        t = 10.0 if kind == "flat_ew" else tilt
        turn = rng.uniform(-20, 20)
        return [
            Array(kwp * share, t, (90.0 + turn) % 360),
            Array(kwp * (1 - share), t, (270.0 + turn) % 360),
        ]
    if kind == "flat":
        return [Array(kwp, rng.uniform(0, 5), equator)]
    azimuth = {
        "equator": equator + rng.uniform(-25, 25),
        "east": 90.0 + rng.uniform(-25, 25),
        "west": 270.0 + rng.uniform(-25, 25),
        "pole": equator + 180.0 + rng.uniform(-25, 25),
        "any": rng.uniform(0, 360),
    }[kind]
    if kind == "pole":
        tilt = rng.uniform(8, 25)
    return [Array(kwp, tilt, azimuth % 360)]


def _entered(rng: random.Random, arrays: list[Array]) -> list[Array]:
    """What the installer typed: a few degrees and percent off, one site in
    ten more."""
    rough = rng.random() < 0.1
    dt, da, dk = (8.0, 18.0, 0.06) if rough else (3.0, 7.0, 0.03)
    out = []
    for a in arrays:
        tilt = min(max(a.tilt + rng.gauss(0, dt / 2), 0.0), 60.0)
        out.append(
            Array(
                round(a.dc_kwp * (1 + rng.uniform(-dk, dk)), 3),
                round(tilt, 1),
                round((a.azimuth + rng.gauss(0, da / 2)) % 360, 1),
            )
        )
    return out


def _devices(rng: random.Random, site_vendor: str, arrays: list[Array]) -> tuple[list, float]:
    """Microinverters: Enphase one per module (IQ7+/IQ8 family ratings),
    APsystems one per 2 (DS3) or 4 (QT2) modules. Resizes the arrays to
    whole modules; returns the devices and their AC sum."""
    if site_vendor == "enphase":
        module_w, rating, per = rng.choice(
            [(330.0, 290.0, 1), (370.0, 300.0, 1), (400.0, 330.0, 1), (430.0, 366.0, 1)]
        )
    else:
        module_w, rating, per = rng.choice(
            [(410.0, 730.0, 2), (450.0, 880.0, 2), (450.0, 1800.0, 4)]
        )
    devices = []
    for i, a in enumerate(arrays):
        n_dev = max(1, round(a.dc_kwp * 1000 / (module_w * per)))
        a.dc_kwp = n_dev * per * module_w / 1000.0
        for _ in range(n_dev):
            devices.append(Device(i, per, module_w, rating, rng.uniform(0.97, 1.03)))
    # the vendor lists devices by serial number, not by roof
    rng.shuffle(devices)
    return devices, sum(d.rating_w for d in devices)


def _obstacles(rng: random.Random, site: Site, hemisphere: int) -> list[Obstacle]:
    if rng.random() >= 0.13:
        return []
    equator = 180.0 if hemisphere > 0 else 0.0
    kind = rng.choice(["morning_tree", "afternoon_tree", "chimney"])
    if kind == "morning_tree":
        obstacle = Obstacle(rng.uniform(70, 125), rng.uniform(25, 45), rng.uniform(18, 40), 0.0)
    elif kind == "afternoon_tree":
        obstacle = Obstacle(rng.uniform(235, 290), rng.uniform(25, 45), rng.uniform(18, 40), 0.0)
    else:
        obstacle = Obstacle(
            (equator + rng.uniform(-30, 30)) % 360, rng.uniform(8, 15), rng.uniform(25, 60), 0.0
        )
        obstacle.diffuse_loss = 0.04
    share = rng.uniform(0.15, 0.5) if kind == "chimney" else rng.uniform(0.25, 0.7)
    if site.devices:
        # the modules nearest the obstacle: some of one array's
        array = rng.randrange(len(site.arrays))
        under = [i for i, d in enumerate(site.devices) if d.array == array]
        k = max(1, round(share * len(under)))
        obstacle.devices = sorted(rng.sample(under, k))
        obstacle.share = k / len(site.devices)
    else:
        obstacle.share = share
    return [obstacle]


def _place(rng: random.Random, setting: str, k: int, n: int) -> tuple[float, float]:
    if setting == "cluster":
        return rng.gauss(0, 7.0), rng.gauss(0, 7.0)
    if setting == "rural":
        angle = 2 * math.pi * (k + rng.uniform(0.1, 0.9)) / max(n, 1)
        radius = rng.uniform(20, 70)
    else:
        angle = 2 * math.pi * (k + rng.uniform(0.2, 0.8)) / max(n, 1) + 0.7
        radius = rng.uniform(150, 400)
    return radius * math.cos(angle), radius * math.sin(angle)


def per_region_counts(sites: int | None) -> tuple[int, int, int]:
    if not sites:
        return PER_REGION
    per = max(3, round(sites / len(REGIONS)))
    total = sum(PER_REGION)
    cluster = max(2, round(per * PER_REGION[0] / total))
    rural = max(0, round(per * PER_REGION[1] / total))
    isolated = max(0, per - cluster - rural)
    return cluster, rural, isolated


def build_sites(seed: int = SEED, sites: int | None = None, regions=None) -> list[Site]:
    """The fleet's sites (the same in every period); `regions`: keep only
    those (by name), the others' sites unchanged."""
    rng = random.Random(seed)
    counts = per_region_counts(sites)
    out: list[Site] = []
    for region in REGIONS:
        hemisphere = 1 if region.latitude >= 0 else -1
        i = 0
        for setting, n in zip(("cluster", "rural", "isolated"), counts, strict=True):
            for k in range(n):
                i += 1
                x, y = _place(rng, setting, k, n)
                out.append(_site(rng, region, hemisphere, setting, i, x, y))
    if regions is not None:
        out = [s for s in out if s.region in regions]
    return out


def _site(rng, region: Region, hemisphere: int, setting: str, i: int, x: float, y: float) -> Site:
    vendor = rng.choices(VENDORS, weights=VENDOR_WEIGHTS)[0]
    commercial = vendor == "solaredge" and rng.random() < 0.1
    kwp = rng.uniform(20, 60) if commercial else rng.uniform(2.5, 14)
    arrays = _roof(rng, hemisphere, kwp, commercial)
    devices: list = []
    if vendor == "solaredge":
        dc_ac = rng.choice([1.0, 1.05, 1.1, 1.2, 1.3, 1.4, 1.5])
        ac_w = round(sum(a.dc_kwp for a in arrays) * 1000 / dc_ac, -1)
        dc = sum(a.dc_kwp for a in arrays)
        strings = 1 if dc < 4.5 else 2 if dc < 9 else 3
    else:
        devices, ac_w = _devices(rng, vendor, arrays)
        strings = 0
    lat = region.latitude + y / 111.0
    lon = region.longitude + x / (111.0 * math.cos(math.radians(region.latitude)))
    metered = vendor == "enphase" and rng.random() < 0.35
    night = {"solaredge": "null", "apsystems": "zero"}.get(vendor, "standby" if metered else "null")
    site = Site(
        ref=f"{region.code}{i:03d}",
        region=region.name,
        setting=setting,
        vendor=vendor,
        latitude=round(lat, 5),
        longitude=round(lon, 5),
        timezone=region.timezone,
        altitude=region.altitude,
        x_km=x,
        y_km=y,
        arrays=arrays,
        entered=[],
        losses=rng.uniform(0.05, 0.22),
        gamma=rng.uniform(-0.0045, -0.0026),
        eta_inv=rng.uniform(0.95, 0.975),
        mount=rng.choice(
            ["open_rack_glass_polymer", "close_mount_glass_glass", "insulated_back_glass_polymer"]
        ),
        ac_w=float(ac_w),
        devices=devices,
        strings=strings,
        device_energies=bool(devices) and rng.random() < (0.7 if vendor == "apsystems" else 0.6),
        night=night,
        standby_w=round(-rng.uniform(1.0, 4.0), 1) if night == "standby" else 0.0,
        step_minutes=VENDOR_STEP[vendor],
        connection=rng.choices(["ethernet", "wifi", "cellular"], weights=[5, 3.5, 1.5])[0],
        account=f"{region.code.lower()}-{vendor}",
        obstacles=[],
    )
    site.entered = _entered(rng, arrays)
    site.obstacles = _obstacles(rng, site, hemisphere)
    return site


# ---------------------------------------------------------------- skies


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


class Field:
    """A moving, evolving random field of unit variance: a sum of waves
    `lengths` km long, advected by the wind (km/h) and changing phase over
    `lifetime` hours."""

    def __init__(self, rng: random.Random, lengths, wind, lifetime=(0.5, 2.0), n=24):
        self.u, self.v = wind
        lo, hi = math.log(lengths[0]), math.log(lengths[1])
        waves = []
        for _ in range(n):
            length = math.exp(rng.uniform(lo, hi))
            angle = rng.uniform(0, 2 * math.pi)
            k = 2 * math.pi / length
            omega = 2 * math.pi / rng.uniform(*lifetime) * rng.choice((-1, 1)) * 0.25
            waves.append(
                (
                    k * math.cos(angle),
                    k * math.sin(angle),
                    rng.uniform(0, 2 * math.pi),
                    omega,
                    length**0.5,
                )
            )
        norm = math.sqrt(sum(a * a for *_, a in waves) / 2)
        self.waves = [(kx, ky, ph, om, a / norm) for kx, ky, ph, om, a in waves]

    def __call__(self, x: float, y: float, hours: np.ndarray) -> np.ndarray:
        px = x - self.u * hours
        py = y - self.v * hours
        total = np.zeros_like(hours)
        for kx, ky, phase, omega, a in self.waves:
            total += a * np.sin(kx * px + ky * py + phase + omega * hours)
        return total


@dataclass
class SkyState:
    """Along one site's day (every minute): the cloud cover of its sky, the
    share of the sun's disc not behind a cloud, the diffuse and beam
    transmittance of the clouds, and the turbidity added to a clear day."""

    cover: np.ndarray
    sun: np.ndarray
    tdiff: np.ndarray
    tbeam: np.ndarray
    turbidity: np.ndarray
    # how much cumulus sides brighten a broken sky (0 for a deck or cirrus)
    edge: np.ndarray


class Sky:
    """One region's sky for one day (local hours since midnight)."""

    def __init__(self, rng: random.Random, kind: str, seed: int):
        self.kind = kind
        self.seed = seed
        speed = rng.uniform(
            *{"broken": (30, 65), "storm": (15, 40), "front": (20, 50)}.get(kind, (10, 40))
        )
        heading = rng.uniform(0, 2 * math.pi)
        self.wind = (speed * math.cos(heading), speed * math.sin(heading))
        scales = {"broken": (0.8, 8.0), "fair": (1.0, 12.0)}.get(kind, (1.5, 25.0))
        self.cumulus = Field(rng, scales, self.wind, (0.5, 1.5))
        self.texture = Field(rng, (15.0, 80.0), self.wind, (2.0, 6.0), n=12)
        r = rng.uniform
        self.p = {
            "cirrus": r(0, 1) < 0.3,
            "cirrus_cover": r(0.3, 0.8),
            "cirrus_tbeam": r(0.65, 0.88),
            "haze": r(1.5, 4.0),
            "fair_cover": r(0.2, 0.55),
            "fair_peak": r(13, 15.5),
            "broken_cover": r(0.4, 0.75),
            "overcast_tdiff": r(0.22, 0.45),
            "overcast_cover": r(0.93, 1.0),
            "heavy_tdiff": r(0.1, 0.24),
            "cumulus_tdiff": r(0.25, 0.36),
            "cumulus_tbeam": r(0.02, 0.08),
            "front_t0": r(8, 16),
            "front_warm": r(0, 1) < 0.5,
            "front_after": r(0.12, 0.35),
            "clear_t0": r(8.5, 12),
            "clear_gradient": r(-0.02, 0.02),  # hours per km
            "fog_tdiff": r(0.2, 0.42),
            "storm_density": r(12, 25) / 5000.0,  # cells per km²
            "storm_tdiff": r(0.05, 0.15),
            "storm_start": r(11.5, 14),
        }
        self.front_dir = (math.cos(heading), math.sin(heading))
        if kind == "clear" and self.p["cirrus"]:
            self.kind = "cirrus"
        self._tiles: dict = {}

    # cumulus cover through a fair-weather day: building after 9, most
    # around mid-afternoon, fading by the evening
    def _fair_cover(self, hours):
        peak = self.p["fair_peak"]
        shape = np.exp(-(((hours - peak) / 3.2) ** 2))
        return 0.03 + self.p["fair_cover"] * shape

    def _cells(self, x: float, y: float, hours: np.ndarray) -> np.ndarray:
        """Storm cells over a site: 0 (none) to 1 (under a cell's core).
        Cells live in the frame moving with the wind, on 60 km tiles made
        on demand (the same tiles for every site)."""
        u, v = self.wind
        total = np.zeros_like(hours)
        late = hours >= self.p["storm_start"] - 0.1
        if not late.any():
            return total
        h = hours[late]
        mx, my = x - u * h, y - v * h
        tile = 60.0
        lo_i, hi_i = (
            int(math.floor((mx.min() - 15) / tile)),
            int(math.floor((mx.max() + 15) / tile)),
        )
        lo_j, hi_j = (
            int(math.floor((my.min() - 15) / tile)),
            int(math.floor((my.max() + 15) / tile)),
        )
        part = np.zeros_like(h)
        for i in range(lo_i, hi_i + 1):
            for j in range(lo_j, hi_j + 1):
                for cx, cy, born, life, radius, strength in self._tile(i, j, tile):
                    d2 = (mx - cx) ** 2 + (my - cy) ** 2
                    if d2.min() > (3 * radius) ** 2:
                        continue
                    age = h - born
                    env = np.clip(age / 0.33, 0, 1) * np.clip((life - age) / 0.5, 0, 1)
                    part += strength * env * np.exp(-d2 / radius**2)
        total[late] = part
        return np.clip(total, 0, 1)

    def _tile(self, i: int, j: int, tile: float):
        key = (i, j)
        if key not in self._tiles:
            rng = random.Random(f"{self.seed}-{i}-{j}")
            lam = self.p["storm_density"] * tile * tile
            n = np.random.default_rng(rng.randrange(2**32)).poisson(lam)
            cells = []
            for _ in range(n):
                born = rng.uniform(self.p["storm_start"], 18.5)
                # where it is born, in the frame moving with the wind
                cells.append(
                    (
                        (i + rng.random()) * tile,
                        (j + rng.random()) * tile,
                        born,
                        rng.uniform(1.0, 3.0),
                        rng.uniform(4, 10),
                        rng.uniform(0.75, 1.0),
                    )
                )
            self._tiles[key] = cells
        return self._tiles[key]

    def state(self, x: float, y: float, hours: np.ndarray) -> SkyState:  # noqa: C901 - one branch per sky
        p = self.p
        ones = np.ones_like(hours)
        zeros = np.zeros_like(hours)
        kind = self.kind
        texture = self.texture(x, y, hours)
        turbidity = zeros.copy()
        cu_tdiff = p["cumulus_tdiff"] * ones
        cu_tbeam = p["cumulus_tbeam"] * ones
        if kind == "cirrus":
            # a thin veil over the whole sky: the beam dimmed, a little
            # of it scattered into the diffuse light
            cover = np.clip(p["cirrus_cover"] * (1 + 0.3 * texture), 0, 1)
            tbeam = p["cirrus_tbeam"] * ones
            tdiff = 0.12 + 0.5 * (1 - tbeam)
            return SkyState(cover, zeros.copy(), tdiff, tbeam, turbidity, zeros.copy())
        if kind == "clear":
            return SkyState(
                zeros.copy(),
                ones.copy(),
                ones.copy(),
                ones.copy(),
                0.3 * _sigmoid(texture),
                zeros.copy(),
            )
        if kind == "haze":
            turbidity = p["haze"] * (1 + 0.15 * texture)
            return SkyState(
                zeros.copy(), ones.copy(), ones.copy(), ones.copy(), turbidity, zeros.copy()
            )
        if kind == "fair":
            cover = self._fair_cover(hours)
            tdiff, tbeam = cu_tdiff, cu_tbeam
        elif kind == "broken":
            cover = np.clip(p["broken_cover"] + 0.1 * texture, 0.2, 0.9)
            tdiff, tbeam = cu_tdiff * 0.9, cu_tbeam
        elif kind == "overcast":
            cover = np.clip(p["overcast_cover"] + 0.03 * texture, 0.85, 1.0)
            tdiff = np.clip(p["overcast_tdiff"] * (1 + 0.25 * texture), 0.1, 0.6)
            tbeam = 0.03 * ones
        elif kind == "heavy":
            cover = ones.copy()
            tdiff = np.clip(p["heavy_tdiff"] * (1 + 0.3 * texture), 0.03, 0.3)
            tbeam = zeros.copy()
        elif kind == "front":
            # distance along the front's path; the line passes the origin at t0
            s = x * self.front_dir[0] + y * self.front_dir[1]
            speed = math.hypot(*self.wind)
            passed = _sigmoid(((hours - p["front_t0"]) * speed - s) / (0.6 * speed))
            thick = np.clip(p["overcast_tdiff"] * (1 + 0.2 * texture), 0.1, 0.6)
            if p["front_warm"]:
                before_c, before_td, before_tb = self._fair_cover(hours), cu_tdiff, cu_tbeam
                after_c, after_td, after_tb = ones, thick * 0.7, zeros
            else:
                before_c, before_td, before_tb = ones, thick * 0.6, zeros
                # behind a cold front: broken cumulus thinning out
                since = np.clip(hours - p["front_t0"] - s / max(speed, 1), 0, None)
                after_c = np.clip(0.6 * np.exp(-since / 2.5), 0.05, 1)
                after_td, after_tb = cu_tdiff, cu_tbeam
            cover = before_c + (after_c - before_c) * passed
            tdiff = before_td + (after_td - before_td) * passed
            tbeam = before_tb + (after_tb - before_tb) * passed
        elif kind == "clearing":
            t_clear = p["clear_t0"] + p["clear_gradient"] * (x + y) + 0.4 * texture
            cleared = _sigmoid((hours - t_clear) / 0.35)
            fog = ones
            after = 0.05 + 0.15 * _sigmoid(texture)
            cover = fog + (after - fog) * cleared
            tdiff = p["fog_tdiff"] + (cu_tdiff - p["fog_tdiff"]) * cleared
            tbeam = 0.02 + (cu_tbeam - 0.02) * cleared
        elif kind == "storm":
            base = 0.6 * self._fair_cover(hours)
            cells = self._cells(x, y, hours)
            cover = base + (1 - base) * np.clip(cells * 1.3, 0, 1)
            tdiff = cu_tdiff + (p["storm_tdiff"] - cu_tdiff) * cells
            tbeam = cu_tbeam * (1 - cells)
        else:
            raise ValueError(kind)
        cover = np.clip(cover, 0.0, 1.0)
        # the sun is behind a cloud where the cumulus field is above the
        # threshold leaving `cover` of the sky clear of it
        c = np.clip(cover, 1e-4, 1 - 1e-4)
        threshold = ndtri(1 - c)
        sun = _sigmoid((threshold - self.cumulus(x, y, hours)) / 0.12)
        sun = np.where(cover >= 0.999, 0.0, sun)
        edge = 0.15 * np.ones_like(hours)
        if kind == "storm":
            sun = sun * (1 - np.clip(cells * 1.5, 0, 1))
            edge = edge * (1 - cells)
        if kind in ("overcast", "heavy"):
            edge = 0 * edge
        return SkyState(cover, sun, tdiff, tbeam, turbidity, edge)


def draw_skies(rng: random.Random, period: Period) -> dict:
    """{region: [Sky per day]} from each region's season: tomorrow keeps
    today's sky with the season's chance, else a new draw."""
    out = {}
    for region in REGIONS:
        stay, weights = region.skies[period.name]
        kinds, w = zip(*weights.items(), strict=True)
        days = []
        today = rng.choices(kinds, weights=w)[0]
        for i in range(period.days):
            if i and rng.random() >= stay:
                today = rng.choices(kinds, weights=w)[0]
            days.append(Sky(rng, today, rng.randrange(2**31)))
        out[region.name] = days
    return out


# ---------------------------------------------------------------- physics


@dataclass
class Physics:
    """One site over a period, every 5 minutes (the middle of each step)."""

    times: pd.DatetimeIndex
    elevation: np.ndarray
    # DC watts per kWp of each array, unshaded and as the site's obstacles
    # leave it, [array][step]
    dc_kw: list
    dc_kw_shaded: list
    clear_ghi: np.ndarray


def _sky_series(site: Site, skies: list, n_days: int) -> SkyState:
    minutes = np.arange(24 * 60) + 0.5
    hours = minutes / 60.0
    parts = []
    for d in range(n_days):
        s = skies[d].state(site.x_km, site.y_km, hours)
        parts.append(s)

    def avg(name):
        a = np.concatenate([getattr(s, name) for s in parts])
        return a.reshape(-1, SUB).mean(axis=1)

    return SkyState(
        avg("cover"), avg("sun"), avg("tdiff"), avg("tbeam"), avg("turbidity"), avg("edge")
    )


def _air_temperature(
    region: Region, period: Period, skies: list, rng: random.Random, hours: np.ndarray
):
    tmin, tmax = region.temps[period.month]
    damp = {
        "clear": 1.0,
        "cirrus": 0.95,
        "haze": 0.9,
        "fair": 0.85,
        "broken": 0.75,
        "overcast": 0.45,
        "heavy": 0.3,
        "front": 0.6,
        "clearing": 0.7,
        "storm": 0.8,
    }
    out = np.empty(len(hours))
    per_day = STEPS_PER_DAY
    for d in range(period.days):
        h = hours[d * per_day : (d + 1) * per_day]
        amp = (tmax - tmin) * damp[skies[d].kind]
        offset = random.Random(skies[d].seed).gauss(0, 2.5)  # the region's day
        shape = np.where(
            h < 15,
            0.5 - 0.5 * np.cos(np.pi * np.clip(h - 6, 0, 9) / 9),
            0.5 + 0.5 * np.cos(np.pi * (h - 15) / 15),
        )
        base = tmin + (1 - damp[skies[d].kind]) * (tmax - tmin) * 0.35
        out[d * per_day : (d + 1) * per_day] = base + offset + amp * shape
    return out


def _shade(obstacle: Obstacle, sun_az: np.ndarray, sun_el: np.ndarray) -> np.ndarray:
    """How much of the beam the obstacle takes from the modules it shades."""
    off = (sun_az - obstacle.azimuth + 180.0) % 360.0 - 180.0
    within = np.clip(1 - (off / obstacle.half_width) ** 2, 0, None)
    top = obstacle.top * np.sqrt(within)
    return _sigmoid((top - sun_el) / 1.5) * (within > 0)


def physics(site: Site, period: Period, skies: list, rng: random.Random) -> Physics:
    region = REGION_BY_NAME[site.region]
    tz = ZoneInfo(site.timezone)
    start = datetime(period.start.year, period.start.month, period.start.day, tzinfo=tz)
    n = period.days * STEPS_PER_DAY
    times = pd.date_range(start + timedelta(minutes=STEP_MIN / 2), periods=n, freq=f"{STEP_MIN}min")
    hours = np.tile((np.arange(STEPS_PER_DAY) + 0.5) * STEP_MIN / 60.0, period.days)
    solpos = solarposition.get_solarposition(
        times, site.latitude, site.longitude, altitude=site.altitude, method="nrel_numpy"
    )
    zenith = solpos["apparent_zenith"].to_numpy()
    sun_az = solpos["azimuth"].to_numpy()
    elevation = 90.0 - zenith
    sky = _sky_series(site, skies, period.days)
    day_turbidity = np.repeat([rng.gauss(0, 0.25) for _ in range(period.days)], STEPS_PER_DAY)
    linke = np.clip(region.linke[period.month] + day_turbidity + sky.turbidity, 1.8, 9.0)
    am_rel = atmosphere.get_relative_airmass(zenith)
    am_abs = atmosphere.get_absolute_airmass(am_rel, atmosphere.alt2pres(site.altitude))
    dni_extra = irradiance.get_extra_radiation(times).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        cs = clearsky.ineichen(zenith, am_abs, linke, altitude=site.altitude, dni_extra=dni_extra)
    cs_ghi = np.nan_to_num(np.asarray(cs["ghi"], dtype=float))
    cs_dni = np.nan_to_num(np.asarray(cs["dni"], dtype=float))
    cs_dhi = np.nan_to_num(np.asarray(cs["dhi"], dtype=float))
    cos_z = np.clip(np.cos(np.radians(zenith)), 0, None)
    # the sky: the beam where the sun is clear of clouds (and what thin
    # cloud lets through), the clear part of the dome's diffuse light, the
    # cloud deck's own, and cumulus sides brightening a broken sky
    dni = cs_dni * (sky.sun + (1 - sky.sun) * sky.tbeam)
    c = sky.cover
    dhi = cs_dhi * (1 - c) + c * sky.tdiff * cs_ghi + c * (1 - c) * sky.edge * (cs_ghi - cs_dhi)
    dhi = np.where(cos_z > 0, dhi, 0.0)
    ghi = dni * cos_z + dhi
    air = _air_temperature(region, period, skies, rng, hours)
    wind = np.repeat([rng.uniform(0.5, 5.0) for _ in range(period.days)], STEPS_PER_DAY)
    params = pvtemp.TEMPERATURE_MODEL_PARAMETERS["sapm"][site.mount]
    am_rel_filled = np.nan_to_num(am_rel, nan=40.0)
    blocked = np.zeros(n)
    diffuse_kept = np.ones(n)
    for ob in site.obstacles:
        blocked = np.maximum(blocked, _shade(ob, sun_az, elevation))
        diffuse_kept = diffuse_kept * (1 - ob.diffuse_loss)
    dc_kw, dc_kw_shaded = [], []
    for a in site.arrays:
        poa = irradiance.get_total_irradiance(
            a.tilt,
            a.azimuth,
            zenith,
            sun_az,
            dni,
            ghi,
            dhi,
            dni_extra=dni_extra,
            airmass=am_rel_filled,
            albedo=0.2,
            model="perez",
        )
        aoi = irradiance.aoi(a.tilt, a.azimuth, zenith, sun_az)
        beam = np.nan_to_num(np.asarray(poa["poa_direct"], dtype=float)) * np.nan_to_num(
            np.asarray(iam.physical(np.asarray(aoi)), dtype=float)
        )
        diffuse = np.clip(np.nan_to_num(np.asarray(poa["poa_diffuse"], dtype=float)), 0, None)
        effective = np.clip(beam + diffuse, 0, None)
        cell = pvtemp.sapm_cell(effective, air, wind, **params)
        dc_kw.append(
            np.asarray(pvsystem.pvwatts_dc(effective, cell, 1000.0, site.gamma)) * (1 - site.losses)
        )
        shaded = np.clip(beam * (1 - blocked) + diffuse * diffuse_kept, 0, None)
        dc_kw_shaded.append(
            np.asarray(pvsystem.pvwatts_dc(shaded, cell, 1000.0, site.gamma)) * (1 - site.losses)
        )
    return Physics(times, elevation, dc_kw, dc_kw_shaded, cs_ghi)


# ---------------------------------------------------------------- faults


@dataclass
class Fault:
    kind: str
    cause: str
    onset: int  # day index
    onset_h: float  # local hour the fault starts on its onset day (0: from midnight)
    repair: int | None = None  # day index of the repair
    repair_h: float = 0.0
    factor: float = 1.0  # DC share left (underperformance, soiling's final)
    ramp_start: int = 0
    ramp_days: int = 0
    dead: list = field(default_factory=list)  # dead devices
    strings_dead: int = 0
    standby: bool = False
    accept: tuple = ()

    def active(self, n_days: int) -> np.ndarray:
        """Per 5-minute step: is the fault acting (onset to repair)?"""
        t = np.arange(n_days * STEPS_PER_DAY) * STEP_MIN / 60.0 + STEP_MIN / 120.0
        on = t >= self.onset * 24 + self.onset_h
        if self.repair is not None:
            on &= t < self.repair * 24 + self.repair_h
        return on

    def soiling(self, n_days: int) -> np.ndarray:
        """Per day: the soiling factor (1 before the ramp and after the repair)."""
        d = np.arange(n_days)
        g = 1 - (1 - self.factor) * np.clip((d - self.ramp_start + 1) / self.ramp_days, 0, 1)
        if self.repair is not None:
            g = np.where(d >= self.repair, 1.0, g)
        return g


def _hour(rng: random.Random, lo: float, hi: float) -> float:
    return round(rng.uniform(lo, hi) * 4) / 4


def assign_faults(rng: random.Random, sites: list[Site], period: Period) -> dict:
    n_days = period.days
    order = list(range(len(sites)))
    rng.shuffle(order)
    faulty = order[: round(FAULT_SHARE * len(sites))]
    kinds, weights = zip(*FAULT_WEIGHTS.items(), strict=True)
    # onsets from the 4th day (3 days of history) to 4 days before the end
    lo = min(3, n_days - 1)
    hi = max(lo, n_days - 5)
    out = {}
    for idx in faulty:
        site = sites[idx]
        # sites with device energies get more dead devices: the only fault
        # their devices tell apart from the weather
        w = [
            x * (2.2 if k == "string_mlpe_fault" and site.device_energies else 1)
            for k, x in zip(kinds, weights, strict=True)
        ]
        kind = rng.choices(kinds, weights=w)[0]
        while kind == "string_mlpe_fault" and not site.devices and site.strings < 2:
            kind = rng.choices(kinds, weights=w)[0]
        onset = 0 if rng.random() < 0.08 else rng.randint(lo, hi)
        fault = Fault(kind, "", onset, 0.0)
        if kind == "underperformance":
            if rng.random() < 0.4:
                fault.cause = "soiling"
                fault.factor = rng.uniform(0.45, 0.62)
                fault.ramp_days = rng.randint(5, 12)
                if onset == 0:
                    onset = fault.onset = rng.randint(lo, hi)
                k = math.ceil(
                    fault.ramp_days * (1 - UNDERPERFORMANCE_MAX) / (1 - fault.factor) - 1e-9
                )
                fault.ramp_start = onset + 1 - k
            else:
                fault.cause = "step"
                fault.factor = rng.uniform(0.45, UNDERPERFORMANCE_MAX)
                fault.onset_h = 0.0 if rng.random() < 0.75 else _hour(rng, 8, 15)
        elif kind == "string_mlpe_fault":
            fault.onset_h = 0.0 if rng.random() < 0.5 else _hour(rng, 8, 15)
            if site.device_energies:
                fault.cause = "devices"
                n = len(site.devices)
                k = rng.randint(1, max(1, n // 4))
                fault.dead = sorted(rng.sample(range(n), k))
            elif site.devices:
                fault.cause = "branch"
                n = len(site.devices)
                k = max(1, round(n * rng.uniform(0.3, 0.5)))
                start = rng.randrange(n)
                fault.dead = sorted((start + j) % n for j in range(k))
                fault.accept = ("underperformance",)
            else:
                fault.cause = "string"
                fault.strings_dead = 1
                fault.accept = ("underperformance",)
        elif kind == "inverter_fault":
            fault.cause = "zero_production"
            fault.onset_h = 0.0 if rng.random() < 0.35 else _hour(rng, 9.5, 15)
            fault.standby = site.night == "standby" and rng.random() < 0.7
        else:
            fault.cause = "comms"
            fault.onset_h = 0.0 if rng.random() < 0.3 else _hour(rng, 7, 16)
        if rng.random() < REPAIR_SHARE:
            repair = onset + rng.randint(2, 7)
            if repair <= n_days - 3:
                fault.repair = repair
                if fault.cause == "soiling":
                    fault.repair_h = 0.0
                else:
                    fault.repair_h = 0.0 if rng.random() < 0.3 else _hour(rng, 8, 13)
        out[site.ref] = fault
    return out


# ---------------------------------------------------------------- power


def _ac(site: Site, ph: Physics, n: int, dc_factor, dead_mask, strings_share):
    """AC watts every 5 minutes ([device, step] for micro sites, and the
    site's sum), with a DC factor (soiling, underperformance) per step, dead
    devices ([device, step] booleans) and the share of strings alive."""
    if site.devices:
        dev_dc = np.empty((len(site.devices), n))
        shaded_devices = {d for ob in site.obstacles for d in ob.devices}
        for i, dev in enumerate(site.devices):
            per_kw = ph.dc_kw_shaded[dev.array] if i in shaded_devices else ph.dc_kw[dev.array]
            dev_dc[i] = per_kw * dev.modules * dev.module_w / 1000.0 * dev.mismatch
        dev_dc *= dc_factor
        ratings = np.array([d.rating_w for d in site.devices])[:, None]
        eta = 0.965
        dev_ac = np.asarray(inverter.pvwatts(dev_dc, ratings / eta, eta_inv_nom=eta), dtype=float)
        dev_ac = np.clip(np.nan_to_num(dev_ac), 0, ratings)
        dev_ac = np.where(dev_ac < 1.0, 0.0, dev_ac)
        if dead_mask is not None:
            dev_ac = np.where(dead_mask, 0.0, dev_ac)
        return dev_ac, dev_ac.sum(axis=0)
    share = sum(ob.share for ob in site.obstacles)
    dc = np.zeros(n)
    for a, full, shaded in zip(site.arrays, ph.dc_kw, ph.dc_kw_shaded, strict=True):
        dc += a.dc_kwp * ((1 - share) * full + share * shaded)
    dc *= dc_factor * strings_share
    ac = np.asarray(
        inverter.pvwatts(dc, site.ac_w / site.eta_inv, eta_inv_nom=site.eta_inv), dtype=float
    )
    ac = np.clip(np.nan_to_num(ac), 0, site.ac_w)
    return None, np.where(ac < 1.0, 0.0, ac)


def _day_sum(a: np.ndarray, n_days: int) -> np.ndarray:
    return a.reshape(*a.shape[:-1], n_days, STEPS_PER_DAY).sum(axis=-1) * STEP_MIN / 60.0


def simulate(site: Site, ph: Physics, fault: Fault | None, n_days: int) -> dict:
    """The site's healthy twin and, with its fault, what it really made."""
    n = n_days * STEPS_PER_DAY
    twin_dev, twin = _ac(site, ph, n, 1.0, None, 1.0)
    out = {"twin": twin, "twin_dev": twin_dev, "ac": twin, "dev": twin_dev}
    if fault is None:
        return out
    active = fault.active(n_days)
    if fault.kind == "underperformance" and fault.cause == "soiling":
        factor = np.repeat(fault.soiling(n_days), STEPS_PER_DAY)
        out["dev"], out["ac"] = _ac(site, ph, n, factor, None, 1.0)
    elif fault.kind == "underperformance":
        # lower the share until the fault's whole days make at most 0.72 of
        # the twin (a clipping site hides part of a DC loss)
        days = _fault_days(fault, n_days)
        while True:
            factor = np.where(active, fault.factor, 1.0)
            dev, ac = _ac(site, ph, n, factor, None, 1.0)
            e, t = _day_sum(ac, n_days)[days].sum(), _day_sum(twin, n_days)[days].sum()
            if t <= 0 or e / t <= UNDERPERFORMANCE_MAX or fault.factor < 0.3:
                break
            fault.factor -= 0.03
        out["dev"], out["ac"] = dev, ac
    elif fault.kind == "string_mlpe_fault":
        if site.devices:
            days = _fault_days(fault, n_days)
            while True:
                mask = np.zeros((len(site.devices), n), dtype=bool)
                mask[fault.dead] = active
                dev, ac = _ac(site, ph, n, 1.0, mask, 1.0)
                if fault.cause != "branch" or len(fault.dead) >= len(site.devices) - 1:
                    break
                e, t = _day_sum(ac, n_days)[days].sum(), _day_sum(twin, n_days)[days].sum()
                if t <= 0 or e / t <= UNDERPERFORMANCE_MAX:
                    break
                # a branch circuit is seen only as a shortfall: one more
                # micro on it until the site makes at most 0.72 of normal
                fault.dead = sorted({*fault.dead, (max(fault.dead) + 1) % len(site.devices)})
            out["dev"], out["ac"] = dev, ac
        else:
            days = _fault_days(fault, n_days)
            while True:
                share = np.where(active, 1 - fault.strings_dead / site.strings, 1.0)
                dev, ac = _ac(site, ph, n, 1.0, None, share)
                e, t = _day_sum(ac, n_days)[days].sum(), _day_sum(twin, n_days)[days].sum()
                if (
                    t <= 0
                    or e / t <= UNDERPERFORMANCE_MAX
                    or fault.strings_dead >= site.strings - 1
                ):
                    break
                fault.strings_dead += 1
            out["dev"], out["ac"] = dev, ac
    elif fault.kind == "inverter_fault":
        out["ac"] = np.where(active, 0.0, twin)
        if twin_dev is not None:
            out["dev"] = np.where(active, 0.0, twin_dev)
    return out


def _fault_days(fault: Fault, n_days: int) -> list[int]:
    """Whole days with the fault acting (the onset day if it starts at
    midnight, up to the day before the repair)."""
    first = fault.onset if fault.onset_h == 0 else fault.onset + 1
    last = (fault.repair - 1) if fault.repair is not None else n_days - 1
    days = list(range(first, last + 1))
    return days or [min(fault.onset, n_days - 1)]


# ---------------------------------------------------------------- vendor view


def _gaps(rng: random.Random, twin_day: np.ndarray) -> list[tuple[int, int]]:
    """Healthy data gaps in one day, as 5-minute step ranges [a, b)."""
    lit = np.flatnonzero(twin_day > 0)
    if len(lit) < 24:
        return []
    first, last = lit[0] + 6, lit[-1] - 6
    out = []
    r = rng.random()
    if r < 0.012:
        length = rng.randint(12, 30)  # 1-2.5 h
    elif r < 0.062:
        length = rng.randint(3, 12)  # 15-60 min
    else:
        return []
    if last - first > length:
        a = rng.randint(first, last - length)
        out.append((a, a + length))
    return out


def _series(site: Site, values: np.ndarray, nulls: np.ndarray, night: np.ndarray) -> list:
    """One day of what the vendor reports, from 5-minute powers, where
    `nulls` marks steps without data and `night` steps the inverter sleeps."""
    k = site.step_minutes // STEP_MIN
    v = values.reshape(-1, k).mean(axis=1)
    missing = nulls.reshape(-1, k).any(axis=1)
    dark = night.reshape(-1, k).all(axis=1)
    out = []
    for val, miss, nite in zip(v, missing, dark, strict=True):
        if miss:
            out.append(None)
        elif nite:
            out.append(
                None if site.night == "null" else site.standby_w if site.night == "standby" else 0.0
            )
        else:
            out.append(round(float(val), 1))
    return out


def generate_period(
    seed: int, period: Period, sites_n: int | None = None, regions=None
) -> tuple[dict, dict]:
    """(FLEET.json document with arrays, labels) for one period."""
    sites = build_sites(seed, sites_n, regions)
    rng = random.Random(f"{seed}-{period.name}")
    skies = draw_skies(rng, period)
    faults = assign_faults(rng, sites, period)
    n_days = period.days
    dates = [d.isoformat() for d in period.dates]
    # one vendor-wide hiccup per period: every site of one vendor in one
    # region loses the same 45-90 minutes
    hiccup_region = rng.choice(REGIONS).name
    hiccup_vendor = rng.choice(VENDORS)
    hiccup_day = rng.randrange(n_days)
    hiccup_start = rng.randint(10 * 12, 14 * 12)
    hiccup = (hiccup_day, hiccup_start, hiccup_start + rng.randint(9, 18))
    series: dict = {d: {} for d in dates}
    devices: dict = {d: {} for d in dates}
    labels_sites = {}
    for site in sites:
        srng = random.Random(f"{seed}-{period.name}-{site.ref}")
        ph = physics(site, period, skies[site.region], srng)
        fault = faults.get(site.ref)
        sim = simulate(site, ph, fault, n_days)
        twin_e = _day_sum(sim["twin"], n_days)
        real_e = _day_sum(sim["ac"], n_days)
        dev_e = _day_sum(sim["dev"], n_days) if sim["dev"] is not None else None
        active = fault.active(n_days) if fault else np.zeros(n_days * STEPS_PER_DAY, dtype=bool)
        soil = fault.soiling(n_days) if fault and fault.cause == "soiling" else np.ones(n_days)
        day_labels = {}
        for d, day in enumerate(dates):
            sl = slice(d * STEPS_PER_DAY, (d + 1) * STEPS_PER_DAY)
            twin_day = sim["twin"][sl]
            night = twin_day <= 0
            nulls = np.zeros(STEPS_PER_DAY, dtype=bool)
            gap_steps = 0
            for a, b in _gaps(srng, twin_day):
                nulls[a:b] = True
                gap_steps += b - a
            if site.vendor == hiccup_vendor and site.region == hiccup_region and d == hiccup[0]:
                nulls[hiccup[1] : hiccup[2]] = True
                gap_steps += hiccup[2] - hiccup[1]
            values = sim["ac"][sl].copy()
            comms = fault is not None and fault.kind == "comms_loss"
            if comms:
                nulls |= active[sl]
            if fault is not None and fault.kind == "inverter_fault":
                dead = active[sl] & ~night
                if fault.standby:
                    values = np.where(dead, site.standby_w, values)
                # the inverter is awake and reports its zero while the sun is up
                night = night & ~dead
                if site.night == "standby" and not fault.standby:
                    # a tripped breaker: the meter reads 0, day and night
                    night = night & ~active[sl]
            series[day][site.ref] = {
                "step_minutes": site.step_minutes,
                "power_w": _series(site, values, nulls, night),
            }
            comms_today = comms and active[sl].any()
            if (
                site.device_energies
                and dev_e is not None
                and not comms_today
                and srng.random() >= 0.01
            ):
                devices[day][site.ref] = [round(float(e), 1) for e in dev_e[:, d]]
            state = _state(fault, d, soil[d], n_days)
            lit_minutes = float((ph.elevation[sl] > 5).sum() * STEP_MIN)
            day_labels[day] = {
                "state": state,
                "energy_wh": round(float(real_e[d]), 1),
                "twin_energy_wh": round(float(twin_e[d]), 1),
                "fraction": round(float(real_e[d] / twin_e[d]), 4) if twin_e[d] > 0 else None,
                "daylight": lit_minutes >= 60,
                "gap_minutes": gap_steps * STEP_MIN,
                **({"soiling": round(float(soil[d]), 3)} if soil[d] < 1 else {}),
            }
        labels_sites[site.ref] = _site_label(site, fault, dates, day_labels)
    doc = {
        "sites": [_site_json(s) for s in sites],
        "days": [
            {
                "date": day,
                "series": series[day],
                **({"device_energy_wh": devices[day]} if devices[day] else {}),
            }
            for day in dates
        ],
    }
    labels = {
        "generator": generator_id(),
        "seed": seed,
        "period": period.name,
        "dates": dates,
        "regions": {
            r.name: {
                "code": r.code,
                "timezone": r.timezone,
                "skies": {day: skies[r.name][d].kind for d, day in enumerate(dates)},
            }
            for r in REGIONS
        },
        "hiccup": {
            "region": hiccup_region,
            "vendor": hiccup_vendor,
            "date": dates[hiccup[0]],
            "from": _clock(hiccup[1] * STEP_MIN / 60),
            "to": _clock(hiccup[2] * STEP_MIN / 60),
        },
        "sites": labels_sites,
    }
    return doc, labels


def _state(fault: Fault | None, d: int, soil: float, n_days: int) -> str:
    if fault is None:
        return "healthy"
    if fault.repair is not None and d > fault.repair:
        return "repaired"
    if fault.repair is not None and d == fault.repair:
        return "repair_day"
    if d >= fault.onset:
        return "fault"
    if fault.cause == "soiling" and soil < 1:
        return "ramp"
    return "healthy"


def _clock(hours: float) -> str:
    m = round(hours * 60)
    return f"{m // 60:02d}:{m % 60:02d}"


def _site_json(site: Site) -> dict:
    out = {
        "site": site.ref,
        "account": site.account,
        "vendor": site.vendor,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "timezone": site.timezone,
        "capacity_w": site.capacity_w,
        "arrays": [asdict(a) for a in site.entered],
    }
    if site.devices:
        out["devices_total"] = len(site.devices)
    out["connection"] = site.connection
    return out


def _site_label(site: Site, fault: Fault | None, dates: list, days: dict) -> dict:
    out = {
        "region": site.region,
        "setting": site.setting,
        "vendor": site.vendor,
        "x_km": round(site.x_km, 2),
        "y_km": round(site.y_km, 2),
        "inverter": "micro" if site.devices else "string",
        "devices": len(site.devices) or None,
        "device_energies": site.device_energies,
        "night": site.night,
        "step_minutes": site.step_minutes,
        "truth": {
            "arrays": [
                {
                    "dc_kwp": round(a.dc_kwp, 3),
                    "tilt": round(a.tilt, 1),
                    "azimuth": round(a.azimuth, 1),
                }
                for a in site.arrays
            ],
            "ac_w": site.ac_w,
            "dc_ac": round(site.dc_w / site.ac_w, 3),
            "losses": round(site.losses, 3),
            "gamma": round(site.gamma, 5),
            "eta_inv": round(site.eta_inv, 4),
            "mount": site.mount,
            "strings": site.strings or None,
            "device_arrays": [d.array for d in site.devices] or None,
            "shading": [
                {
                    "azimuth": round(o.azimuth, 1),
                    "half_width": round(o.half_width, 1),
                    "top": round(o.top, 1),
                    "share": round(o.share, 3),
                    **({"devices": o.devices} if o.devices else {}),
                }
                for o in site.obstacles
            ],
        },
        "fault": None,
        "days": days,
    }
    if fault is not None:
        f = {
            "kind": fault.kind,
            "cause": fault.cause,
            "onset_date": dates[fault.onset],
            "onset_time": _clock(fault.onset_h) if fault.onset_h else None,
            "repair_date": dates[fault.repair] if fault.repair is not None else None,
            "repair_time": _clock(fault.repair_h)
            if fault.repair is not None and fault.repair_h
            else None,
            "accept": [fault.kind, *fault.accept],
        }
        if fault.kind == "underperformance":
            f["factor"] = round(fault.factor, 3)
        if fault.cause == "soiling":
            f["ramp_start_date"] = (
                dates[fault.ramp_start]
                if fault.ramp_start >= 0
                else f"{-fault.ramp_start} days before"
            )
            f["ramp_days"] = fault.ramp_days
        if fault.dead:
            f["dead_devices"] = fault.dead
        if fault.strings_dead:
            f["strings_dead"] = fault.strings_dead
            f["strings"] = site.strings
        if fault.kind == "inverter_fault":
            f["reports_w"] = site.standby_w if fault.standby else 0.0
        out["fault"] = f
    return out


def strip_arrays(doc: dict) -> dict:
    """The same fleet as an installer who never entered a roof sees it."""
    return {
        **doc,
        "sites": [{k: v for k, v in s.items() if k != "arrays"} for s in doc["sites"]],
    }


def generator_id() -> str:
    """Changes whenever this file does: a cache key."""
    return "days-" + hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:10]


def write_fleet(
    out: Path, seed: int = SEED, sites: int | None = None, periods=("jun", "nov")
) -> dict:
    """Writes fleet-P.json, fleet-P-noarrays.json and labels-P.json per
    period into `out`; returns {period: {name: path}}. Files already
    written by the same generator, seed and size are reused."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in periods:
        p = {
            "fleet": out / f"fleet-{name}.json",
            "noarrays": out / f"fleet-{name}-noarrays.json",
            "labels": out / f"labels-{name}.json",
        }
        stamp = out / f"stamp-{name}.json"
        want = {"generator": generator_id(), "seed": seed, "sites": sites}
        fresh = (
            stamp.exists()
            and json.loads(stamp.read_text()) == want
            and all(x.exists() for x in p.values())
        )
        if not fresh:
            doc, labels = generate_period(seed, PERIODS[name], sites)
            p["fleet"].write_text(json.dumps(doc, separators=(",", ":")))
            p["noarrays"].write_text(json.dumps(strip_arrays(doc), separators=(",", ":")))
            p["labels"].write_text(json.dumps(labels, separators=(",", ":")))
            stamp.write_text(json.dumps(want))
        paths[name] = p
    return paths


def summary(labels: dict) -> str:
    """What one period's labels hold, in a few lines."""
    sites = labels["sites"].values()
    settings = Counter(s["setting"] for s in sites)
    vendors = Counter(s["vendor"] for s in sites)
    faults = Counter((s["fault"]["kind"], s["fault"]["cause"]) for s in sites if s["fault"])
    repaired = sum(1 for s in sites if s["fault"] and s["fault"]["repair_date"])
    midday = sum(1 for s in sites if s["fault"] and s["fault"]["onset_time"])
    skies = Counter(k for r in labels["regions"].values() for k in r["skies"].values())
    lines = [
        f"{labels['period']}: {len(labels['dates'])} days from {labels['dates'][0]},"
        f" {len(labels['sites'])} sites ({', '.join(f'{v} {k}' for k, v in settings.items())};"
        f" {', '.join(f'{v} {k}' for k, v in vendors.items())};"
        f" {sum(1 for s in sites if s['device_energies'])} with device energies,"
        f" {sum(1 for s in sites if s['truth']['shading'])} shaded)",
        f"  healthy sites {sum(1 for s in sites if not s['fault'])},"
        f" faults: {', '.join(f'{k}/{c} {v}' for (k, c), v in sorted(faults.items()))};"
        f" {midday} starting during the day, {repaired} repaired",
        f"  region-days: {', '.join(f'{k} {v}' for k, v in skies.most_common())}",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--sites", type=int, help="about this many sites (default 330)")
    parser.add_argument("--period", choices=[*PERIODS, "all"], default="all")
    args = parser.parse_args(argv)
    periods = list(PERIODS) if args.period == "all" else [args.period]
    paths = write_fleet(args.out, args.seed, args.sites, periods)
    for name, p in paths.items():
        for kind, path in p.items():
            print(f"{name} {kind}: {path}")
        print(summary(json.loads(p["labels"].read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
