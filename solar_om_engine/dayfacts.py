"""The facts of one site's day: what it made, hour by hour, against what its
roof makes under the sky its neighbours saw.

`fleet_day_facts` models every site of a fleet for one local day
(`daymodel.py`), turns each witness's power into the sky that explains it,
takes each site's neighbours' sky step by step, and sums measured and due
energy per hour. The rules (`dayrules.py`) read nothing else: a `DayFacts`
is everything a day's verdict rests on, so the verdict can be explained and
replayed.

Words used throughout:

- *lit*: the sun at least `LIT_ELEVATION_DEG` up at the step's midpoint;
- *sky*: the clear-sky index, the fraction of clear-sky light that reached
  the ground (`expected.KC_GRID`); one index describes the weather whatever
  a roof faces, which is why neighbours with other roofs can report it;
- *due*: what the site's roof makes under its neighbours' sky (the model's
  figure; the site's own *level* for that kind of sky, `levels.py`, is
  the rules' to apply);
- *performance index* (PI): made over due times level, per hour or per day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from .daymodel import KC_OVERCAST, LIT_ELEVATION_DEG, RoofModel, roof_model
from .geo import distances_km, radius_cells
from .levels import Level, Levels, learn
from .orientation import shape_fit
from .readings import Array
from .series import DaySeries, SiteSpec

# a roof's power is read as a sky only where it makes at least this share
# of its clear-sky output at noon (dawn and dusk say little of the sky)
MIN_WITNESS_SHARE = 0.05
# neighbours: within this radius (km), the nearest `MAX_PEERS` of those
# reporting at a step; the sky they tell is *close* with at least
# `MIN_PEERS` of them within CLOSE_PEER_KM (clouds are a few km across:
# neighbours further out tell the kind of day, not the site's own clouds)
PEER_RADIUS_KM = 100.0
CLOSE_PEER_KM = 50.0
MAX_PEERS = 8
# of those within the radius, the nearest this many are kept (enough for
# MAX_PEERS to report at every step when some are silent)
NEAR_KEPT = 4 * MAX_PEERS
MIN_PEERS = 3
# the neighbours' spread of the day is measured from this many or more
SPREAD_PEERS = 4
# neighbours facing another way are worse witnesses of what the sky gives
# a roof (an overcast lights a roof facing away from the sun better than
# the model says, one facing the sun worse): each degree between two roofs'
# facings weighs like this many km of distance when choosing neighbours
KM_PER_FACING_DEGREE = 0.3
# the overcast under which a working roof still makes something (the
# darkest daylight sky a healthy site is judged under when nobody tells the
# sky): a fraction of the clear-sky irradiance
OVERCAST_SKY = 0.2
# plausible roofs of a site whose roof is not known: flat, and 10-45 degrees
# facing each of eight directions
BOUND_TILTS = (10.0, 25.0, 45.0)
BOUND_AZIMUTHS = tuple(float(a) for a in range(0, 360, 45))

ROOF_ENTERED = "entered"
ROOF_INFERRED = "inferred"
ROOF_UNKNOWN = "unknown"


@dataclass(frozen=True)
class SiteKnowledge:
    """What the site's history taught about it (`dayhistory.py`), as the day
    judge needs it: its level, its roof where it was inferred, its
    inverter's limit and its devices' usual shares."""

    levels: Levels = learn(())
    inferred_roof: tuple[Array, ...] = ()
    ac_limit_w: float | None = None
    device_shares: tuple[float, ...] | None = None
    # a fault is open on the site: it does not tell its neighbours the sky
    faulty: bool = False


@dataclass(frozen=True)
class DayFacts:
    """Everything one site's day is judged on. Per-hour tuples have 24
    entries, one per local hour; None where the hour has nothing."""

    spec: SiteSpec
    day: date
    roof: str
    levels: Levels
    # lit hours (sun >= LIT_ELEVATION_DEG) and those with data
    lit_hours: float
    reported_lit_hours: float
    # lit hours after the last report of the day (a gateway gone silent)
    silent_lit_hours: float
    # whether anything at all was reported (nights included)
    reported_any: bool
    # per hour: made (Wh) over the steps with data; due over the same
    # steps: the roof's model under the neighbours' sky, or, for a roof not
    # known yet, what the neighbours make per kWp (None: nobody told);
    # clear-sky model; the least any plausible roof makes under an
    # overcast; the neighbours' sky
    made_wh: tuple[float | None, ...]
    due_wh: tuple[float | None, ...]
    clear_wh: tuple[float | None, ...]
    floor_wh: tuple[float | None, ...]
    # per hour: the least any plausible roof makes under the neighbours'
    # sky (a roof not known yet is at least that)
    bound_wh: tuple[float | None, ...]
    sky: tuple[float | None, ...]
    # the hours counted lit (fraction of the hour's steps lit)
    lit_share: tuple[float, ...]
    # per hour: the hours of lit data behind `made_wh` (0 to 1)
    data_hours: tuple[float, ...]
    # the highest sun of the day (degrees)
    max_elevation_deg: float
    # how many neighbours told the sky (the median over the lit steps)
    peers: int
    # the nearest neighbours' distance (the MIN_PEERS-th, or the farthest
    # of fewer, km; None: none)
    peer_km: float | None
    # devices: each one's energy (Wh, None: not reporting) and the day's
    # usual shares (from history) where known
    device_energy_wh: tuple[float | None, ...] | None = None
    device_shares: tuple[float, ...] | None = None
    # how much more a clear sky gives the roof today than an overcast does
    # (energy over the lit day; None: no roof): a roof facing the sun gains
    # three or four times, one facing away little, and its model is then
    # least sure (its light is diffuse and grazing)
    contrast: float | None = None
    # how far the neighbours' own ratios of made to due spread today (None:
    # too few): how sure a comparison can be before the site's level is
    # learned, measured rather than assumed
    neighbour_spread: float | None = None
    # the day's power against the roof's own clear-sky shape (a clear day
    # fits it closely): misfit, scale (made over the clear-sky model) and
    # the share of lit steps kept (None: no roof, or too little data)
    clear_fit: tuple[float, float, float] | None = None
    notes: tuple[str, ...] = ()

    @property
    def level(self) -> Level:
        """The site's level for today's sky."""
        return self.levels.at(self.day_sky)

    def mean_power_w(self, hour: int) -> float | None:
        """The hour's mean power over its steps with data."""
        made, span = self.made_wh[hour], self.data_hours[hour]
        return None if made is None or span <= 0 else made / span

    def mean_due_w(self, hour: int) -> float | None:
        """The hour's mean power due over the same steps: under the
        neighbours' sky, else under an overcast on the least favourable
        plausible roof."""
        due = self.due_wh[hour] if self.due_wh[hour] is not None else self.floor_wh[hour]
        span = self.data_hours[hour]
        return None if due is None or span <= 0 else due / span

    @property
    def close_sky(self) -> bool:
        """Whether the neighbours who told the sky were close and many
        enough to share the site's clouds (else they tell the kind of day)."""
        return (
            self.peers >= MIN_PEERS and self.peer_km is not None and self.peer_km <= CLOSE_PEER_KM
        )

    @property
    def day_sky(self) -> float | None:
        """The neighbours' sky over the day, each hour weighted by what a
        clear sky gives the roof then (None where nobody told the sky)."""
        pairs = [
            (k, c)
            for k, c in zip(self.sky, self.clear_wh, strict=True)
            if k is not None and c is not None and c > 0
        ]
        weight = sum(c for _, c in pairs)
        return sum(k * c for k, c in pairs) / weight if weight > 0 else None

    @property
    def made_total_wh(self) -> float:
        return sum(v for v in self.made_wh if v is not None)

    def totals(self, hours: list[int] | None = None) -> tuple[float, float]:
        """(made, due) over the hours where both are known."""
        made = due = 0.0
        for h in hours if hours is not None else range(24):
            if self.made_wh[h] is not None and self.due_wh[h] is not None:
                made += self.made_wh[h]
                due += self.due_wh[h]
        return made, due

    def hourly_pi(self, min_due_share: float = 0.0) -> list[tuple[int, float, float]]:
        """(hour, PI, due Wh) for each hour with energy due, at least
        `min_due_share` of the day's largest hour."""
        dues = [d for d in self.due_wh if d]
        if not dues:
            return []
        floor = min_due_share * max(dues)
        return [
            (h, self.made_wh[h] / due, due)
            for h, due in enumerate(self.due_wh)
            if due and due > 0 and due >= floor and self.made_wh[h] is not None
        ]


@dataclass(frozen=True)
class _Modelled:
    spec: SiteSpec
    series: DaySeries
    power: np.ndarray
    model: RoofModel | None
    bound: RoofModel | None
    roof: str
    levels: Levels
    sky: np.ndarray  # per step; NaN where the site does not tell the sky
    # the roof's mean facing (unit normal, DC-weighted); None: unknown
    normal: np.ndarray | None = None
    # a fault is open on the site: it tells its neighbours nothing
    faulty: bool = False


def _roof(spec: SiteSpec, knowledge: SiteKnowledge) -> tuple[tuple[Array, ...], str]:
    if spec.arrays:
        return spec.arrays, ROOF_ENTERED
    if knowledge.inferred_roof:
        return knowledge.inferred_roof, ROOF_INFERRED
    return (), ROOF_UNKNOWN


def _bound_model(spec: SiteSpec, series: DaySeries) -> RoofModel:
    """The least any plausible roof makes, step by step and per sky (a site
    whose roof is not known yet is held to that, so that a deep shortfall is
    caught from the first day)."""
    kwp = spec.capacity_w / 1000.0
    roofs = [(Array(kwp, 0.0, 180.0),)] + [
        (Array(kwp, t, a),) for t in BOUND_TILTS for a in BOUND_AZIMUTHS
    ]
    models = [
        roof_model(spec.latitude, spec.longitude, spec.timezone, series.day, series.step_minutes, r)
        for r in roofs
    ]
    least = np.minimum.reduce([m.power for m in models])
    first = models[0]
    return RoofModel(least, first.elevation, first.step_hours)


def _model_site(spec: SiteSpec, series: DaySeries, knowledge: SiteKnowledge) -> _Modelled:
    power = np.array([np.nan if p is None else p for p in series.power_w], dtype=float)
    arrays, roof = _roof(spec, knowledge)
    levels = knowledge.levels
    model = bound = None
    if arrays:
        model = roof_model(
            spec.latitude,
            spec.longitude,
            spec.timezone,
            series.day,
            series.step_minutes,
            arrays,
            knowledge.ac_limit_w,
        )
    bound = _bound_model(spec, series) if model is None else model
    sky = np.full(power.shape, np.nan)
    if model is not None and not knowledge.faulty:
        lit = model.clear >= MIN_WITNESS_SHARE * max(float(model.clear.max()), 1e-9)
        sky = np.where(lit, model.sky_from_power(power / levels.witness), np.nan)
    return _Modelled(
        spec,
        series,
        power,
        model,
        bound,
        roof,
        levels,
        sky,
        _normal(arrays),
        knowledge.faulty,
    )


def _normal(arrays: tuple[Array, ...]) -> np.ndarray | None:
    """The DC-weighted mean of the planes' unit normals (east/west halves
    add up to a flat roof's, which is how such a roof meets an overcast)."""
    if not arrays:
        return None
    total = np.zeros(3)
    for a in arrays:
        tilt, azimuth = np.radians(a.tilt), np.radians(a.azimuth)
        total += a.dc_kwp * np.array(
            [np.sin(tilt) * np.sin(azimuth), np.sin(tilt) * np.cos(azimuth), np.cos(tilt)]
        )
    norm = np.linalg.norm(total)
    return total / norm if norm > 0 else None


def _neighbours(sites: list[_Modelled], serves) -> dict[str, list[tuple[float, _Modelled]]]:
    """Each site's nearest NEAR_KEPT neighbours within PEER_RADIUS_KM that
    `serves` accepts, nearest first (a neighbour facing another way counts
    as further). Bucketed in cells about a radius wide and measured a cell
    at a time in numpy, and only the nearest kept: a city of thousands of
    sites costs a distance per pair in C, not a list of thousands per site
    (the judge reads the nearest MAX_PEERS that report at each step)."""
    cell = radius_cells([m.spec.latitude for m in sites], PEER_RADIUS_KM)
    grid: dict[tuple[int, int], list[_Modelled]] = defaultdict(list)
    for m in sites:
        if serves(m):
            grid[cell(m.spec.latitude, m.spec.longitude)].append(m)
    placed: dict[tuple[int, int], list[_Modelled]] = defaultdict(list)
    for m in sites:
        placed[cell(m.spec.latitude, m.spec.longitude)].append(m)
    near: dict[str, list[tuple[float, _Modelled]]] = {}
    for (gx, gy), here in placed.items():
        others = [
            o for dx in (-1, 0, 1) for dy in (-1, 0, 1) for o in grid.get((gx + dx, gy + dy), ())
        ]
        if not others:
            near.update((m.spec.site, []) for m in here)
            continue
        lat = np.array([o.spec.latitude for o in others])
        lon = np.array([o.spec.longitude for o in others])
        normals = np.array([o.normal if o.normal is not None else np.zeros(3) for o in others])
        facing = np.array([o.normal is not None for o in others])
        index_of = {o.spec.site: i for i, o in enumerate(others)}
        for m in here:
            km = distances_km(m.spec.latitude, m.spec.longitude, lat, lon)
            if m.spec.site in index_of:
                km[index_of[m.spec.site]] = np.inf  # not its own neighbour
            ok = km <= PEER_RADIUS_KM
            score = km
            if m.normal is not None:
                degrees = np.degrees(np.arccos(np.clip(normals @ m.normal, -1.0, 1.0)))
                score = km + np.where(facing, KM_PER_FACING_DEGREE * degrees, 0.0)
            index = np.flatnonzero(ok)
            if index.size > NEAR_KEPT:
                index = index[np.argpartition(score[index], NEAR_KEPT)[:NEAR_KEPT]]
            index = index[np.argsort(score[index], kind="stable")]
            near[m.spec.site] = [(float(score[i]), others[i]) for i in index]
    return near


def _neighbours_sky(
    m: _Modelled, near: list[tuple[float, _Modelled]]
) -> tuple[np.ndarray, int, float | None]:
    """The sky of the site's nearest MAX_PEERS witnesses reporting at each
    step (their median), NaN where none reports."""
    steps = len(m.power)
    sky = np.full(steps, np.nan)
    if not near:
        return sky, 0, None
    # align the witnesses' steps to the site's (series of other step lengths
    # are resampled by repeating or averaging)
    stacked = np.vstack([_resample(other.sky, steps) for _, other in near])
    finite = np.isfinite(stacked)
    # the nearest MAX_PEERS with a value at each step
    rank = np.cumsum(finite, axis=0)
    use = finite & (rank <= MAX_PEERS)
    count = use.sum(axis=0)
    values = np.where(use, stacked, np.nan)
    ok = count >= 1
    if ok.any():
        sky[ok] = np.nanmedian(values[:, ok], axis=0)
    lit_counts = count[ok]
    peers = int(np.median(lit_counts)) if lit_counts.size else 0
    return sky, peers, near[min(MIN_PEERS, len(near)) - 1][0]


def _resample(values: np.ndarray, steps: int) -> np.ndarray:
    """A neighbour's series on the site's steps: each repeated onto the
    steps both lengths divide, then averaged over each of the site's steps
    (NaN where none of them has data). Finer steps are averaged, coarser
    ones repeated, and lengths neither divides (10 and 15 minutes) meet on
    their common multiple."""
    if len(values) == steps:
        return values
    common = int(np.lcm(len(values), steps))
    blocks = np.repeat(values, common // len(values)).reshape(steps, common // steps)
    counts = np.isfinite(blocks).sum(axis=1)
    sums = np.nansum(blocks, axis=1)
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _hourly(values: np.ndarray, step_minutes: int, valid: np.ndarray) -> tuple:
    """Sum per local hour over the valid steps (Wh from W); None where no
    step of the hour is valid."""
    per_hour = 60 // step_minutes if step_minutes <= 60 else 1
    hours = len(values) // per_hour
    out = []
    for h in range(min(hours, 24)):
        part = slice(h * per_hour, (h + 1) * per_hour)
        mask = valid[part]
        out.append(float(values[part][mask].sum() * step_minutes / 60.0) if mask.any() else None)
    return tuple(out) + (None,) * (24 - len(out))


def _peer_yield(m: _Modelled, near) -> tuple[np.ndarray, int, float | None]:
    """What the site's kWp makes at each step as its nearest MAX_PEERS
    reporting neighbours do per kWp (their median), NaN where none reports."""
    steps = len(m.power)
    if not near:
        return np.full(steps, np.nan), 0, None
    stacked = np.vstack([_resample(o.power, steps) / o.spec.dc_kwp for _, o in near])
    finite = np.isfinite(stacked)
    use = finite & (np.cumsum(finite, axis=0) <= MAX_PEERS)
    count = use.sum(axis=0)
    values = np.where(use, stacked, np.nan)
    out = np.full(steps, np.nan)
    ok = count >= 1
    if ok.any():
        out[ok] = np.nanmedian(values[:, ok], axis=0) * m.spec.dc_kwp
    peers = int(np.median(count[ok])) if ok.any() else 0
    return out, peers, near[min(MIN_PEERS, len(near)) - 1][0]


def _facts(m: _Modelled, near, producers=()) -> DayFacts:
    series, step = m.series, m.series.step_minutes
    base = m.model or m.bound
    elevation = base.elevation
    lit = elevation >= LIT_ELEVATION_DEG
    reported = np.isfinite(m.power)
    sky, peers, peer_km = _neighbours_sky(m, near)
    # an unknown roof: what its neighbours make per kWp is due; the least
    # any plausible roof makes under their sky bounds it
    bound = m.bound.power_under(sky)
    if m.model is None:
        due, peers, peer_km = _peer_yield(m, producers)
    else:
        due = m.model.power_under(sky)
    step_h = step / 60.0
    last = int(np.flatnonzero(reported)[-1]) if reported.any() else -1
    after_last = np.arange(len(m.power)) > last
    floor = m.bound.power_under(np.full(len(m.power), OVERCAST_SKY))
    clear = base.clear
    made_valid = reported & lit
    due_valid = made_valid & np.isfinite(due)
    per_hour = max(60 // step, 1)
    lit_share = tuple(
        float(lit[h * per_hour : (h + 1) * per_hour].mean()) if h * per_hour < len(lit) else 0.0
        for h in range(24)
    )
    made = _hourly(np.nan_to_num(m.power), step, made_valid)
    data_hours = tuple(
        float(made_valid[h * per_hour : (h + 1) * per_hour].sum() * step_h) for h in range(24)
    )
    notes = series.notes
    return DayFacts(
        spec=m.spec,
        day=series.day,
        roof=m.roof,
        levels=m.levels,
        lit_hours=float(lit.sum() * step_h),
        reported_lit_hours=float((lit & reported).sum() * step_h),
        silent_lit_hours=float((lit & after_last).sum() * step_h),
        reported_any=bool(reported.any()),
        made_wh=made,
        due_wh=_hourly(np.nan_to_num(due), step, due_valid),
        clear_wh=_hourly(clear, step, made_valid),
        floor_wh=_hourly(np.nan_to_num(floor), step, made_valid),
        bound_wh=_hourly(np.nan_to_num(bound), step, made_valid & np.isfinite(bound)),
        sky=tuple(
            None
            if not np.isfinite(sky[h * per_hour : (h + 1) * per_hour]).any()
            else float(np.nanmean(sky[h * per_hour : (h + 1) * per_hour]))
            for h in range(24)
        ),
        lit_share=lit_share,
        data_hours=data_hours,
        max_elevation_deg=float(elevation.max()),
        peers=peers,
        peer_km=peer_km,
        device_energy_wh=series.device_energy_wh,
        clear_fit=_clear_fit(m, lit),
        contrast=_contrast(m.model, lit),
        notes=notes,
    )


def _contrast(model: RoofModel | None, lit: np.ndarray) -> float | None:
    if model is None:
        return None
    overcast = float(model.power_under(np.full(len(lit), KC_OVERCAST))[lit].sum())
    clear = float(model.clear[lit].sum())
    return clear / overcast if overcast > 0 else None


def _clear_fit(m: _Modelled, lit: np.ndarray) -> tuple[float, float, float] | None:
    use = lit & np.isfinite(m.power)
    if m.model is None or use.sum() < max(8, 0.6 * lit.sum()) or not m.power[use].max() > 0:
        return None
    residual, scale, kept = shape_fit(m.model.clear[use][None, :], m.power[use])
    return float(residual[0]), float(scale[0]), float(kept[0])


def fleet_day_facts(
    specs: Mapping[str, SiteSpec],
    series: Mapping[str, DaySeries],
    knowledge: Mapping[str, SiteKnowledge],
) -> dict[str, DayFacts]:
    """The facts of every site of `series` for its day (all on the same
    local date): one model per site, its neighbours' sky, hour by hour."""
    modelled = [
        _model_site(specs[site], s, knowledge.get(site, SiteKnowledge()))
        for site, s in series.items()
    ]
    near = _neighbours(modelled, lambda m: np.isfinite(m.sky).any())
    # a roof not known yet is compared with what its neighbours make per kWp:
    # every one that reports, an open fault or not: its days counted while
    # its fault was being confirmed, and dropping it once its ticket opened
    # moved the median (a healthy east/west roof among south roofs in winter
    # looked short when its east/west neighbours dropped out)
    unknown = any(m.model is None for m in modelled)
    producers = _neighbours(modelled, lambda m: np.isfinite(m.power).any()) if unknown else {}
    facts = {}
    for m in modelled:
        facts[m.spec.site] = _facts(m, near[m.spec.site], producers.get(m.spec.site, ()))
    ratios = {site: _day_ratio(f) for site, f in facts.items()}
    for m in modelled:
        site = m.spec.site
        shares = knowledge[site].device_shares if site in knowledge else None
        facts[site] = replace(
            facts[site],
            device_shares=shares,
            neighbour_spread=_spread([ratios[o.spec.site] for _, o in near[site]]),
        )
    return facts


def _day_ratio(facts: DayFacts) -> float | None:
    """What a site made today over what was due, at its level for the sky."""
    made, due = facts.totals()
    if due <= 0 or facts.roof == ROOF_UNKNOWN:
        return None
    return made / (due * facts.level.level)


def _spread(ratios: list[float | None]) -> float | None:
    """How far today's ratios of the nearest MAX_PEERS neighbours spread
    (the scaled median absolute deviation around their median), from
    SPREAD_PEERS of them or more."""
    known = [r for r in ratios if r is not None][:MAX_PEERS]
    if len(known) < SPREAD_PEERS:
        return None
    middle = float(np.median(known))
    if middle <= 0:
        return None
    return 1.4826 * float(np.median([abs(r / middle - 1.0) for r in known]))
