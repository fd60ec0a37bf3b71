"""A site's day series as the clients capture it, on the day judge's grid.

The vendors give a day's power in their own shapes: SolarEdge v2 `/power`
quarter hours stamped at their start, Enphase v4 `production_micro`
5-minute intervals stamped at their end (epoch seconds), APsystems'
minutely ECU samples as `HH:mm` in the system's zone, one series per ECU.
`on_grid` puts any of them on one grid: mean power per step from the site's
local midnight, wall clock (so a day always has 24 hours of steps; on the
day the clocks go back the repeated night hour is averaged, on the day they
go forward the skipped one is empty), `None` where the vendor had nothing.

A `DayCapture` is what a client hands out beside the `Reading` (in
`PollResult.series`) or from a call made for the day's series alone
(`client.day_series`): the grid, and until when it holds what the vendor
had (`captured_at`), so the daily close knows whether the evening is in it
(`dayclosing.covers_day`). `to_day_series` reads it as the day judge's
`series.DaySeries`, through `series.parse_series`, so a bad value is a
`SeriesError` naming the site, the day and the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .geo import zone
from .series import MINUTES_PER_DAY, DaySeries, SiteSpec, parse_series

# the step the 5-minute vendors (Enphase, APsystems) are kept at
FIVE_MINUTES = 5


@dataclass(frozen=True)
class DayCapture:
    """One site's day series as captured: `power_w` holds 1440 / step_minutes
    mean powers (W) from local midnight, None where the vendor had nothing,
    as it stood at `captured_at` (aware)."""

    site: str
    day: date
    step_minutes: int
    power_w: tuple[float | None, ...]
    captured_at: datetime

    def to_json(self) -> dict:
        """What the addon stores with the day (whole watts are enough)."""
        return {
            "step_minutes": self.step_minutes,
            "power_w": [None if p is None else round(p) for p in self.power_w],
        }

    @property
    def energy_wh(self) -> float:
        return sum(p for p in self.power_w if p is not None) * self.step_minutes / 60.0


def on_grid(
    points: Iterable[tuple[datetime, float | None]],
    day: date,
    tz: str,
    step_minutes: int,
) -> tuple[float | None, ...]:
    """Mean power per step of `day` from local midnight (wall clock) from
    `points`: (start of the interval, aware; its mean power in W or None).
    Points of another local day are left out; several on one step (a
    vendor's finer series, the repeated hour of a DST night) are averaged."""
    if step_minutes <= 0 or MINUTES_PER_DAY % step_minutes:
        raise ValueError(f"step must divide a day, got {step_minutes}")
    local = zone(tz)
    count = MINUTES_PER_DAY // step_minutes
    sums = [0.0] * count
    seen = [0] * count
    for start, value in points:
        moment = start.astimezone(local)
        if moment.date() != day or value is None:
            continue
        index = (moment.hour * 60 + moment.minute) // step_minutes
        sums[index] += value
        seen[index] += 1
    return tuple(s / n if n else None for s, n in zip(sums, seen, strict=True))


def local_midnight(day: date, tz: str) -> datetime:
    """The first instant of `day` in `tz` (aware)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone(tz))


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """The local day as [start, end) instants (23 or 25 hours on DST days)."""
    start = local_midnight(day, tz)
    return start, local_midnight(day + timedelta(days=1), tz)


def to_day_series(
    spec: SiteSpec, capture: DayCapture, device_energy_wh: list | None = None
) -> DaySeries:
    """The capture as the day judge reads it (SeriesError when a value is
    not production data)."""
    return parse_series(
        spec,
        capture.day,
        {"step_minutes": capture.step_minutes, "power_w": list(capture.power_w)},
        device_energy_wh,
    )


def from_json(site: str, day: date, data: dict | None, captured_at: datetime) -> DayCapture | None:
    """A capture stored by `to_json` (None when nothing was stored); the
    stored shape is checked when it is judged (`to_day_series`)."""
    if not data:
        return None
    return DayCapture(
        site,
        day,
        data.get("step_minutes"),
        tuple(data.get("power_w") or ()),
        captured_at,
    )
