"""The normalised reading: one per site per check, whatever the vendor.

Vendor clients produce it; the classifier consumes it; `python -m
solar_om_engine check` reads it as JSON. Parsing names the site and the field
that is wrong, so one bad site can be reported without losing the others.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from .errors import EngineError
from .geo import GeoError, check_coordinates, check_timezone

CONNECTIONS = ("ethernet", "wifi", "cellular")


class ReadingError(EngineError, ValueError):
    """A reading that cannot be evaluated; says which site and which field."""

    def __init__(self, site: str, field: str, problem: str):
        self.site = site
        self.field = field
        self.problem = problem
        super().__init__(f"site {site!r}: field {field!r} {problem}")


@dataclass(frozen=True)
class Reading:
    site: str
    account: str
    vendor: str
    latitude: float
    longitude: float
    timezone: str
    capacity_w: float
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

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.last_report_at is not None:
            data["last_report_at"] = self.last_report_at.isoformat()
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


def _count(site, field, value):
    if value is None:
        return None
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


def parse_timestamp(site: str, field: str, value: Any) -> datetime | None:
    """ISO-8601 with an explicit offset; a naive time is refused because its
    zone would be a guess, and a guess is how false comms-loss alarms start."""
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
        raise ReadingError(site, field, f"has no UTC offset: {value!r}")
    return parsed


def parse_reading(data: Any) -> Reading:
    if not isinstance(data, dict):
        raise ReadingError("?", "(reading)", f"must be a JSON object, got {type(data).__name__}")
    site = data.get("site")
    if not isinstance(site, str) or not site.strip():
        raise ReadingError(str(site), "site", f"must be a non-empty string, got {site!r}")
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
    capacity = _number(site, "capacity_w", data.get("capacity_w"), required=True)
    if capacity <= 0:
        raise ReadingError(site, "capacity_w", f"must be > 0, got {capacity!r}")
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
        raise ReadingError(
            site,
            "devices_reporting",
            f"({devices_reporting}) exceeds devices_total ({devices_total})",
        )
    return Reading(
        site=site,
        account=_text(site, "account", data.get("account"), required=True),
        vendor=_text(site, "vendor", data.get("vendor"), required=True),
        latitude=latitude,
        longitude=longitude,
        timezone=tz,
        capacity_w=capacity,
        last_report_at=parse_timestamp(site, "last_report_at", data.get("last_report_at")),
        power_w=_number(site, "power_w", data.get("power_w"), minimum=0),
        energy_today_wh=_number(site, "energy_today_wh", data.get("energy_today_wh"), minimum=0),
        devices_total=devices_total,
        devices_reporting=devices_reporting,
        meter_energy_today_wh=_number(
            site, "meter_energy_today_wh", data.get("meter_energy_today_wh"), minimum=0
        ),
        vendor_status=_text(site, "vendor_status", data.get("vendor_status")),
        connection=connection,
        meter_expected=meter_expected,
    )
