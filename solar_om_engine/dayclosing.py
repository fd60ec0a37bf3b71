"""When a site's day is closed, with which sites, and on which series.

The day judge (`replay.close_day`) compares each site with its neighbours
under the same sky, so the sites of one local date are closed together, once
the sun has left the last of them. These are the rules of that schedule,
for the addon's daily close (and anyone replaying it):

- a day is **over** at a place once the sun has dropped below the day
  judge's lit elevation (`daymodel.LIT_ELEVATION_DEG`) for the evening and
  the last lit step has ended, plus `READY_MARGIN` (a vendor's last quarter
  is published once it ends); a day of midnight sun is over at midnight;
- the sites sharing a UTC offset on that date share the date's boundaries,
  so they are closed as one **group** (`group_key`), once the day is over at
  every place of the group (`group_ready`); neighbours across an offset
  border are judged apart;
- a captured series **covers the day** when it was captured at most
  `SERIES_TAIL` before the lit day ended (`covers_day`): the last liveness
  pass of the afternoon is enough; an earlier one (a production slot at
  mid-afternoon) is not, and the day's series is asked once after sunset;
- a group too big for one transaction is split into **parts** that never
  separate two sites the day judge could compare (`parts`): sites are
  linked through the neighbour grid of `dayfacts` (cells of the peer
  radius; a site's neighbours lie in its own cell and the 8 around it), so
  each connected set of cells is judged exactly as in one call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache

import numpy as np

from .capture import day_bounds, local_midnight
from .dayfacts import PEER_RADIUS_KM
from .daymodel import LIT_ELEVATION_DEG, place_sun
from .geo import radius_cells, zone

# the vendors publish a step once it has ended: wait this long after the
# last lit step before the day is closed
READY_MARGIN = timedelta(minutes=20)
# a captured series this close to the end of the lit day holds the day
SERIES_TAIL = timedelta(hours=1)
# the steps the sun is sampled at to find the end of the lit day
SUN_STEP_MINUTES = 15
# days behind today a missed close is still made up (the server was down)
CATCH_UP_DAYS = 1


def place(latitude: float, longitude: float) -> tuple[float, float]:
    """The place a site's sun is taken at for scheduling (1 degree: the lit
    day ends within a few minutes across it, well inside READY_MARGIN)."""
    return float(round(latitude)), float(round(longitude))


@lru_cache(maxsize=8192)
def lit_day_end(latitude: float, longitude: float, tz: str, day: date) -> datetime:
    """When the last lit step of `day` ends at the place (aware, local);
    local midnight after the day under a midnight sun, the day's first
    instant when the sun never gets high enough (nothing to wait for)."""
    sun = place_sun(latitude, longitude, tz, day, SUN_STEP_MINUTES)
    lit = np.flatnonzero((90.0 - np.asarray(sun.zenith)) >= LIT_ELEVATION_DEG)
    start, end = day_bounds(day, tz)
    if not lit.size:
        return start
    last = int(lit[-1]) + 1
    if last * SUN_STEP_MINUTES >= 24 * 60:
        return end
    wall = datetime.combine(day, datetime.min.time()) + timedelta(minutes=SUN_STEP_MINUTES * last)
    return wall.replace(tzinfo=zone(tz))


def day_over(latitude: float, longitude: float, tz: str, day: date, at: datetime) -> bool:
    """Whether `day` is over at the place at `at` (see the module's rules)."""
    if at >= day_bounds(day, tz)[1]:
        return True
    return at >= lit_day_end(latitude, longitude, tz, day) + READY_MARGIN


def group_key(tz: str, day: date) -> tuple[date, int]:
    """The sites closed together: one local date at one UTC offset
    (minutes east of UTC, at local noon)."""
    noon = local_midnight(day, tz) + timedelta(hours=12)
    offset = noon.utcoffset() or timedelta(0)
    return day, int(offset.total_seconds() // 60)


def days_to_close(tz: str, at: datetime) -> list[date]:
    """The local dates a site of zone `tz` may still have open at `at`,
    oldest first: today and up to CATCH_UP_DAYS before."""
    today = at.astimezone(zone(tz)).date()
    return [today - timedelta(days=k) for k in range(CATCH_UP_DAYS, -1, -1)]


def group_ready(places: Iterable[tuple[float, float, str]], day: date, at: datetime) -> bool:
    """Whether `day` is over at every place (latitude, longitude, zone) of a group."""
    return all(day_over(lat, lon, tz, day, at) for lat, lon, tz in places)


def covers_day(
    captured_at: datetime | None, latitude: float, longitude: float, tz: str, day: date
) -> bool:
    """Whether a series captured at `captured_at` holds the whole lit day."""
    if captured_at is None:
        return False
    end = lit_day_end(*place(latitude, longitude), tz, day)
    return captured_at >= end - SERIES_TAIL


def parts(sites: Mapping[str, tuple[float, float]], limit: int) -> list[list[str]]:
    """`sites` (key -> latitude, longitude) split into lists of at most
    `limit` sites (a linked set bigger than that stays whole) such that two
    sites the day judge could compare as neighbours are always in one list."""
    cell = radius_cells([lat for lat, _ in sites.values()], PEER_RADIUS_KM)
    members: dict[tuple[int, int], list[str]] = defaultdict(list)
    for key, (lat, lon) in sites.items():
        members[cell(lat, lon)].append(key)
    parent = {c: c for c in members}

    def root(c):
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for gx, gy in members:
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                other = (gx + dx, gy + dy)
                if other in parent:
                    a, b = root((gx, gy)), root(other)
                    if a != b:
                        parent[a] = b
    linked: dict[tuple[int, int], list[str]] = defaultdict(list)
    for c in sorted(members):
        linked[root(c)].extend(sorted(members[c]))
    out: list[list[str]] = []
    current: list[str] = []
    for group in sorted(linked.values(), key=lambda g: g[0]):
        if current and len(current) + len(group) > limit:
            out.append(current)
            current = []
        current.extend(group)
    if current:
        out.append(current)
    return out
