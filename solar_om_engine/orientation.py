"""A roof nobody entered, learned from the site's own clear hours.

Most fleets an installer inherits have no roof data. The shape of a site's
power over a clear day tells its roof: a roof facing east peaks in the
morning, a steep one is narrow around noon in summer, an east/west split is
broad and flat. For each day, every candidate roof's clear-sky power
(`expected.py`'s physics) is fitted to the day's power with a free scale
(least squares); the hours a cloud, a tree or the inverter's limit pulled
below the fit are set aside once, so a partly cloudy day still contributes
its clear hours. A day whose best fit leaves little residual is a clear
day; the candidates' residuals are summed over clear days, and the best
candidate is the inferred roof once `MIN_CLEAR_DAYS` agree.

This is a grid search over tilt, azimuth and east/west splits, the same
least-squares PVWatts fit that `pvanalytics.system.infer_orientation_fit_pvwatts`
makes with a local optimiser, but over a fixed grid: every day adds to the
same vector of residuals, which is all a site needs to keep between days.

The scale of the fit is the site's level (what it makes over the model of
its capacity); `dayhistory.py` decides whether to trust it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from .daymodel import LIT_ELEVATION_DEG, place_sun
from .expected import plane_dc, to_ac
from .readings import Array
from .series import DaySeries, SiteSpec

# candidate single planes: flat, and tilted every 10 degrees to 50 facing
# every 15 degrees of azimuth; east/west (and other opposed) splits of
# equal halves at 10-30 degrees
TILTS = (10.0, 20.0, 30.0, 40.0, 50.0)
AZIMUTHS = tuple(float(a) for a in range(0, 360, 15))
SPLIT_TILTS = (10.0, 20.0, 30.0)
SPLIT_AXES = tuple(float(a) for a in range(0, 180, 15))
# a day is clear when the best fit leaves at most this residual (RMS over
# the fitted steps, as a share of the RMS power)
CLEAR_RESIDUAL = 0.06
# at most this share of a day's lit steps may be set aside as below the fit
MAX_SET_ASIDE = 0.4
# a step more than this share below the first fit is set aside (a cloud, a
# shadow, the inverter's limit)
SET_ASIDE_BELOW = 0.1
# a roof is inferred once this many clear days were seen
MIN_CLEAR_DAYS = 1
# another candidate replaces the chosen one once its score is this much
# lower (a share of the chosen one's)
SWITCH_MARGIN = 0.2


@dataclass(frozen=True)
class Candidate:
    """One plausible roof: a single plane, or two equal halves facing
    `azimuth` and `azimuth + 180`."""

    tilt: float
    azimuth: float
    split: bool = False

    def arrays(self, kwp: float) -> tuple[Array, ...]:
        if not self.split:
            return (Array(round(kwp, 3), self.tilt, self.azimuth),)
        half = round(kwp / 2, 3)
        return (
            Array(half, self.tilt, self.azimuth),
            Array(half, self.tilt, (self.azimuth + 180.0) % 360.0),
        )

    def describe(self) -> str:
        if self.split:
            return f"{self.tilt:.0f}° split {self.azimuth:.0f}°/{(self.azimuth + 180) % 360:.0f}°"
        if self.tilt == 0:
            return "flat"
        return f"{self.tilt:.0f}° facing {self.azimuth:.0f}°"


def _candidates() -> tuple[Candidate, ...]:
    singles = [Candidate(0.0, 180.0)] + [Candidate(t, a) for t in TILTS for a in AZIMUTHS]
    splits = [Candidate(t, a, True) for t in SPLIT_TILTS for a in SPLIT_AXES]
    return tuple(singles + splits)


CANDIDATES = _candidates()
# how much a candidate's implausible scale weighs against its residual: a
# fit needing 20 % more than the capacity gives (log 1.2 = 0.18) costs what
# 0.9 points of residual do
SCALE_WEIGHT = 0.05


def _prior(candidate: Candidate) -> float:
    """Layouts installers rarely build cost a little residual: splits not
    facing east and west, single planes facing the pole."""
    if candidate.split:
        off = min(abs(candidate.azimuth - 90.0), abs(candidate.azimuth - 270.0))
        return 0.004 if off > 45.0 else 0.0
    return 0.0


PRIOR = np.array([_prior(c) for c in CANDIDATES])


@dataclass(frozen=True)
class DayFit:
    """One day's fit of every candidate: whether the day was clear, each
    candidate's residual and the log of its scale (what the site makes over
    the candidate's model at the site's capacity)."""

    clear: bool
    residuals: tuple[float, ...]
    log_scales: tuple[float, ...]


@dataclass(frozen=True)
class RoofEvidence:
    """What a site keeps between days to infer its roof: how many clear
    days, each candidate's residual and log scale summed over them, and the
    candidate in use (`chosen`, an index into CANDIDATES). The choice
    changes only when another candidate fits clearly better (by
    SWITCH_MARGIN): a site's level is learned against its roof, and a roof
    that flickered between two near-equal fits would unlearn it."""

    clear_days: int = 0
    residuals: tuple[float, ...] = ()
    log_scales: tuple[float, ...] = ()
    chosen: int | None = None

    def add(self, fit: DayFit) -> RoofEvidence:
        if not fit.clear:
            return self
        if not self.residuals:
            added = RoofEvidence(1, fit.residuals, fit.log_scales)
        else:
            added = RoofEvidence(
                self.clear_days + 1,
                tuple(a + b for a, b in zip(self.residuals, fit.residuals, strict=True)),
                tuple(a + b for a, b in zip(self.log_scales, fit.log_scales, strict=True)),
            )
        if added.clear_days < MIN_CLEAR_DAYS:
            return added
        scores = added.scores()
        best = int(np.argmin(scores))
        chosen = self.chosen
        if chosen is None or scores[best] < (1.0 - SWITCH_MARGIN) * scores[chosen]:
            chosen = best
        return replace(added, chosen=chosen)

    def scores(self) -> np.ndarray:
        """Each candidate's mean residual, plus what makes it implausible:
        a scale far from the site's capacity (one shape fits a flat roof
        and a steep one at another scale; the roof that needs no unusual
        losses or gains is the likelier) and an unusual layout."""
        n = max(self.clear_days, 1)
        residual = np.asarray(self.residuals) / n
        scale = np.abs(np.asarray(self.log_scales) / n)
        return residual + SCALE_WEIGHT * scale + PRIOR

    def best(self) -> Candidate | None:
        return None if self.chosen is None else CANDIDATES[self.chosen]

    def scale(self) -> float | None:
        """What the site made over the chosen roof's clear-sky model on its
        clear days (the geometric mean)."""
        if self.chosen is None or not self.clear_days:
            return None
        return float(np.exp(self.log_scales[self.chosen] / self.clear_days))


@lru_cache(maxsize=2048)
def _profiles(lat: float, lon: float, tz: str, day, step: int) -> np.ndarray:
    """Clear-sky AC power of every candidate per kWp, shape (candidates, steps)."""
    sun = place_sun(lat, lon, tz, day, step)
    ghi, dni, dhi = sun.ghi[None, :], sun.dni[None, :], sun.dhi[None, :]
    tilts = np.array([[0.0]] + [[t] for t in TILTS for _ in AZIMUTHS])
    azimuths = np.array([[180.0]] + [[a] for _ in TILTS for a in AZIMUTHS])
    single = to_ac(plane_dc(sun, tilts, azimuths, 1000.0, ghi, dni, dhi), 1000.0)
    index = {(0.0, 180.0): 0}
    for i, (t, a) in enumerate(((t, a) for t in TILTS for a in AZIMUTHS), start=1):
        index[(t, a)] = i
    splits = []
    for t in SPLIT_TILTS:
        for a in SPLIT_AXES:
            east = single[index[(t, a)]] if (t, a) in index else None
            west = single[index[(t, (a + 180.0) % 360.0)]]
            splits.append(0.5 * (east + west))
    return np.vstack([single, np.array(splits)])


def shape_fit(profiles: np.ndarray, power: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit each row of `profiles` (clear-sky power, one row per roof) to
    `power` (the same steps) with a free scale: (residual, scale, kept share)
    per row. The steps well below a first fit (a cloud, a shadow, the
    inverter's limit) are set aside once, unless that would be more than
    MAX_SET_ASIDE of them; the residual is the RMS misfit over the kept steps
    as a share of their RMS power, plus a penalty for what was set aside."""
    p = power
    m = profiles
    scale = (m @ p) / np.maximum((m * m).sum(axis=1), 1e-9)
    keep = p[None, :] >= (1.0 - SET_ASIDE_BELOW) * scale[:, None] * m
    enough = keep.mean(axis=1) >= 1.0 - MAX_SET_ASIDE
    keep = np.where(enough[:, None], keep, True)
    mk = np.where(keep, m, 0.0)
    pk = np.where(keep, p[None, :], 0.0)
    scale = (mk * pk).sum(axis=1) / np.maximum((mk * mk).sum(axis=1), 1e-9)
    resid = np.where(keep, p[None, :] - scale[:, None] * m, 0.0)
    kept = np.maximum(keep.sum(axis=1), 1)
    rms_power = np.sqrt((pk * pk).sum(axis=1) / kept)
    residual = np.sqrt((resid * resid).sum(axis=1) / kept) / np.maximum(rms_power, 1e-9)
    share = keep.mean(axis=1)
    return residual + (1.0 - share) * 0.1, scale, share


def lit_power(spec: SiteSpec, series: DaySeries) -> tuple[np.ndarray, np.ndarray] | None:
    """(power, mask) of the day's lit steps with data, or None where too
    little of the lit day was reported to fit a shape."""
    power = np.array([np.nan if p is None else p for p in series.power_w], dtype=float)
    sun = place_sun(spec.latitude, spec.longitude, spec.timezone, series.day, series.step_minutes)
    lit = (90.0 - sun.zenith) >= LIT_ELEVATION_DEG
    use = lit & np.isfinite(power)
    if use.sum() < max(8, 0.6 * lit.sum()) or np.nanmax(power[use], initial=0.0) <= 0:
        return None
    return power[use], use


def fit_day(spec: SiteSpec, series: DaySeries) -> DayFit | None:
    """Every candidate's fit to one day's power; None where the day has too
    little lit data to say anything."""
    lit = lit_power(spec, series)
    if lit is None:
        return None
    power, use = lit
    profiles = _profiles(
        round(spec.latitude, 2),
        round(spec.longitude, 2),
        spec.timezone,
        series.day,
        series.step_minutes,
    ) * (spec.capacity_w / 1000.0)
    residual, scale, _ = shape_fit(profiles[:, use], power)
    best = int(np.argmin(residual))
    return DayFit(
        bool(residual[best] <= CLEAR_RESIDUAL),
        tuple(float(r) for r in residual),
        tuple(float(x) for x in np.log(np.clip(scale, 1e-3, None))),
    )


def inferred_roof(evidence: RoofEvidence, spec: SiteSpec) -> tuple[Array, ...]:
    """The roof the evidence points at, sized to the site's capacity (empty
    until MIN_CLEAR_DAYS clear days were seen)."""
    best = evidence.best()
    return best.arrays(spec.capacity_w / 1000.0) if best else ()
