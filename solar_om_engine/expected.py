"""Expected output from physics (pvlib): what a roof produces under a given sky.

For one site and one instant the model computes, for a grid of sky states,
the AC power now and the AC energy since local midnight:

1. solar position (pvlib's analytical zenith and azimuth, Spencer's
   declination and equation of time) every 15 minutes since midnight;
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
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

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
# below this sun elevation (degrees) light comes in at grazing angles, where
# glass reflection, the horizon and the split of beam and diffuse light
# decide the output more than any model of the roof does
GRAZING_ELEVATION_DEG = 15.0
# a roof tells the sky only if a clear sky gives it at least this many times
# what an overcast does (all diffuse, BEAM_FROM_KC): one facing away from the
# sun lives on diffuse light, which the model knows least (the sky's
# brightness across the dome, the ground in front of it)
MIN_SKY_CONTRAST = 1.5


@dataclass(frozen=True)
class SiteModel:
    """Modelled AC output of one site for every sky state in `KC_GRID`.

    `energy_wh[k]` and `power_w[k]` are the site's (or, without arrays, the
    default equator-facing roof's); `*_min`/`*_max` bound them over the
    plausible roofs when the orientation is unknown (equal otherwise)."""

    oriented: bool
    dc_w: float
    ac_w: float
    energy_wh: np.ndarray
    power_w: np.ndarray
    energy_min_wh: np.ndarray
    energy_max_wh: np.ndarray
    power_min_w: np.ndarray
    power_max_w: np.ndarray
    # the most any roof of this DC could have made so far (a clear sky's beam
    # and diffuse light on a sun-tracking plane, no losses, clipped at AC)
    energy_ceiling_wh: float = 0.0
    # how high the sun has been today so far (degrees): the whole day's
    # light came in under it
    max_elevation_deg: float = 90.0
    # the share of the clear-sky energy so far that came with the sun below
    # GRAZING_ELEVATION_DEG (dawn; the midnight sun)
    grazing_share: float = 0.0

    @staticmethod
    def _at(curve: np.ndarray, kc: float) -> float:
        return float(np.interp(kc, KC_GRID, curve))

    def energy(self, kc: float) -> float:
        return self._at(self.energy_wh, kc)

    def power(self, kc: float) -> float:
        return self._at(self.power_w, kc)

    def power_min(self, kc: float) -> float:
        return self._at(self.power_min_w, kc)

    def energy_min(self, kc: float) -> float:
        return self._at(self.energy_min_wh, kc)

    def energy_max(self, kc: float) -> float:
        return self._at(self.energy_max_wh, kc)

    def power_max(self, kc: float) -> float:
        return self._at(self.power_max_w, kc)

    def power_least(self, darkest: float, brightest: float = KC_GRID[-1]) -> float:
        """The least power any plausible roof makes under any sky from
        `darkest` to `brightest`: not always under the darkest, since a
        roof facing away from the sun gets more diffuse light from an
        overcast than from a clear sky."""
        return _bound(self.power_min_w, darkest, brightest, np.min)

    def energy_least(self, darkest: float, brightest: float = KC_GRID[-1]) -> float:
        """The least energy so far under any sky from `darkest` to `brightest`."""
        return _bound(self.energy_min_wh, darkest, brightest, np.min)

    def energy_most(self, darkest: float, brightest: float) -> float:
        """The most energy so far under any sky from `darkest` to `brightest`
        (the other side of `energy_least`: a fault must be short of it before
        the site can be called normal)."""
        return _bound(self.energy_max_wh, darkest, brightest, np.max)

    @property
    def tells_sky_today(self) -> bool:
        """Whether the energy so far depends on the sky enough to tell it
        (and to be judged against it): False for a roof that has faced away
        from the sun all day so far."""
        return _contrasted(self.energy_wh)

    def sky_from_energy(self, energy_wh: float) -> float | None:
        return _invert(self.energy_wh, energy_wh)

    def sky_from_power(self, power_w: float) -> float | None:
        return _invert(self.power_w, power_w)

    def sky_from_power_max(self, power_w: float) -> float | None:
        """The darkest sky that explains `power_w` on any plausible roof."""
        return _invert(self.power_max_w, power_w)


def _bound(curve: np.ndarray, darkest: float, brightest: float, pick) -> float:
    """`pick` (np.min, np.max) of `curve` over the skies from `darkest` to `brightest`."""
    inside = KC_GRID[(KC_GRID > darkest) & (KC_GRID < brightest)]
    skies = np.concatenate(([darkest, max(darkest, brightest)], inside))
    return float(pick(np.interp(skies, KC_GRID, curve)))


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


def default_arrays(reading: Reading) -> tuple[Array, ...]:
    """Without arrays: the capacity as one roof facing the equator, 25° tilt."""
    azimuth = 180.0 if reading.latitude >= 0 else 0.0
    return (Array(site_capacity(reading) / 1000.0, 25.0, azimuth),)


def candidate_roofs(reading: Reading) -> list[tuple[Array, ...]]:
    kwp = site_capacity(reading) / 1000.0
    roofs = [(Array(kwp, 0.0, 180.0),)]
    roofs += [(Array(kwp, t, a),) for t in UNKNOWN_TILTS for a in UNKNOWN_AZIMUTHS]
    return roofs


@lru_cache(maxsize=4096)
def _linke_turbidity(lat_cell: float, lon_cell: float, month: int) -> float:
    when = pd.DatetimeIndex([pd.Timestamp(2020, month, 15, 12, tz="UTC")])
    value = clearsky.lookup_linke_turbidity(when, lat_cell, lon_cell, interp_turbidity=False)
    return float(value.iloc[0])


def _times(reading: Reading, at: datetime) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Slot midpoints from local midnight to `at` with their lengths in hours,
    then `at` itself with weight 0 (for the power now)."""
    local = at.astimezone(zone(reading.timezone))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    span = (local - midnight).total_seconds()
    step = STEP.total_seconds()
    n_full = int(span // step)
    mids = [midnight + STEP * i + STEP / 2 for i in range(n_full)]
    weights = [step / 3600.0] * n_full
    rest = span - n_full * step
    if rest > 0:
        mids.append(midnight + STEP * n_full + timedelta(seconds=rest / 2))
        weights.append(rest / 3600.0)
    mids.append(local)
    weights.append(0.0)
    times = pd.DatetimeIndex([t.astimezone(zone("UTC")) for t in mids])
    return times, np.asarray(weights)


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

    @property
    def max_elevation(self) -> float:
        return float(90.0 - self.zenith.min()) if len(self.zenith) else -90.0

    def grazing_share(self, power: np.ndarray) -> float:
        """The share of the energy of `power` (one value per time) made
        with the sun below GRAZING_ELEVATION_DEG."""
        energy = power @ self.weights
        grazing = (90.0 - self.zenith) < GRAZING_ELEVATION_DEG
        return float((power * grazing) @ self.weights / energy) if energy > 0 else 0.0

    def energy_ceiling(self, dc_w: float, ac_w: float) -> float:
        tracking = (self.dni + self.dhi) * CLOUD_ENHANCEMENT
        return float(np.minimum(dc_w * tracking / 1000.0, ac_w) @ self.weights)


def _sun(reading: Reading, at: datetime) -> _Sun:
    times, weights = _times(reading, at)
    return _sun_at(reading.latitude, reading.longitude, times, weights)


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


def _site_power(
    sun: _Sun, arrays: tuple[Array, ...], ac_w: float, kc: np.ndarray | None = None
) -> np.ndarray:
    """AC power, shape (len(KC_GRID), len(times)), or (len(times),) for one
    sky state per time when `kc` is given."""
    kc = KC_GRID[:, None] if kc is None else np.asarray(kc, dtype=float)
    # the beam fades as the sky darkens and is gone under BEAM_FROM_KC;
    # the rest of the global light is diffuse
    beam = np.clip((kc - BEAM_FROM_KC) / (1.0 - BEAM_FROM_KC), 0.0, 1.0)
    cos_z = np.clip(np.cos(np.radians(sun.zenith)), 0.0, None)
    ghi = kc * sun.ghi
    dni = beam * sun.dni
    dhi = np.clip(ghi - dni * cos_z, 0.0, None)
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


def clear_sky(sun: _Sun) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ghi, dni, dhi) of a clear sky at `sun`'s times."""
    return sun.ghi, sun.dni, sun.dhi


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


def site_model(reading: Reading, at: datetime) -> SiteModel:
    """The modelled output of `reading`'s site at `at` for each sky state."""
    sun = _sun(reading, at)
    ac_w = site_capacity(reading)
    if reading.arrays:
        power = _site_power(sun, reading.arrays, ac_w)
        energy = power @ sun.weights
        now = power[:, -1]
        dc_w = sum(a.dc_kwp for a in reading.arrays) * 1000.0
        ceiling = sun.energy_ceiling(dc_w, ac_w)
        clear = power[int(np.searchsorted(KC_GRID, 1.0))]
        return SiteModel(
            True,
            dc_w,
            ac_w,
            energy,
            now,
            energy,
            energy,
            now,
            now,
            ceiling,
            sun.max_elevation,
            sun.grazing_share(clear),
        )
    nominal = _site_power(sun, default_arrays(reading), ac_w)
    energies, powers = [], []
    for roof in candidate_roofs(reading):
        p = _site_power(sun, roof, ac_w)
        energies.append(p @ sun.weights)
        powers.append(p[:, -1])
    energies, powers = np.array(energies), np.array(powers)
    return SiteModel(
        False,
        ac_w,
        ac_w,
        nominal @ sun.weights,
        nominal[:, -1],
        energies.min(axis=0),
        energies.max(axis=0),
        powers.min(axis=0),
        powers.max(axis=0),
        sun.energy_ceiling(ac_w, ac_w),
        sun.max_elevation,
    )
