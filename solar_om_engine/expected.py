"""Expected output from physics (pvlib): what a roof produces under a given sky.

For one site and one instant the model computes, for a grid of sky states,
the AC power then and the AC energy since local midnight:

1. solar position (pvlib's analytical zenith and azimuth, Spencer's
   declination and equation of time) every 15 minutes from local midnight;
2. clear-sky irradiance at the site: Ineichen with the climatological Linke
   turbidity of the place and month (pvlib's bundled table);
3. the sky: a clear-sky index ``kc`` (the fraction of the clear-sky global
   horizontal irradiance that reaches the ground). The clear-sky beam fades
   as the index drops below 1 and is gone under 0.3; the rest of the light
   is diffuse (a roof facing away from the sun loses little to clouds). One
   index describes the weather whatever a roof faces, which is why peers
   with other roofs can report it;
4. plane-of-array irradiance per array (Hay-Davies transposition, ground
   albedo 0.2), cell temperature (Faiman, 20 °C air, 1 m/s wind: no weather
   data, so a typical day), PVWatts DC with -0.4 %/°C and the PVWatts default
   14 % system losses;
5. the arrays' DC summed into one PVWatts inverter (96 % nominal efficiency)
   that clips at the site's AC capacity (``capacity_w``).

A site without arrays is modelled as several plausible roofs (flat, 10-40°
tilt, facing each compass point), which gives bounds instead of a value: the
classifier uses them only where every plausible roof agrees.

One check models many sites at one instant, so the work is shared
(`ModelBook`): the sun's position and the clear-sky irradiance are computed
once per place (a cell of `PLACE_CELL_DEG`), local day and check, at the
nodes of a 15-minute grid from local midnight; each site's power and energy
since midnight are read off that grid at its own last report. A site
without arrays is PVWatts throughout, which scales with its capacity, so its
plausible roofs are modelled once per place, per kW.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
from pvlib import atmosphere, clearsky, inverter, irradiance, pvsystem, solarposition, temperature

from .geo import zone
from .readings import Array, Reading

STEP = timedelta(minutes=15)
# clear-sky index grid: 0 is night-dark, 1 is clear, above 1 the brief cloud-edge enhancement
KC_GRID = np.array([0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25])
BEAM_FROM_KC = 0.3
ALBEDO = 0.2
AIR_TEMP_C = 20.0
WIND_MS = 1.0
GAMMA_PDC = -0.004
SYSTEM_LOSSES = 0.14  # pvlib.pvsystem.pvwatts_losses() defaults: 14.08 %
INVERTER_EFFICIENCY = 0.96
# cloud edges can lift irradiance above clear sky for minutes at a time
CLOUD_ENHANCEMENT = 1.3
# a site without arrays: flat, and 10, 25 and 40 degrees facing N, E, S and W
UNKNOWN_TILTS = (10.0, 25.0, 40.0)
UNKNOWN_AZIMUTHS = (0.0, 90.0, 180.0, 270.0)
# a roof tells the sky only if a clear sky gives it at least this many times
# what an overcast does (all diffuse, BEAM_FROM_KC): one facing away from the
# sun lives on diffuse light, which the model knows least (the sky's
# brightness across the dome, the ground in front of it)
MIN_SKY_CONTRAST = 1.5
# The sites of one check within a cell this many degrees wide share the sun
# (its position and the clear-sky irradiance), taken at the cell's centre: at
# most 0.125° of latitude and 30 s of solar time away, which moves the sun by
# less than 0.2° and a clear sky's irradiance at 10° elevation by about 3 %:
# nothing to a rule that tells 0 W from at least 5 % of capacity, or a
# witness's sky from its neighbours' (their clouds differ by far more).
PLACE_CELL_DEG = 0.25


@dataclass(frozen=True)
class SiteModel:
    """Modelled AC output of one site at one instant, for every sky state in
    `KC_GRID`: power then and energy since local midnight.

    `energy_wh[k]` and `power_w[k]` are the site's (or, without arrays, the
    default equator-facing roof's); `*_min`/`*_max` bound them over the
    plausible roofs when the orientation is unknown (equal otherwise)."""

    oriented: bool
    dc_w: float
    ac_w: float
    energy_wh: np.ndarray
    power_w: np.ndarray
    energy_min_wh: np.ndarray
    power_min_w: np.ndarray
    power_max_w: np.ndarray
    # the most any roof of this DC could have made so far (a clear sky's beam
    # and diffuse light on a sun-tracking plane, no losses, clipped at AC)
    energy_ceiling_wh: float = 0.0

    @staticmethod
    def _at(curve: np.ndarray, kc: float) -> float:
        return float(np.interp(kc, KC_GRID, curve))

    def energy(self, kc: float) -> float:
        return self._at(self.energy_wh, kc)

    def power(self, kc: float) -> float:
        return self._at(self.power_w, kc)

    def power_min(self, kc: float) -> float:
        """The least power any plausible roof makes under the sky `kc`."""
        return self._at(self.power_min_w, kc)

    def energy_min(self, kc: float) -> float:
        """The least energy since midnight any plausible roof makes under `kc`."""
        return self._at(self.energy_min_wh, kc)

    def power_max(self, kc: float) -> float:
        return self._at(self.power_max_w, kc)

    def sky_from_energy(self, energy_wh: float) -> float | None:
        return _invert(self.energy_wh, energy_wh)

    def sky_from_power(self, power_w: float) -> float | None:
        return _invert(self.power_w, power_w)

    def sky_from_power_max(self, power_w: float) -> float | None:
        """The darkest sky that explains `power_w` on any plausible roof."""
        return _invert(self.power_max_w, power_w)


def _contrasted(curve: np.ndarray) -> bool:
    """Whether a clear sky gives MIN_SKY_CONTRAST times an overcast's output."""
    clear = float(np.interp(1.0, KC_GRID, curve))
    overcast = float(np.interp(BEAM_FROM_KC, KC_GRID, curve))
    return clear > 0 and clear >= MIN_SKY_CONTRAST * overcast


def _invert(curve: np.ndarray, value: float) -> float | None:
    """The sky state that explains `value`, or None where the roof cannot
    tell (a roof facing away from the sun gains little from a clear sky, and
    an inverter clipping all day says only that the sky was bright)."""
    if not _contrasted(curve):
        return None
    # the monotone envelope: a dip in the curve would make two answers
    mono = np.maximum.accumulate(curve)
    if value >= mono[-1]:
        return float(KC_GRID[-1])
    return float(np.interp(value, mono, KC_GRID))


def site_capacity(reading: Reading) -> float | None:
    """The AC limit: the site's capacity, else its arrays' DC (no clipping
    known), else None (nothing can be modelled)."""
    if reading.capacity_w:
        return reading.capacity_w
    if reading.arrays:
        return sum(a.dc_kwp for a in reading.arrays) * 1000.0
    return None


# pvlib's climatological Linke turbidity table: 2160 x 4320 x 12 (uint8, 20 x
# the turbidity), rows from 90° N, columns from 180° W, 5' apart, a month per
# layer (pvlib.clearsky.lookup_linke_turbidity reads the same file)
LINKE_TABLE = Path(clearsky.__file__).parent / "data" / "LinkeTurbidities.h5"


def _table_index(degrees: float, first: float, last: float, size: int) -> int:
    """The table's row or column nearest `degrees` (pvlib's own indexing)."""
    scale = size / (last - first)
    centre = first + 1 / scale / 2
    return min(max(int(np.around((degrees - centre) * scale)), 0), size - 1)


@lru_cache(maxsize=1)
def _linke_table():
    """The table, opened once for the process (read only): its chunks are
    compressed, and an open file keeps the ones just read."""
    return h5py.File(LINKE_TABLE, "r")["LinkeTurbidity"]


@lru_cache(maxsize=8192)
def _linke_turbidity(lat_cell: float, lon_cell: float, month: int) -> float:
    """The Linke turbidity of a place and month: one point of the table
    (what pvlib's lookup reads, without reopening the file and building
    pandas objects around it each time)."""
    row = _table_index(lat_cell, 90.0, -90.0, 2160)
    column = _table_index(lon_cell, -180.0, 180.0, 4320)
    return float(_linke_table()[row, column, month - 1]) / 20.0


@dataclass(frozen=True)
class _Sun:
    zenith: np.ndarray
    azimuth: np.ndarray
    ghi: np.ndarray
    dni: np.ndarray
    dhi: np.ndarray
    dni_extra: np.ndarray
    weights: np.ndarray
    doy: np.ndarray

    def take(self, index: np.ndarray) -> _Sun:
        """The sun at the times `index` selects."""
        return _Sun(*(getattr(self, name)[index] for name in self.__dataclass_fields__))


def _sun_at(lat: float, lon: float, times: pd.DatetimeIndex, weights: np.ndarray) -> _Sun:
    doy = times.day_of_year.to_numpy()
    declination = solarposition.declination_spencer71(doy)
    eot = solarposition.equation_of_time_spencer71(doy)
    hour_angle = solarposition.hour_angle(times, lon, eot)
    zenith_rad = solarposition.solar_zenith_analytical(
        math.radians(lat), np.radians(hour_angle), declination
    )
    zenith = np.degrees(np.asarray(zenith_rad, dtype=float))
    # azimuth clockwise from north; atan2 keeps the quadrant in both
    # hemispheres (pvlib's analytical azimuth flips in the southern mornings)
    h = np.radians(np.asarray(hour_angle, dtype=float))
    phi = math.radians(lat)
    azimuth = (
        np.degrees(
            np.arctan2(np.sin(h), np.cos(h) * math.sin(phi) - np.tan(declination) * math.cos(phi))
        )
        + 180.0
    ) % 360.0
    up = zenith < 90.0
    dni_extra = np.asarray(irradiance.get_extra_radiation(doy), dtype=float)
    ghi = np.zeros_like(zenith)
    dni = np.zeros_like(zenith)
    dhi = np.zeros_like(zenith)
    if up.any():
        month = int(times[len(times) // 2].month)
        turbidity = _linke_turbidity(round(lat * 2) / 2, round(lon * 2) / 2, month)
        airmass = atmosphere.get_absolute_airmass(
            atmosphere.get_relative_airmass(zenith[up]), 101325.0
        )
        sky = clearsky.ineichen(zenith[up], airmass, turbidity, 0.0, dni_extra[up])
        ghi[up] = np.nan_to_num(np.asarray(sky["ghi"], dtype=float))
        dni[up] = np.nan_to_num(np.asarray(sky["dni"], dtype=float))
        dhi[up] = np.nan_to_num(np.asarray(sky["dhi"], dtype=float))
    return _Sun(zenith, azimuth, ghi, dni, dhi, dni_extra, weights, doy)


def _sky_light(sun: _Sun, kc) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ghi, dni, dhi) under the clear-sky index `kc` (a column of KC_GRID,
    or one index per time): the beam fades as the sky darkens and is gone
    under BEAM_FROM_KC; the rest of the global light is diffuse."""
    beam = np.clip((kc - BEAM_FROM_KC) / (1.0 - BEAM_FROM_KC), 0.0, 1.0)
    cos_z = np.clip(np.cos(np.radians(sun.zenith)), 0.0, None)
    ghi = kc * sun.ghi
    dni = beam * sun.dni
    dhi = np.clip(ghi - dni * cos_z, 0.0, None)
    return ghi, dni, dhi


def _site_power(
    sun: _Sun, arrays: tuple[Array, ...], ac_w: float, kc: np.ndarray | None = None
) -> np.ndarray:
    """AC power, shape (len(KC_GRID), len(times)), or (len(times),) for one
    sky state per time when `kc` is given."""
    kc = KC_GRID[:, None] if kc is None else np.asarray(kc, dtype=float)
    ghi, dni, dhi = _sky_light(sun, kc)
    dc = np.zeros(ghi.shape)
    for array in arrays:
        dc += plane_dc(sun, array.tilt, array.azimuth, array.dc_kwp * 1000.0, ghi, dni, dhi)
    return to_ac(dc, ac_w)


def plane_dc(sun: _Sun, tilt, azimuth, dc_w, ghi, dni, dhi) -> np.ndarray:
    """DC power of a plane after system losses (broadcasts: `tilt` and
    `azimuth` may be column vectors of candidate planes)."""
    shape = np.broadcast_shapes(np.shape(ghi), np.shape(tilt), np.shape(azimuth))
    poa = irradiance.get_total_irradiance(
        tilt,
        azimuth,
        np.broadcast_to(sun.zenith, shape),
        np.broadcast_to(sun.azimuth, shape),
        np.broadcast_to(dni, shape),
        np.broadcast_to(ghi, shape),
        np.broadcast_to(dhi, shape),
        dni_extra=np.broadcast_to(sun.dni_extra, shape),
        albedo=ALBEDO,
        model="haydavies",
    )["poa_global"]
    poa = np.nan_to_num(np.clip(np.asarray(poa, dtype=float), 0.0, None))
    cell = temperature.faiman(poa, AIR_TEMP_C, WIND_MS)
    return pvsystem.pvwatts_dc(poa, cell, dc_w, GAMMA_PDC) * (1.0 - SYSTEM_LOSSES)


def to_ac(dc: np.ndarray, ac_w: float) -> np.ndarray:
    """AC power of one PVWatts inverter of `ac_w` fed `dc`."""
    ac = inverter.pvwatts(dc, ac_w / INVERTER_EFFICIENCY, INVERTER_EFFICIENCY)
    return np.clip(np.nan_to_num(np.asarray(ac, dtype=float)), 0.0, ac_w)


def ac_power(
    latitude: float,
    longitude: float,
    arrays: tuple[Array, ...],
    ac_w: float,
    times: list[datetime],
    sky: list[float],
) -> np.ndarray:
    """AC power of a site at each of `times` (aware) under the clear-sky index
    `sky` at that time: the same physics the classifier expects, for the
    simulator."""
    index = pd.DatetimeIndex([t.astimezone(zone("UTC")) for t in times])
    sun = _sun_at(latitude, longitude, index, np.zeros(len(times)))
    return _site_power(sun, arrays, ac_w, np.asarray(sky, dtype=float))


# ---------------------------------------------------------------- one check's models


@dataclass(frozen=True)
class _Curves:
    """Power (W) at each node of a day grid and energy (Wh) from midnight to
    it, per sky state: arrays (..., nodes)."""

    power: np.ndarray
    energy: np.ndarray

    @classmethod
    def of(cls, power: np.ndarray, step_h: float) -> _Curves:
        """The trapezoid integral of `power` along its last axis."""
        steps = (power[..., 1:] + power[..., :-1]) * (step_h / 2.0)
        energy = np.concatenate(
            (np.zeros(power.shape[:-1] + (1,)), np.cumsum(steps, axis=-1)), axis=-1
        )
        return cls(power, energy)

    def at(self, node: int, frac: float) -> tuple[np.ndarray, np.ndarray]:
        """(power, energy) between node `node` and the next, `frac` of the way."""
        power = self.power[..., node] * (1.0 - frac) + self.power[..., node + 1] * frac
        energy = self.energy[..., node] * (1.0 - frac) + self.energy[..., node + 1] * frac
        return power, energy


@dataclass(frozen=True)
class _DayGrid:
    """The sun at one place from its local midnight, every STEP, through a
    node at or after the check."""

    start: datetime  # local midnight (aware)
    sun: _Sun  # at the nodes (weights unused)
    lit: np.ndarray  # indices of the nodes with the sun up
    # the clear-sky light on a sun-tracking plane (kW/m2), at each node
    tracking: np.ndarray

    @property
    def nodes(self) -> int:
        return len(self.sun.zenith)

    def position(self, when: datetime) -> tuple[int, float]:
        """(node, fraction of a step after it) of an instant of the day."""
        steps = (when - self.start) / STEP
        node = min(max(int(steps), 0), self.nodes - 2)
        return node, min(max(steps - node, 0.0), 1.0)

    def power(self, arrays: tuple[Array, ...], ac_w: float) -> np.ndarray:
        """`_site_power` at the nodes, computed only where the sun is up."""
        out = np.zeros((len(KC_GRID), self.nodes))
        if len(self.lit):
            out[:, self.lit] = _site_power(self.sun.take(self.lit), arrays, ac_w)
        return out

    def ceiling(self, dc_w: float, ac_w: float) -> _Curves:
        return _Curves.of(np.minimum(dc_w * self.tracking, ac_w), STEP.total_seconds() / 3600)


def _day_grid(lat: float, lon: float, tz: str, day, nodes: int) -> _DayGrid:
    local = zone(tz)
    start = datetime.combine(day, time(0)).replace(tzinfo=local)
    times = pd.DatetimeIndex([(start + STEP * i).astimezone(zone("UTC")) for i in range(nodes)])
    sun = _sun_at(lat, lon, times, np.zeros(nodes))
    lit = np.flatnonzero(sun.zenith < 90.0)
    tracking = (sun.dni + sun.dhi) * CLOUD_ENHANCEMENT / 1000.0
    return _DayGrid(start, sun, lit, tracking)


@dataclass(frozen=True)
class _UnknownRoofs:
    """The plausible roofs of a site without arrays, per kW of capacity (DC
    and AC): the nominal one's curves, and the least and most of them."""

    nominal: _Curves
    least: _Curves
    most_power: np.ndarray
    ceiling: _Curves


def _unknown_roofs(grid: _DayGrid, southern: bool) -> _UnknownRoofs:
    planes = [(0.0, 180.0)] + [(t, a) for t in UNKNOWN_TILTS for a in UNKNOWN_AZIMUTHS]
    tilts = np.array([p[0] for p in planes])[:, None, None]
    azimuths = np.array([p[1] for p in planes])[:, None, None]
    power = np.zeros((len(planes), len(KC_GRID), grid.nodes))
    if len(grid.lit):
        sun = grid.sun.take(grid.lit)
        ghi, dni, dhi = _sky_light(sun, KC_GRID[:, None])
        dc = plane_dc(sun, tilts, azimuths, 1000.0, ghi, dni, dhi)
        power[:, :, grid.lit] = to_ac(dc, 1000.0)
    step_h = STEP.total_seconds() / 3600
    every = _Curves.of(power, step_h)
    nominal = planes.index((25.0, 0.0 if southern else 180.0))
    return _UnknownRoofs(
        _Curves(power[nominal], every.energy[nominal]),
        _Curves(power.min(axis=0), every.energy.min(axis=0)),
        power.max(axis=0),
        grid.ceiling(1000.0, 1000.0),
    )


class ModelBook:
    """The models of one check's sites (`model`), sharing what sites at one
    place share: the sun on a day grid per `PLACE_CELL_DEG` cell, and the
    plausible roofs of the sites without arrays, per kW."""

    def __init__(self, at: datetime):
        self.at = at
        self._grids: dict[tuple, _DayGrid] = {}
        self._unknown: dict[tuple, _UnknownRoofs] = {}

    def _grid(self, reading: Reading, when: datetime) -> tuple[tuple, _DayGrid]:
        local = when.astimezone(zone(reading.timezone))
        day = local.date()
        start = datetime.combine(day, time(0)).replace(tzinfo=local.tzinfo)
        tomorrow = datetime.combine(day + timedelta(days=1), time(0)).replace(tzinfo=local.tzinfo)
        end = min(max(self.at, when), tomorrow)
        nodes = max(math.ceil((end - start) / STEP), 1) + 1
        cell = (
            round(reading.latitude / PLACE_CELL_DEG) * PLACE_CELL_DEG,
            round(reading.longitude / PLACE_CELL_DEG) * PLACE_CELL_DEG,
        )
        key = (*cell, reading.timezone, day, nodes)
        grid = self._grids.get(key)
        if grid is None:
            grid = self._grids[key] = _day_grid(*cell, reading.timezone, day, nodes)
        return key, grid

    def model(self, reading: Reading, when: datetime) -> SiteModel:
        """The modelled output of `reading`'s site at `when` for each sky state."""
        key, grid = self._grid(reading, when)
        node, frac = grid.position(when)
        ac_w = site_capacity(reading)
        if reading.arrays:
            dc_w = sum(a.dc_kwp for a in reading.arrays) * 1000.0
            step_h = STEP.total_seconds() / 3600
            power, energy = _Curves.of(grid.power(reading.arrays, ac_w), step_h).at(node, frac)
            _, ceiling = grid.ceiling(dc_w, ac_w).at(node, frac)
            return SiteModel(True, dc_w, ac_w, energy, power, energy, power, power, float(ceiling))
        southern = reading.latitude < 0
        roofs = self._unknown.get((key, southern))
        if roofs is None:
            roofs = self._unknown[(key, southern)] = _unknown_roofs(grid, southern)
        scale = ac_w / 1000.0
        power, energy = roofs.nominal.at(node, frac)
        least_power, least_energy = roofs.least.at(node, frac)
        most = roofs.most_power[:, node] * (1.0 - frac) + roofs.most_power[:, node + 1] * frac
        _, ceiling = roofs.ceiling.at(node, frac)
        return SiteModel(
            False,
            ac_w,
            ac_w,
            energy * scale,
            power * scale,
            least_energy * scale,
            least_power * scale,
            most * scale,
            float(ceiling) * scale,
        )


def site_model(reading: Reading, at: datetime) -> SiteModel:
    """The modelled output of `reading`'s site at `at` for each sky state
    (one site alone: a check models its sites through one `ModelBook`)."""
    return ModelBook(at).model(reading, at)
