"""A site's day as the vendors give it: the power series from local midnight.

SolarEdge v2 `/power` returns the day's quarter hours in the call the health
check already makes; Enphase and APsystems give 5-minute series. The day
judge (`dayjudge.py`) reads them as `DaySeries`, one per site and day, and the
site itself as a `SiteSpec`. `python -m solar_om_engine days` reads both from
JSON; parsing names the site, the day and the field that is wrong, so one bad
site-day is reported and the others are still judged.

What merely looks odd is taken as meant: `null` is "no data" (a night, a gap,
a silent gateway), a small negative value is a standby draw (zero
production), a device's energy is missing where it did not report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from .geo import GeoError, check_coordinates, check_timezone, zone
from .readings import (
    CONNECTIONS,
    SMALL_NEGATIVE,
    SMALL_NEGATIVE_FRACTION,
    VENDORS,
    Array,
    ReadingError,
    parse_arrays,
)

MINUTES_PER_DAY = 24 * 60


class SeriesError(ReadingError):
    """A site-day that cannot be judged: names the site, the day and the field."""

    def __init__(self, site: str, day: date | str | None, field: str, problem: str):
        self.day = day
        where = f"{site!r} on {day}" if day is not None else repr(site)
        super().__init__(site, field, problem)
        self.args = (f"site {where}: field {field!r} {problem}",)

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class SiteSpec:
    """What the day judge knows of a site besides its production: where it
    is, how big, its roof (empty: unknown) and its devices."""

    site: str
    account: str
    vendor: str
    latitude: float
    longitude: float
    timezone: str
    # DC watts (the arrays' sum where they are known)
    capacity_w: float
    arrays: tuple[Array, ...] = ()
    devices_total: int | None = None
    connection: str | None = None

    @property
    def oriented(self) -> bool:
        return bool(self.arrays)

    @property
    def dc_kwp(self) -> float:
        if self.arrays:
            return sum(a.dc_kwp for a in self.arrays)
        return self.capacity_w / 1000.0


@dataclass(frozen=True)
class DaySeries:
    """One site's day: mean power per step from local midnight (None: no
    data), and optionally each device's energy that day (Wh, None where the
    device did not report), in the same device order every day."""

    site: str
    day: date
    step_minutes: int
    power_w: tuple[float | None, ...]
    device_energy_wh: tuple[float | None, ...] | None = None
    # how odd-looking input was read (standby draws): evidence
    notes: tuple[str, ...] = ()

    @property
    def steps(self) -> int:
        return len(self.power_w)

    @property
    def reported(self) -> int:
        """How many steps carry a value."""
        return sum(1 for p in self.power_w if p is not None)


def _number(site, day, field, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SeriesError(site, day, field, f"must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise SeriesError(site, day, field, f"must be a finite number, got {value!r}")
    return value


def parse_site(data: Any) -> SiteSpec:
    """A site of the `days` input, or SeriesError naming the site and field."""
    if not isinstance(data, dict):
        raise SeriesError("?", None, "(site)", f"must be a JSON object, got {type(data).__name__}")
    site = data.get("site")
    if not isinstance(site, str) or not site.strip():
        raise SeriesError(str(site), None, "site", f"must be a non-empty string, got {site!r}")

    def fail(field, problem):
        return SeriesError(site, None, field, problem)

    account = data.get("account")
    if not isinstance(account, str) or not account.strip():
        raise fail("account", f"must be a non-empty string, got {account!r}")
    vendor = data.get("vendor")
    if vendor not in VENDORS:
        raise fail("vendor", f"must be one of {', '.join(VENDORS)}, got {vendor!r}")
    for name in ("latitude", "longitude", "capacity_w"):
        if data.get(name) is None:
            raise fail(name, "is required")
    latitude = _number(site, None, "latitude", data["latitude"])
    longitude = _number(site, None, "longitude", data["longitude"])
    try:
        check_coordinates(latitude, longitude)
        check_timezone(data.get("timezone"))
    except GeoError as err:
        raise fail(err.field.replace("time zone", "timezone"), err.problem) from err
    capacity = _number(site, None, "capacity_w", data["capacity_w"])
    if capacity <= 0:
        raise fail("capacity_w", f"must be > 0, got {capacity!r}")
    try:
        arrays = parse_arrays(site, data.get("arrays"))
    except ReadingError as err:
        raise fail(err.field, err.problem) from err
    devices = data.get("devices_total")
    if isinstance(devices, float) and devices.is_integer():
        devices = int(devices)
    if devices is not None and (
        isinstance(devices, bool) or not isinstance(devices, int) or devices < 0
    ):
        raise fail("devices_total", f"must be a non-negative integer, got {devices!r}")
    connection = data.get("connection")
    if connection is not None and connection not in CONNECTIONS:
        raise fail("connection", f"must be one of {', '.join(CONNECTIONS)}, got {connection!r}")
    return SiteSpec(
        site=site,
        account=account,
        vendor=vendor,
        latitude=latitude,
        longitude=longitude,
        timezone=data["timezone"],
        capacity_w=capacity,
        arrays=arrays,
        devices_total=devices,
        connection=connection,
    )


def parse_series(spec: SiteSpec, day: date, data: Any, device_energy: Any = None) -> DaySeries:
    """One site's day of the `days` input (`data` is its `series` entry), or
    SeriesError naming the site, the day and the field."""
    site = spec.site

    def fail(field, problem):
        return SeriesError(site, day, field, problem)

    if not isinstance(data, dict):
        raise fail("series", f"must be an object with step_minutes and power_w, got {data!r}")
    step = data.get("step_minutes")
    if isinstance(step, float) and step.is_integer():
        step = int(step)
    if isinstance(step, bool) or not isinstance(step, int) or step <= 0 or MINUTES_PER_DAY % step:
        raise fail(
            "step_minutes", f"must be a whole number of minutes dividing a day, got {step!r}"
        )
    values = data.get("power_w")
    if not isinstance(values, list):
        raise fail("power_w", f"must be a list, got {type(values).__name__}")
    expected = MINUTES_PER_DAY // step
    if len(values) != expected:
        values = _on_wall_clock(spec.timezone, day, step, values)
    if len(values) != expected:
        raise fail(
            "power_w",
            f"must hold {expected} values (local midnight to midnight every {step} min), "
            f"got {len(values)}",
        )
    # a standby draw or a meter's night-time import reads as a few watts
    # below zero: zero production, not bad data
    tolerance = max(SMALL_NEGATIVE, SMALL_NEGATIVE_FRACTION * spec.capacity_w)
    power: list[float | None] = []
    standby = 0
    for index, value in enumerate(values):
        if value is None:
            power.append(None)
            continue
        value = _number(site, day, f"power_w[{index}]", value)
        if value < 0:
            if value < -tolerance:
                raise fail(
                    f"power_w[{index}]",
                    f"must be >= 0 (a standby draw is at most -{tolerance:g}), got {value!r}",
                )
            standby += 1
            value = 0.0
        power.append(value)
    notes = (f"{standby} negative values read as 0 W (standby draw)",) if standby else ()
    return DaySeries(site, day, step, tuple(power), _device_energy(spec, day, device_energy), notes)


def _on_wall_clock(tz: str, day: date, step: int, values: list) -> list:
    """A day when the clocks change has 23 or 25 hours: a series that holds
    its real steps (92 or 100 quarter hours) is put on the wall clock the
    judge reads, the skipped hour as no data, the repeated one averaged.
    Any other length is returned as it was (the caller names it)."""
    local = zone(tz)
    start = datetime.combine(day, time(0), tzinfo=local).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=local).astimezone(timezone.utc)
    real = int((end - start).total_seconds()) // (step * 60)
    if real == MINUTES_PER_DAY // step or len(values) != real:
        return values
    slots: list[list] = [[] for _ in range(MINUTES_PER_DAY // step)]
    for index, value in enumerate(values):
        wall = (start + timedelta(minutes=step * index)).astimezone(local)
        minute = wall.hour * 60 + wall.minute
        slots[minute // step].append(value)
    out: list = []
    for got in slots:
        known = [v for v in got if v is not None]
        if len(got) > 1 and known and all(isinstance(v, int | float) for v in known):
            out.append(sum(known) / len(known))
        else:
            out.append(got[0] if got else None)
    return out


def _device_energy(spec: SiteSpec, day: date, data: Any) -> tuple[float | None, ...] | None:
    if data is None:
        return None
    site = spec.site
    if not isinstance(data, list):
        raise SeriesError(
            site, day, "device_energy_wh", f"must be a list of Wh per device, got {data!r}"
        )
    energies: list[float | None] = []
    for index, value in enumerate(data):
        if value is None:
            energies.append(None)
            continue
        value = _number(site, day, f"device_energy_wh[{index}]", value)
        if value < -SMALL_NEGATIVE:
            raise SeriesError(
                site, day, f"device_energy_wh[{index}]", f"must be >= 0, got {value!r}"
            )
        # a device's standby overnight can leave its day a few Wh negative
        energies.append(max(value, 0.0))
    return tuple(energies)


def no_data(spec: SiteSpec, day: date, step_minutes: int = 15) -> DaySeries:
    """A day with nothing from the site (not in the vendor's answer at all)."""
    return DaySeries(
        spec.site,
        day,
        step_minutes,
        (None,) * (MINUTES_PER_DAY // step_minutes),
        None,
        ("no series for this day",),
    )


@dataclass(frozen=True)
class FleetDay:
    """One day of the `days` input: the series of every site (a site the
    day leaves out has `no_data`), and the site-days that could not be read
    (site -> SeriesError; those sites have no series)."""

    day: date
    series: dict[str, DaySeries]
    errors: dict[str, SeriesError] = field(default_factory=dict)


@dataclass(frozen=True)
class FleetInput:
    """The `days` input read: the sites, the days in date order, and what
    could not be read outside a site-day (a bad site, a bad date, a series
    of a site nobody listed)."""

    specs: dict[str, SiteSpec]
    days: list[FleetDay]
    errors: list[SeriesError]


def parse_fleet(data: Any) -> FleetInput:
    """The `days` input; SeriesError only where nothing can be read at all."""
    if not isinstance(data, dict) or not isinstance(data.get("sites"), list):
        raise SeriesError("?", None, "sites", "must be a list of sites")
    if not isinstance(data.get("days"), list):
        raise SeriesError("?", None, "days", "must be a list of days")
    errors: list[SeriesError] = []
    specs: dict[str, SiteSpec] = {}
    for item in data["sites"]:
        try:
            spec = parse_site(item)
        except SeriesError as error:
            errors.append(error)
            continue
        if spec.site in specs:
            errors.append(SeriesError(spec.site, None, "site", "is listed twice"))
            continue
        specs[spec.site] = spec
    dated = []
    for index, item in enumerate(data["days"]):
        try:
            day = date.fromisoformat(item["date"])
        except (KeyError, TypeError, ValueError):
            errors.append(SeriesError("?", None, f"days[{index}].date", "must be YYYY-MM-DD"))
            continue
        dated.append((day, index, item))
    days = []
    for day, _, item in sorted(dated, key=lambda d: (d[0], d[1])):
        day_data, day_errors = _fleet_day(specs, day, item)
        errors.extend(day_errors)
        days.append(day_data)
    return FleetInput(specs, days, errors)


def _fleet_day(specs: dict[str, SiteSpec], day: date, item: dict) -> tuple[FleetDay, list]:
    given = item.get("series") or {}
    devices = item.get("device_energy_wh") or {}
    errors = []
    if not isinstance(given, dict) or not isinstance(devices, dict):
        errors.append(
            SeriesError("?", day, "series", "and device_energy_wh must be objects by site")
        )
        given, devices = {}, {}
    for site in sorted(given.keys() - specs.keys()):
        errors.append(SeriesError(str(site), day, "site", "is not among the sites"))
    series, broken = {}, {}
    for site, spec in specs.items():
        if site not in given:
            series[site] = no_data(spec, day)
            continue
        try:
            series[site] = parse_series(spec, day, given[site], devices.get(site))
        except SeriesError as error:
            broken[site] = error
    return FleetDay(day, series, broken), errors
