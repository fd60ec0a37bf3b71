"""What a roof makes over a whole day, step by step, for every sky state.

The day judge compares a site's measured power series with this model under
the sky its neighbours saw at each step. The physics is `expected.py`'s
(pvlib: solar position, Ineichen clear sky, Hay-Davies transposition,
PVWatts), evaluated at the midpoints of the series' steps from local
midnight. Solar position and clear-sky irradiance depend only on the place
and the step, so they are computed once per place (rounded to ~1 km), day
and step length, and shared by the sites there.

A `RoofModel` is one roof's AC power for every clear-sky index in
`expected.KC_GRID` (rows) at every step (columns). It turns a measured power
into the sky that explains it (`sky_from_power`) and a sky into the power
due (`power_under`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from .expected import BEAM_FROM_KC, KC_GRID, MIN_SKY_CONTRAST, _site_power, _Sun, _sun_at
from .geo import zone
from .readings import Array

# a step is lit with the sun this high (degrees): below, light comes in at
# grazing angles the model knows least
LIT_ELEVATION_DEG = 10.0
# the sites sharing a place share its sun: coordinates rounded to ~1 km
PLACE_DECIMALS = 2
KC_CLEAR = int(np.searchsorted(KC_GRID, 1.0))
KC_OVERCAST = float(BEAM_FROM_KC)


@lru_cache(maxsize=8192)
def day_sun(latitude: float, longitude: float, tz: str, day: date, step_minutes: int) -> _Sun:
    """The sun and clear-sky irradiance at the midpoint of each step of the
    local day (weights: the steps' length in hours)."""
    local = zone(tz)
    step = timedelta(minutes=step_minutes)
    midnight = datetime.combine(day, time(0))
    count = 24 * 60 // step_minutes
    mids = [(midnight + step * i + step / 2).replace(tzinfo=local) for i in range(count)]
    times = pd.DatetimeIndex([t.astimezone(zone("UTC")) for t in mids])
    weights = np.full(count, step_minutes / 60.0)
    return _sun_at(latitude, longitude, times, weights)


def place_sun(latitude: float, longitude: float, tz: str, day: date, step_minutes: int) -> _Sun:
    return day_sun(
        round(latitude, PLACE_DECIMALS), round(longitude, PLACE_DECIMALS), tz, day, step_minutes
    )


@dataclass(frozen=True)
class RoofModel:
    """One roof's modelled AC power (W) per sky state (rows: KC_GRID) and
    step (columns)."""

    power: np.ndarray
    # the sun's elevation at each step (degrees)
    elevation: np.ndarray
    step_hours: float

    @property
    def clear(self) -> np.ndarray:
        """Power under a clear sky at each step."""
        return self.power[KC_CLEAR]

    @property
    def contrast(self) -> np.ndarray:
        """Per step: whether a clear sky gives the roof clearly more than an
        overcast (a roof facing away from the sun cannot tell the sky)."""
        overcast = np.array([np.interp(KC_OVERCAST, KC_GRID, col) for col in self.power.T])
        return self.clear >= MIN_SKY_CONTRAST * np.maximum(overcast, 1e-9)

    def sky_from_power(self, power: np.ndarray) -> np.ndarray:
        """The clear-sky index that explains each step's power (NaN where the
        power is missing, or the roof cannot tell the sky)."""
        mono = np.maximum.accumulate(self.power, axis=0)
        sky = np.full(power.shape, np.nan)
        for j in np.flatnonzero(np.isfinite(power) & self.contrast & (self.clear > 0)):
            column = mono[:, j]
            sky[j] = KC_GRID[-1] if power[j] >= column[-1] else np.interp(power[j], column, KC_GRID)
        return sky

    def power_under(self, sky: np.ndarray) -> np.ndarray:
        """The power due at each step under that step's clear-sky index
        (NaN where the sky is unknown)."""
        out = np.full(sky.shape, np.nan)
        for j in np.flatnonzero(np.isfinite(sky)):
            out[j] = np.interp(sky[j], KC_GRID, self.power[:, j])
        return out


def roof_model(
    latitude: float,
    longitude: float,
    tz: str,
    day: date,
    step_minutes: int,
    arrays: tuple[Array, ...],
    ac_w: float | None = None,
) -> RoofModel:
    """The model of `arrays` at the place for that day; `ac_w` is the
    inverter's limit where known (else the arrays' DC: no clipping)."""
    sun = place_sun(latitude, longitude, tz, day, step_minutes)
    dc_w = sum(a.dc_kwp for a in arrays) * 1000.0
    power = _site_power(sun, arrays, ac_w or dc_w)
    return RoofModel(power, 90.0 - sun.zenith, step_minutes / 60.0)
