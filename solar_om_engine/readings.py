"""The normalised reading: one per site per check, whatever the vendor.

Vendor clients produce it; the classifier consumes it; `python -m
solar_om_engine check` reads it as JSON. Parsing names the site and the field
that is wrong, so one bad site can be reported without losing the others.

Real vendor data looks odd in ways that are not errors, and those are taken
as they are meant, each with a note the verdict carries as evidence: a
standby draw of a few watts (-3 W) is zero production, a count sent as 24.0
is 24, more devices reporting than listed (a replaced micro still listed) is
all of them, a time without offset is the site's local time (SolarEdge sends
those), and a site whose capacity is unknown is judged only on what needs no
capacity. What cannot be read is still refused, naming site and field.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .errors import EngineError
from .geo import GeoError, check_coordinates, check_timezone, zone

CONNECTIONS = ("ethernet", "wifi", "cellular")
VENDORS = ("solaredge", "enphase", "apsystems")
# A negative power or energy at most this far below zero is a standby draw
# or a meter's night-time import, i.e. zero production (W or Wh; or this
# fraction of the capacity when that is larger). Anything further below is
# not production data and is refused.
SMALL_NEGATIVE = 100.0
SMALL_NEGATIVE_FRACTION = 0.01


class ReadingError(EngineError, ValueError):
    """A reading that cannot be evaluated; says which site and which field."""

    def __init__(self, site: str, field: str, problem: str):
        self.site = site
        self.field = field
        self.problem = problem
        super().__init__(f"site {site!r}: field {field!r} {problem}")


@dataclass(frozen=True)
class Array:
    """One roof plane: DC peak power, tilt from horizontal and azimuth
    clockwise from north (180 = south), in degrees."""

    dc_kwp: float
    tilt: float
    azimuth: float


@dataclass(frozen=True)
class Reading:
    site: str
    account: str
    vendor: str
    latitude: float
    longitude: float
    timezone: str
    # None when the site's capacity is unknown: only what needs none is judged
    capacity_w: float | None
    last_report_at: datetime | None
    power_w: float | None
    energy_today_wh: float | None
    devices_total: int | None = None
    devices_reporting: int | None = None
    meter_energy_today_wh: float | None = None
    vendor_status: str | None = None
    # Optional extensions: how the gateway reaches the cloud (cellular ones
    # report every 6 h) and whether the site has a production meter.
    connection: str | None = None
    meter_expected: bool = False
    # Optional: the site's roof arrays (empty: orientation unknown) and its
    # own ratio to the physical model on recent good days (permanent shading
    # and design losses), which the addon stores and passes back.
    arrays: tuple[Array, ...] = ()
    history_ratio: float | None = None
    # how odd-looking input was read (clamped, capped, localised): evidence
    notes: tuple[str, ...] = ()

    @property
    def calibration(self) -> float:
        """What the model is multiplied by for this site: its history ratio,
        1 without history."""
        return self.history_ratio or 1.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.last_report_at is not None:
            data["last_report_at"] = self.last_report_at.isoformat()
        data["notes"] = list(self.notes)
        return data


def _number(site, field, value, *, required=False, minimum=None):
    if value is None:
        if required:
            raise ReadingError(site, field, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ReadingError(site, field, f"must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ReadingError(site, field, f"must be a finite number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ReadingError(site, field, f"must be >= {minimum}, got {value!r}")
    return value


def _production(site, field, value, capacity, notes):
    """Power or energy: a small negative is a standby draw, read as 0."""
    value = _number(site, field, value)
    if value is None or value >= 0:
        return value
    tolerance = max(SMALL_NEGATIVE, SMALL_NEGATIVE_FRACTION * (capacity or 0.0))
    if value < -tolerance:
        raise ReadingError(
            site, field, f"must be >= 0 (a standby draw is at most -{tolerance:g}), got {value!r}"
        )
    notes.append(f"{field} {value:g} read as 0 (standby draw)")
    return 0.0


def _count(site, field, value):
    if value is None:
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)  # JSON writers that only know floats send 24.0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ReadingError(site, field, f"must be a non-negative integer, got {value!r}")
    return value


def _text(site, field, value, *, required=False):
    if value is None:
        if required:
            raise ReadingError(site, field, "is required")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ReadingError(site, field, f"must be a non-empty string, got {value!r}")
    return value


def parse_timestamp(site: str, field: str, value: Any, tz: str | None = None) -> datetime | None:
    """ISO-8601. A time without offset is read in `tz`, the site's zone (the
    vendors that send such times mean the site's local time); with no zone to
    read it in it is refused, because a guessed zone is how false comms-loss
    alarms start. In the repeated hour of a DST change the later instant is
    taken: a report then looks an hour fresher, never an hour staler."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ReadingError(site, field, f"must be an ISO-8601 string, got {value!r}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as err:
        raise ReadingError(site, field, f"is not an ISO-8601 timestamp: {value!r}") from err
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        if tz is None:
            raise ReadingError(site, field, f"has no UTC offset: {value!r}")
        parsed = parsed.replace(tzinfo=zone(tz), fold=1)
    return parsed


def parse_arrays(site: str, value: Any) -> tuple[Array, ...]:
    """Roof arrays as the reading carries them, or ReadingError naming the
    array and field (also what the site form checks)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ReadingError(site, "arrays", f"must be a list of arrays, got {value!r}")
    arrays = []
    for index, item in enumerate(value):
        field = f"arrays[{index}]"
        if not isinstance(item, dict):
            raise ReadingError(site, field, f"must be an object, got {item!r}")
        kwp = _number(site, f"{field}.dc_kwp", item.get("dc_kwp"), required=True)
        tilt = _number(site, f"{field}.tilt", item.get("tilt"), required=True)
        azimuth = _number(site, f"{field}.azimuth", item.get("azimuth"), required=True)
        if kwp <= 0:
            raise ReadingError(site, f"{field}.dc_kwp", f"must be > 0, got {kwp!r}")
        if not 0.0 <= tilt <= 90.0:
            raise ReadingError(site, f"{field}.tilt", f"must be 0-90 degrees, got {tilt!r}")
        if not 0.0 <= azimuth <= 360.0:
            raise ReadingError(site, f"{field}.azimuth", f"must be 0-360 degrees, got {azimuth!r}")
        arrays.append(Array(kwp, tilt, azimuth % 360.0))
    return tuple(arrays)


def parse_reading(data: Any) -> Reading:
    if not isinstance(data, dict):
        raise ReadingError("?", "(reading)", f"must be a JSON object, got {type(data).__name__}")
    site = data.get("site")
    if not isinstance(site, str) or not site.strip():
        raise ReadingError(str(site), "site", f"must be a non-empty string, got {site!r}")
    notes: list[str] = []
    given_notes = data.get("notes") or []
    if not isinstance(given_notes, list) or not all(isinstance(n, str) for n in given_notes):
        raise ReadingError(site, "notes", f"must be a list of strings, got {given_notes!r}")
    notes.extend(given_notes)
    vendor = _text(site, "vendor", data.get("vendor"), required=True)
    if vendor not in VENDORS:
        raise ReadingError(site, "vendor", f"must be one of {', '.join(VENDORS)}, got {vendor!r}")
    latitude = _number(site, "latitude", data.get("latitude"), required=True)
    longitude = _number(site, "longitude", data.get("longitude"), required=True)
    try:
        check_coordinates(latitude, longitude)
    except GeoError as err:
        raise ReadingError(site, err.field, err.problem) from err
    tz = data.get("timezone")
    try:
        check_timezone(tz)
    except GeoError as err:
        raise ReadingError(site, "timezone", err.problem) from err
    capacity = _number(site, "capacity_w", data.get("capacity_w"))
    if capacity is not None and capacity <= 0:
        raise ReadingError(site, "capacity_w", f"must be > 0 when given, got {capacity!r}")
    if capacity is None:
        notes.append("capacity unknown: production not compared with what was due")
    connection = _text(site, "connection", data.get("connection"))
    if connection is not None and connection not in CONNECTIONS:
        raise ReadingError(site, "connection", f"must be one of {', '.join(CONNECTIONS)}")
    meter_expected = data.get("meter_expected", False)
    if not isinstance(meter_expected, bool):
        raise ReadingError(site, "meter_expected", f"must be true or false, got {meter_expected!r}")
    devices_total = _count(site, "devices_total", data.get("devices_total"))
    devices_reporting = _count(site, "devices_reporting", data.get("devices_reporting"))
    if (
        devices_total is not None
        and devices_reporting is not None
        and devices_reporting > devices_total
    ):
        notes.append(
            f"{devices_reporting} devices reporting of {devices_total} listed: "
            f"read as {devices_total} of {devices_total} (a replaced device still listed)"
        )
        devices_reporting = devices_total
    raw_report = data.get("last_report_at")
    last_report = parse_timestamp(site, "last_report_at", raw_report, tz)
    if last_report is not None and isinstance(last_report.tzinfo, ZoneInfo):
        notes.append(f"last_report_at {raw_report!r} has no offset: read in the site's zone {tz}")
    return Reading(
        site=site,
        account=_text(site, "account", data.get("account"), required=True),
        vendor=vendor,
        latitude=latitude,
        longitude=longitude,
        timezone=tz,
        capacity_w=capacity,
        last_report_at=last_report,
        power_w=_production(site, "power_w", data.get("power_w"), capacity, notes),
        energy_today_wh=_production(
            site, "energy_today_wh", data.get("energy_today_wh"), capacity, notes
        ),
        devices_total=devices_total,
        devices_reporting=devices_reporting,
        meter_energy_today_wh=_production(
            site, "meter_energy_today_wh", data.get("meter_energy_today_wh"), capacity, notes
        ),
        vendor_status=_text(site, "vendor_status", data.get("vendor_status")),
        connection=connection,
        meter_expected=meter_expected,
        arrays=parse_arrays(site, data.get("arrays")),
        history_ratio=_history_ratio(site, data.get("history_ratio")),
        notes=tuple(notes),
    )


def _history_ratio(site, value):
    ratio = _number(site, "history_ratio", value)
    if ratio is not None and not 0.05 <= ratio <= 2.0:
        raise ReadingError(site, "history_ratio", f"must be between 0.05 and 2, got {ratio!r}")
    return ratio
