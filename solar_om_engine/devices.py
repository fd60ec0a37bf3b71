"""Each device's energy of one day, as the vendors give it, laid out in the
order of the site's own devices: what `DaySeries.device_energy_wh` and the
day rule `DeadDevices` read.

The vendors give a device's day in three ways (`docs/vendors.md`):

- Enphase v4 `inverters_summary_by_envoy_or_site` gives each micro's
  *lifetime* energy: the day's energy is the lifetime at the day's close
  minus the lifetime at the previous day's close (`from_lifetime`);
- SolarEdge v2 `inverters/telemetry` gives each inverter's energy per hour:
  the day is their sum;
- APsystems `devices/inverter/batch/energy` gives the day's energy of each
  input ("channel") of each micro, keyed `<uid>-<channel>`: a site that
  lists the micro (`<uid>`) gets the sum of its channels (`for_devices`).

A device either made a measured energy, did not report that day (*silent*:
`None` to the day judge, which reads it as down when its siblings produced),
or reported without a day's energy that can be told (*no baseline*: a micro
whose lifetime at the day's start is unknown, its first day or after a
replacement). A day with a device of the last kind is not compared at all
(`day_energies` gives None): a gap in our own records is not a dead micro.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

# a lifetime counter may step back this much (Wh) between two readings
# (rounding, a vendor recount) and still be read as "made nothing"
COUNTER_JITTER_WH = 5.0
# the channel suffix APsystems puts on a micro's uid: "<uid>-<channel>"
_CHANNEL = re.compile(r"^(?P<uid>.+)-(?P<channel>\d{1,2})$")


class DeviceState(str, Enum):
    MEASURED = "measured"
    # the device did not report that day: None to the day judge
    SILENT = "silent"
    # it reported, but its day's energy cannot be told (no lifetime at the
    # day's start, or a counter that went backwards)
    NO_BASELINE = "no_baseline"


@dataclass(frozen=True)
class DeviceDay:
    """One device's day as a vendor reported it. `key` is the vendor's
    serial (APsystems: `<uid>-<channel>`)."""

    key: str
    state: DeviceState
    energy_wh: float | None = None
    # Enphase: the lifetime counter at the reading (the next day's baseline)
    lifetime_wh: float | None = None
    model: str | None = None
    vendor_status: str | None = None
    last_report_at: datetime | None = None


def norm(serial: str | None) -> str:
    """Serials compare without case or surrounding blanks."""
    return (serial or "").strip().upper()


def from_lifetime(
    key: str,
    lifetime_wh: float | None,
    baseline_wh: float | None,
    reported_on_day: bool,
    **info,
) -> DeviceDay:
    """A device's day from its lifetime counter read at the day's close and
    the one read at the previous day's close (`baseline_wh`)."""
    if not reported_on_day or lifetime_wh is None:
        return DeviceDay(key, DeviceState.SILENT, None, lifetime_wh, **info)
    if baseline_wh is None:
        return DeviceDay(key, DeviceState.NO_BASELINE, None, lifetime_wh, **info)
    made = lifetime_wh - baseline_wh
    if made < -COUNTER_JITTER_WH:
        # a counter that went back is not a day's energy (a swapped unit)
        return DeviceDay(key, DeviceState.NO_BASELINE, None, lifetime_wh, **info)
    return DeviceDay(key, DeviceState.MEASURED, max(made, 0.0), lifetime_wh, **info)


def from_energies(key: str, energies_wh: Sequence[float | None], **info) -> DeviceDay:
    """A device's day from its energy per period (hours, or the day as one):
    their sum; silent when no period has a value."""
    known = [e for e in energies_wh if e is not None]
    if not known:
        return DeviceDay(key, DeviceState.SILENT, None, **info)
    return DeviceDay(key, DeviceState.MEASURED, max(sum(known), 0.0), **info)


def _combine(serial: str, channels: Sequence[DeviceDay]) -> DeviceDay:
    """A micro's day from its channels' days: the measured ones summed."""
    states = {c.state for c in channels}
    if DeviceState.NO_BASELINE in states:
        state, energy = DeviceState.NO_BASELINE, None
    elif DeviceState.MEASURED in states:
        state = DeviceState.MEASURED
        energy = sum(c.energy_wh or 0.0 for c in channels if c.state == DeviceState.MEASURED)
    else:
        state, energy = DeviceState.SILENT, None
    first = channels[0]
    return DeviceDay(
        serial,
        state,
        energy,
        model=first.model,
        vendor_status=first.vendor_status,
        last_report_at=max((c.last_report_at for c in channels if c.last_report_at), default=None),
    )


def for_devices(
    serials: Sequence[str], reported: Mapping[str, DeviceDay], channels: bool = False
) -> list[DeviceDay | None]:
    """The vendor's days laid out on the site's devices (`serials`, in the
    site's order): the entry under the device's serial, else, where the
    vendor reports per channel (`channels`: APsystems), the sum of the
    device's channels (`<serial>-1`, `<serial>-2`, ...), else None (the
    vendor said nothing of it that day)."""
    by_key = {norm(k): v for k, v in reported.items()}
    by_micro: dict[str, list[DeviceDay]] = {}
    if channels:
        for key, day in by_key.items():
            match = _CHANNEL.match(key)
            if match:
                by_micro.setdefault(match["uid"], []).append(day)
    out: list[DeviceDay | None] = []
    for serial in serials:
        key = norm(serial)
        if key in by_key:
            out.append(replace(by_key[key], key=serial))
        elif key in by_micro:
            out.append(_combine(serial, by_micro[key]))
        else:
            out.append(None)
    return out


def unmatched(
    serials: Sequence[str], reported: Mapping[str, DeviceDay], channels: bool = False
) -> list[str]:
    """The devices the vendor reported that none of `serials` stands for,
    named as the site would list them (a channel key names its micro)."""
    known = {norm(s) for s in serials}
    missing: dict[str, str] = {}
    for key in reported:
        name = key.strip()
        match = _CHANNEL.match(name) if channels else None
        if match:
            name = match["uid"]
        if norm(name) not in known and norm(key) not in known:
            missing.setdefault(norm(name), name)
    return [missing[k] for k in sorted(missing)]


def day_energies(entries: Sequence[DeviceDay | None]) -> tuple[float | None, ...] | None:
    """The day's energies in the site's device order, as
    `DaySeries.device_energy_wh` takes them (None: did not report), or None
    when the devices cannot be compared that day: the vendor said nothing of
    any of them, or one reported without a day's energy (no baseline)."""
    if not any(e is not None for e in entries):
        return None
    if any(e is not None and e.state == DeviceState.NO_BASELINE for e in entries):
        return None
    return tuple(
        e.energy_wh if e is not None and e.state == DeviceState.MEASURED else None for e in entries
    )


def shares(energies: Sequence[float | None]) -> tuple[float | None, ...]:
    """Each device's share of what the site's reporting devices made that
    day (None where it did not report, or nothing was made)."""
    total = sum(e for e in energies if e is not None)
    if total <= 0:
        return tuple(None for _ in energies)
    return tuple(None if e is None else e / total for e in energies)
