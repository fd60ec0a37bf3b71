"""SolarEdge Monitoring API v2 (`/v2`, header `X-API-Key`, optional
`X-Account-Key`). v1 was retired in November 2026 and answers 410.

What a check reads, and why (shapes: live captures published in
CathalOConnorRH/solaredge-v2:tests/fixtures/*.json and the call log
CathalOConnorRH/ha-solaredge-one:fixtures/call_log.jsonl):

- No v2 list or overview call carries a last-update time or a current
  power: a live `/sites/{id}/overview` holds `siteId`, `production`,
  `consumption` (and `performance`). So one call, `GET /sites/{id}/power`
  from the site's local midnight, gives everything: the latest non-null
  15-minute value is the power, the end of its quarter the last report, and
  the quarters' sum the energy today (within 1.5 % of `overview.production`
  on the live capture: 25.91 vs 26.29 kWh at 17:05). Values are null while the
  inverter sleeps; when nothing came since midnight, the previous day is asked
  once, so a site silent since yesterday reads as stale, not as "never".
- `/devices` and `/alerts` answer bare JSON arrays.
- Meters: `GET /sites/{id}/meters/telemetry`, only for sites that expect a
  meter. Its shape is documented only as "meters.*.importEnergy/
  exportEnergy.values" (a digest, no capture): read tolerantly, and a shape
  not recognised leaves the meter unjudged (noted) rather than faulty.
- Limits: `x-ratelimit-{limit,remaining}-minute` headers (seen live) and, if
  the gateway (Kong) sends them, the `-month` pair; a 429 with no month left
  blocks until the month ends, otherwise for `Retry-After` or a minute.
- Times: `from`/`to` are ISO-8601 UTC (`...Z`); answers carry the site's local
  offset. A time without offset is read in the site's zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..capture import DayCapture, day_bounds, on_grid
from ..devices import from_energies
from ..geo import zone
from ..quota import _month_end
from .base import (
    BaseClient,
    Liveness,
    LivenessResult,
    PayloadError,
    PollResult,
    SiteRef,
    TransientError,
    VendorError,
    describe,
    number,
)
from .device_energy import DeviceEnergyError, SiteDeviceDay

DEFAULT_URL = "https://monitoringapi.solaredge.com/v2"
RESOLUTION = {"QUARTER_HOUR": timedelta(minutes=15), "HOUR": timedelta(hours=1)}


def _utc(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _time(text, tz: str) -> datetime:
    if not isinstance(text, str):
        raise PayloadError(f"timestamp is not a string: {text!r}")
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:  # v1-style local time: the site's zone
        parsed = parsed.replace(tzinfo=zone(tz), fold=1)
    return parsed


class SolarEdgeClient(BaseClient):
    vendor = "solaredge"

    def __init__(self, base_url, ledger, api_key: str, account_key: str = "", **kwargs):
        super().__init__(base_url or DEFAULT_URL, ledger, **kwargs)
        self._api_key = api_key
        self._account_key = account_key

    def _secrets(self):
        return (self._api_key, self._account_key)

    def _get(self, path: str, params=None):
        headers = {"X-API-Key": self._api_key, "Accept": "application/json"}
        if self._account_key:
            headers["X-Account-Key"] = self._account_key
        response = self._send("GET", path, params=params, headers=headers)
        month_left = self._read_limits(response)
        if response.status_code == 429:
            now = datetime.fromtimestamp(self.ledger.clock(), timezone.utc)
            if month_left == 0:
                self.ledger.block("month", _month_end(now))
                raise self._fail(TransientError, f"{path} answered 429: month quota spent")
            try:
                wait = float(response.headers.get("Retry-After") or 60)
            except ValueError:  # an HTTP date: a minute is the documented window
                wait = 60.0
            self.ledger.block("minute", now + timedelta(seconds=wait))
            raise self._fail(TransientError, f"{path} answered 429: minute limit reached")
        if response.status_code == 404:
            # RFC 9457 problem+json: {"title": "Not Found", "detail": ...}
            try:
                detail = response.json().get("detail") or ""
            except (ValueError, AttributeError):
                detail = ""
            raise self._fail(VendorError, f"{path} answered 404 {detail}".rstrip())
        self._raise_for_status(response, path)
        return self._json(response, path)

    def _read_limits(self, response) -> int | None:
        """The minute figures and, when sent, the month's; returns what is
        left of the month (None when the gateway does not say)."""
        headers = response.headers
        remaining = headers.get("x-ratelimit-remaining-minute")
        if remaining is not None and remaining.isdigit():
            self.ledger.remaining_minute = int(remaining)
        month_left = headers.get("x-ratelimit-remaining-month")
        month_limit = headers.get("x-ratelimit-limit-month")
        if month_left is None or not month_left.isdigit():
            return None
        if month_limit is not None and month_limit.isdigit():
            # the vendor's count wins when it has seen more calls than we did
            spent = int(month_limit) - int(month_left)
            self.ledger.month_used = max(self.ledger.month_used, spent)
        return int(month_left)

    # ------------------------------------------------------------ calls
    def list_sites(self) -> list[dict]:
        sites, start = [], 0
        while True:
            data = self._get("/sites", {"startIndex": start, "size": 100})
            if isinstance(data, list):  # some answers are the bare array
                return sites + data
            try:
                page = data["sites"]["site"]
                count = int(data["sites"]["count"])
            except (KeyError, TypeError, ValueError) as err:
                raise self._fail(
                    PayloadError, f"/sites: expected sites.site, got {describe(data)}"
                ) from err
            sites.extend(page)
            start += len(page)
            if not page or start >= count:
                return sites

    def power(self, site_ref: str, start: datetime, end: datetime) -> dict:
        return self._get(
            f"/sites/{site_ref}/power",
            {"from": _utc(start), "to": _utc(end), "resolution": "QUARTER_HOUR"},
        )

    def overview(self, site_ref: str, start: datetime, end: datetime) -> dict:
        return self._get(f"/sites/{site_ref}/overview", {"from": _utc(start), "to": _utc(end)})

    def meters_telemetry(self, site_ref: str, start: datetime, end: datetime):
        return self._get(
            f"/sites/{site_ref}/meters/telemetry", {"from": _utc(start), "to": _utc(end)}
        )

    def devices(self, site_ref: str) -> list[dict]:
        return self._array(f"/sites/{site_ref}/devices")

    def alerts(self, site_ref: str | None = None) -> list[dict]:
        return self._array(f"/sites/{site_ref}/alerts" if site_ref else "/alerts")

    def _array(self, path: str) -> list[dict]:
        data = self._get(path)
        if not isinstance(data, list):
            raise self._fail(PayloadError, f"{path}: expected a JSON array, got {describe(data)}")
        return data

    # ------------------------------------------------------------ series
    def _series(self, site: SiteRef, body) -> list[tuple[datetime, float | None]]:
        where = f"site {site.vendor_ref} /power"
        if not isinstance(body, dict) or not isinstance(body.get("values"), list):
            raise PayloadError(
                f"solaredge: {where}: expected an object with values, got {describe(body)}"
            )
        unit = str(body.get("unit") or "W").upper()
        scale = {"W": 1.0, "KW": 1000.0}.get(unit)
        if scale is None:
            raise PayloadError(f"solaredge: {where}: unit {unit!r} is not W")
        points = []
        for item in body["values"]:
            if not isinstance(item, dict) or "timestamp" not in item:
                raise PayloadError(f"solaredge: {where}: a value is {describe(item)}")
            value = number(item.get("value"), f"{where} value")
            points.append(
                (_time(item["timestamp"], site.timezone), None if value is None else value * scale)
            )
        return points

    def _today(self, site: SiteRef, at: datetime):
        """(last report, power, energy today) from the power series."""
        return self._today_series(site, at)[:3]

    def _today_series(self, site: SiteRef, at: datetime):
        """(last report, power, energy today, the day's series so far) from
        the power series: one call, whose quarters are also the day judge's
        series (no extra call for it)."""
        local = at.astimezone(zone(site.timezone))
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        body = self.power(site.vendor_ref, midnight, at)
        slot = RESOLUTION.get(
            str(body.get("resolution") if isinstance(body, dict) else ""),
            RESOLUTION["QUARTER_HOUR"],
        )
        points = self._series(site, body)
        capture = self._capture(site, local.date(), points, slot, at)
        seen = [(t, v) for t, v in points if v is not None]
        if seen:
            last_t, power = seen[-1]
            energy = sum(v for _, v in seen) * slot.total_seconds() / 3600
            # the value of a quarter is its average: known once it ends
            return last_t + slot, power, energy, capture
        earlier = [
            (t, v)
            for t, v in self._series(
                site, self.power(site.vendor_ref, midnight - timedelta(days=1), midnight)
            )
            if v is not None
        ]
        if earlier:
            return earlier[-1][0] + slot, None, None, capture
        return None, None, None, capture

    @staticmethod
    def _capture(site: SiteRef, day, points, slot: timedelta, at: datetime) -> DayCapture:
        step = int(slot.total_seconds() // 60)
        return DayCapture(site.key, day, step, on_grid(points, day, site.timezone, step), at)

    def _day_series(self, sites: list[SiteRef], day, at: datetime, result) -> None:
        """The day's quarters, midnight to midnight: the same `/power` call."""
        for site in sites:
            start, end = day_bounds(day, site.timezone)
            end = min(end, at)

            def fetch(s=site, start=start, end=end):
                body = self.power(s.vendor_ref, start, end)
                slot = RESOLUTION.get(
                    str(body.get("resolution") if isinstance(body, dict) else ""),
                    RESOLUTION["QUARTER_HOUR"],
                )
                return self._capture(s, day, self._series(s, body), slot, end)

            capture = self._site_call(result, site, fetch)
            if capture is not None:
                result.series[site.key] = capture

    def _meter_today(self, site: SiteRef, at: datetime):
        """Production meter energy since midnight, or None with a note when
        the (unsourced) telemetry shape is not recognised."""
        local = at.astimezone(zone(site.timezone))
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        body = self.meters_telemetry(site.vendor_ref, midnight, at)
        meters = body.get("meters") if isinstance(body, dict) else body
        if isinstance(meters, dict):
            meters = list(meters.values())
        if not isinstance(meters, list):
            return None, f"meter telemetry not recognised ({describe(body)}): meter not judged"
        for meter in meters:
            if not isinstance(meter, dict):
                continue
            kind = str(meter.get("type") or meter.get("meterType") or "").upper()
            if kind != "PRODUCTION":
                continue
            series = meter.get("exportEnergy") or meter.get("productionEnergy") or meter
            values = series.get("values") if isinstance(series, dict) else None
            if not isinstance(values, list):
                break
            counter = [number(v.get("value"), "meter value") for v in values if isinstance(v, dict)]
            counter = [v for v in counter if v is not None]
            if not counter:
                return None, ""  # a meter that sent nothing today
            return counter[-1] - counter[0], ""
        return None, f"no production meter recognised in {describe(body)}: meter not judged"

    # ------------------------------------------------------------ checks
    def _poll(self, sites: list[SiteRef], at: datetime, result: PollResult) -> None:
        for site in sites:
            fetched = self._site_call(result, site, lambda s=site: self._fetch(s, at))
            if site.key not in result.site_errors and fetched is not None:
                self._add(result, site, lambda s=site, f=fetched: self._reading(s, *f))
                if site.key not in result.site_errors:
                    result.series[site.key] = fetched[-1]

    def _fetch(self, site: SiteRef, at: datetime):
        last, power, energy, capture = self._today_series(site, at)
        meter, note = None, ""
        if site.meter_expected:
            meter, note = self._meter_today(site, at)
        return last, power, energy, meter, note, capture

    def _reading(self, site: SiteRef, last, power, energy, meter, note, capture=None):
        return self._site_reading(
            site,
            last_report_at=last.isoformat() if last else None,
            power_w=power,
            energy_today_wh=energy,
            meter_energy_today_wh=meter,
            # an unrecognised meter answer is not evidence of a faulty meter
            meter_expected=site.meter_expected and not note,
            notes=[note] if note else [],
        )

    def _liveness(self, sites: list[SiteRef], at: datetime, result: LivenessResult) -> None:
        for site in sites:
            probe = PollResult()
            fetched = self._site_call(probe, site, lambda s=site: self._today(s, at))
            if site.key in probe.site_errors:
                result.site_errors[site.vendor_ref] = probe.site_errors[site.key]
                continue
            result.sites[site.vendor_ref] = Liveness(site.vendor_ref, fetched[0], None)

    # ------------------------------------------------------------ discovery
    # (onboarding: the account's sites and a site's devices; `list_sites`
    # above pages /sites)
    def discovery_pages(self):
        """The account's sites, and True: the list is always read whole."""
        return self.list_sites(), True

    def discovery_devices(self, ref: str):
        return self.devices(ref)

    # ------------------------------------------------ per-device day energy
    # (issue 26, item 2). v2 gives each inverter's energy, not each
    # optimiser's: `GET /sites/{id}/inverters/telemetry` answers
    # {"inverters": {"<serial>": {"power": {...}, "energy": {"unit": "WH",
    # "resolution": "HOUR", "values": [{"timestamp", "value"}]}, ...}}}
    # (trooperthorn/ha_int_solaredge: docs/protocol.md, from SolarEdge's Basic
    # Monitoring OpenAPI 2.0.1, and tests/fixtures/inverters_telemetry.json).
    # At most 24 hours a call at HOUR resolution: one call covers the day.
    def inverters_telemetry(self, site_ref: str, start: datetime, end: datetime):
        return self._get(
            f"/sites/{site_ref}/inverters/telemetry",
            {"from": _utc(start), "to": _utc(end), "resolution": "HOUR"},
        )

    def _device_day(self, site: SiteRef, day, at, baseline):
        def bad(field_name, problem):
            return DeviceEnergyError("solaredge", site.vendor_ref, field_name, problem)

        tz = zone(site.timezone)
        start = datetime.combine(day, datetime.min.time(), tz)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
        # a 25-hour day loses its last (night) hour: 24 h is the call's limit
        end = min(end, start + timedelta(hours=24), max(at, start + timedelta(hours=1)))
        body = self.inverters_telemetry(site.vendor_ref, start, end)
        inverters = body.get("inverters") if isinstance(body, dict) else None
        if not isinstance(inverters, dict):
            raise bad("inverters", f"must be an object keyed by serial, got {describe(inverters)}")
        devices = []
        for serial, metrics in sorted(inverters.items()):
            where = f"inverters.{serial}"
            if not isinstance(metrics, dict):
                raise bad(where, f"must be an object of series, got {describe(metrics)}")
            energy = metrics.get("energy")
            if not isinstance(energy, dict) or not isinstance(energy.get("values"), list):
                raise bad(
                    f"{where}.energy", f"must be a series with values, got {describe(energy)}"
                )
            unit = str(energy.get("unit") or "WH").upper()
            scale = {"WH": 1.0, "KWH": 1e3, "MWH": 1e6, "GWH": 1e9}.get(unit)
            if scale is None:
                raise bad(f"{where}.energy.unit", f"must be WH, KWH, MWH or GWH, got {unit!r}")
            values, last = [], None
            for i, item in enumerate(energy["values"]):
                if not isinstance(item, dict):
                    raise bad(f"{where}.energy.values[{i}]", f"must be an object, got {item!r}")
                try:
                    value = number(item.get("value"), "value")
                except PayloadError as err:
                    raise bad(f"{where}.energy.values[{i}].value", str(err)) from err
                if value is not None:
                    values.append(value * scale)
                    try:
                        last = _time(item.get("timestamp"), site.timezone)
                    except (PayloadError, ValueError) as err:
                        raise bad(f"{where}.energy.values[{i}].timestamp", str(err)) from err
            devices.append(from_energies(str(serial), values, last_report_at=last))
        return SiteDeviceDay(site.key, site.vendor_ref, day, tuple(devices))
