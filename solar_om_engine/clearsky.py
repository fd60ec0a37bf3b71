"""Clear-sky expected energy for a site without peers.

Haurwitz global horizontal irradiance, GHI = 1098 cos(z) exp(-0.057 / cos(z))
W/m2 (pvlib's `clearsky.haurwitz`), integrated from local midnight in ten-
minute steps and scaled by capacity and a performance ratio. It is an upper
bound: clouds only lower it, which is why the classifier applies a looser
threshold when this is all it has (see `Thresholds`).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from .daylight import sun_elevation
from .geo import zone

STEP = timedelta(minutes=10)


def clear_sky_ghi(elevation_deg: float) -> float:
    if elevation_deg <= 0:
        return 0.0
    cos_z = math.sin(math.radians(elevation_deg))
    return 1098.0 * cos_z * math.exp(-0.057 / cos_z)


def expected_energy_today_wh(
    latitude: float,
    longitude: float,
    timezone: str,
    capacity_w: float,
    at: datetime,
    performance_ratio: float = 0.8,
) -> float:
    local = at.astimezone(zone(timezone))
    t = local.replace(hour=0, minute=0, second=0, microsecond=0)
    energy = 0.0
    hours = STEP.total_seconds() / 3600
    while t < local:
        ghi = clear_sky_ghi(sun_elevation(latitude, longitude, t + STEP / 2))
        energy += ghi / 1000.0 * capacity_w * performance_ratio * hours
        t += STEP
    return energy


def expected_power_w(
    latitude: float, longitude: float, capacity_w: float, at: datetime, performance_ratio=0.8
) -> float:
    return (
        clear_sky_ghi(sun_elevation(latitude, longitude, at))
        / 1000.0
        * capacity_w
        * performance_ratio
    )
