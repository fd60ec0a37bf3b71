"""Small synthetic fleets for the day judge's tests, made with the engine's
own physics (`daymodel.roof_model`): a site's power is its roof's model
under a given sky times a factor, so what is due and what was made are
known without hand-typed figures.

The default place is Phoenix in March: a ten-hour lit day, a clear-sky
index read back exactly from a neighbour's power.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

import numpy as np

from solar_om_engine.dayfacts import DayFacts, SiteKnowledge, fleet_day_facts
from solar_om_engine.daymodel import LIT_ELEVATION_DEG, RoofModel, roof_model
from solar_om_engine.dayrules import judge_day
from solar_om_engine.readings import Array
from solar_om_engine.series import DaySeries, SiteSpec

LAT, LON, TZ = 33.45, -112.07, "America/Phoenix"
PLACE = (LAT, LON, TZ)
DAY = date(2025, 3, 10)
ROOF = (Array(6.0, 25.0, 180.0),)
CAPACITY_W = 6000.0
# a bright day under the neighbours' sky (the clear-sky index, `expected.KC_GRID`)
SKY = 0.8
# about 67 km north: further than dayfacts.CLOSE_PEER_KM, within PEER_RADIUS_KM
FAR = (LAT + 0.6, LON, TZ)


def spec(name: str, arrays=ROOF, place=PLACE, **over) -> SiteSpec:
    fields = dict(capacity_w=CAPACITY_W, devices_total=None)
    fields.update(over)
    return SiteSpec(name, "acc", "solaredge", *place, arrays=arrays, **fields)


def model(day: date = DAY, step: int = 15, arrays=ROOF, place=PLACE) -> RoofModel:
    return roof_model(*place, day, step, arrays)


def lit_steps(day: date = DAY, step: int = 15, place=PLACE) -> np.ndarray:
    """Indices of the day's lit steps (sun >= LIT_ELEVATION_DEG)."""
    return np.flatnonzero(model(day, step, place=place).elevation >= LIT_ELEVATION_DEG)


def power(
    sky: float = SKY,
    factor: float | Callable[[float], float] = 1.0,
    day: date = DAY,
    step: int = 15,
    arrays=ROOF,
    place=PLACE,
) -> list[float | None]:
    """The roof's power under `sky` times `factor` (a number, or a function
    of the step's local hour), null while the sun is down (as the vendors
    send a night)."""
    m = model(day, step, arrays, place)
    due = m.power_under(np.full(m.power.shape[1], float(sky)))
    out: list[float | None] = []
    for i, p in enumerate(due):
        hour = (i + 0.5) * step / 60.0
        f = factor(hour) if callable(factor) else factor
        out.append(float(p * f) if m.elevation[i] > 0 else None)
    return out


def series(name: str, values: Sequence[float | None], day: date = DAY, step: int = 15, **kw):
    return DaySeries(name, day, step, tuple(values), **kw)


def neighbours(count: int = 4, place=PLACE, prefix: str = "N") -> dict[str, SiteSpec]:
    return {f"{prefix}{i}": spec(f"{prefix}{i}", place=place) for i in range(count)}


def day_facts(
    target: list[float | None] | DaySeries,
    target_spec: SiteSpec | None = None,
    peers: dict[str, SiteSpec] | None = None,
    sky: float = SKY,
    knowledge: SiteKnowledge | None = None,
    day: date = DAY,
    step: int = 15,
    peer_power: dict[str, list[float | None]] | None = None,
    devices: tuple[float | None, ...] | None = None,
) -> DayFacts:
    """The facts of site "S" among `peers` (four close healthy neighbours
    by default) who make exactly their model under `sky`."""
    target_spec = target_spec or spec("S")
    peers = neighbours() if peers is None else peers
    specs = {"S": target_spec, **peers}
    days = {
        "S": target
        if isinstance(target, DaySeries)
        else series("S", target, day, step, device_energy_wh=devices)
    }
    for name, peer in peers.items():
        values = (peer_power or {}).get(name) or power(
            sky, day=day, place=(peer.latitude, peer.longitude, peer.timezone)
        )
        days[name] = series(name, values, day)
    known = {"S": knowledge} if knowledge is not None else {}
    return fleet_day_facts(specs, days, known)["S"]


def judge(target, **kw):
    return judge_day(day_facts(target, **kw))


def days(start: date = DAY, count: int = 1):
    return [start + timedelta(days=i) for i in range(count)]
