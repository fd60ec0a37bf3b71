"""When a site can be judged: the sun's elevation at the site, from astral.

`astral.sun.sun()` raises ValueError wherever dawn or dusk does not happen
(polar day and night, and midsummer at high latitudes even with the sun up),
so every decision here uses `elevation()`, which is defined everywhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from astral import Observer
from astral.sun import elevation as _astral_elevation


def sun_elevation(latitude: float, longitude: float, at: datetime) -> float:
    """Degrees above the horizon (negative below) at an aware instant."""
    if at.tzinfo is None:
        raise ValueError("sun_elevation needs an aware datetime")
    return _astral_elevation(Observer(latitude, longitude), at)


def is_daylight(latitude: float, longitude: float, at: datetime, min_elevation: float) -> bool:
    return sun_elevation(latitude, longitude, at) >= min_elevation


def lit_since(
    latitude: float, longitude: float, at: datetime, span: timedelta, min_elevation: float = 0.0
) -> bool:
    """Whether the sun stayed above `min_elevation` over the whole `span` up to `at`.

    Within one daylight period elevation has a single maximum, so both ends
    above the line mean everything between is too; the midpoint catches a
    span that straddles a night (only possible for spans of many hours).
    """
    points = (at - span, at - span / 2, at)
    return all(sun_elevation(latitude, longitude, p) >= min_elevation for p in points)
