"""What the clients' per-device call returns: each device's energy of one
local day, per site, keyed by the vendor's serial (`devices.DeviceDay`).

One call a site a day, at the day's close (`costs.COSTS[...].device_calls`):

- Enphase v4 `GET /api/v4/systems/inverters_summary_by_envoy_or_site?site_id=`
  (every micro's lifetime energy; the day is the difference with the
  previous close's reading, passed back in as `baselines`);
- SolarEdge v2 `GET /v2/sites/{id}/inverters/telemetry?resolution=HOUR`
  from the site's local midnight (each inverter's hourly energy);
- APsystems `GET /{profile}/api/v2/systems/{sid}/devices/inverter/batch/energy/{eid}
  ?energy_level=energy&date_range=YYYY-MM-DD` per ECU (each micro channel's
  day), after the system's details (its ECUs).

A payload of the wrong shape is a `DeviceEnergyError` that names the vendor,
the site and the field, and concerns that site only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..devices import DeviceDay
from .base import CallResult, PayloadError


class DeviceEnergyError(PayloadError):
    """A per-device answer the client cannot read: names site and field."""

    def __init__(self, vendor: str, site_ref: str, field_name: str, problem: str):
        self.vendor, self.site_ref, self.field = vendor, site_ref, field_name
        super().__init__(f"{vendor}: site {site_ref}: field {field_name!r} {problem}")


@dataclass(frozen=True)
class SiteDeviceDay:
    """One site's devices on one local day, sorted by key. `per_channel`:
    the keys are `<uid>-<channel>` (APsystems), one per micro input."""

    site: str
    vendor_ref: str
    day: date
    devices: tuple[DeviceDay, ...]
    per_channel: bool = False
    notes: tuple[str, ...] = ()

    def by_key(self) -> dict[str, DeviceDay]:
        return {d.key: d for d in self.devices}


@dataclass(kw_only=True)
class DeviceEnergyResult(CallResult):
    # site key -> its devices' day
    sites: dict[str, SiteDeviceDay] = field(default_factory=dict)
