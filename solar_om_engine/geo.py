"""Site geometry checks shared by the Odoo models and the reading parser.

One place decides what a valid coordinate or time zone is, so a site that
Odoo accepts is a site the engine can evaluate.
"""

from __future__ import annotations

import math
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from .errors import EngineError


class GeoError(EngineError, ValueError):
    """A coordinate or time zone that cannot describe a real site."""

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{field} {problem}")


def check_coordinates(latitude: float | None, longitude: float | None) -> None:
    if latitude is not None and not (
        isinstance(latitude, (int, float)) and math.isfinite(latitude)
    ):
        raise GeoError("latitude", f"must be a number, got {latitude!r}")
    if longitude is not None and not (
        isinstance(longitude, (int, float)) and math.isfinite(longitude)
    ):
        raise GeoError("longitude", f"must be a number, got {longitude!r}")
    if latitude is not None and not -90.0 <= latitude <= 90.0:
        raise GeoError("latitude", f"must be between -90 and 90 degrees, got {latitude}")
    if longitude is not None and not -180.0 <= longitude <= 180.0:
        raise GeoError("longitude", f"must be between -180 and 180 degrees, got {longitude}")


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name, or GeoError naming the bad value."""
    if not isinstance(name, str) or not name or name != name.strip():
        raise GeoError("time zone", f"{name!r} is unknown: use an IANA name such as Europe/Berlin")
    return _zone(name)


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError) as err:
        raise GeoError(
            "time zone", f"{name!r} is unknown: use an IANA name such as Europe/Berlin"
        ) from err


def check_timezone(name: str) -> None:
    zone(name)


def has_coordinates(latitude: float | None, longitude: float | None) -> bool:
    """Odoo stores an unset float as 0.0: (0, 0) in the Gulf of Guinea is taken
    as "no coordinates", never as a site."""
    return latitude is not None and longitude is not None and (latitude, longitude) != (0.0, 0.0)


def distances_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distances (haversine), enough to find a site's
    neighbours: degrees in, km out, numpy arrays broadcast against each
    other (one site against many, or sites x others)."""
    rlat1, rlat2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((rlat2 - rlat1) / 2) ** 2
        + np.cos(rlat1) * np.cos(rlat2) * np.sin(np.radians(np.subtract(lon2, lon1)) / 2) ** 2
    )
    return 6371.0 * 2 * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The distance between two points (`distances_km`)."""
    return float(distances_km(lat1, lon1, lat2, lon2))


def radius_cells(latitudes, radius_km: float):
    """A function placing a point in a grid of cells at least `radius_km`
    wide and high over every one of `latitudes` (a degree of longitude
    narrows away from the equator), so two points `radius_km` apart are in
    the same or touching cells: the bucketing behind linear-cost neighbour
    searches."""
    widest = min(max((abs(lat) for lat in latitudes), default=0.0), 85.0)
    high = radius_km / 111.0
    wide = high / math.cos(math.radians(widest))
    return lambda lat, lon: (int(lat // high), int(lon // wide))
