"""Enphase Enlighten Systems API v4: OAuth2 bearer token plus the
application's API key. `/systems` lists 100 systems a call with status,
`last_report_at` and connection type, so the fleet's freshness costs one call
per hundred sites; `/systems/{id}/summary` (energy today, current power) is
spent only on the sites the caller names.

Shapes: the quickstart's `/systems` sample
(https://developer-v4.enphase.com/docs/quickstart.html, section 9) and the
spec transcription NathanBaulch/EnphaseOpenAPI:monitoring.yaml (branch v4:
GetSystemSummaryResponse, UnauthorizedError, TooManyRequestsError).

- The summary has no count of modules reporting and no separate meter
  figure: `modules` is the count installed, and a partial outage shows as
  status `micro`. Device-level counts need the Kilowatt plan's telemetry,
  which this client does not spend calls on.
- `source: "meter"` means `energy_today` already is the production meter's
  figure: it is the meter's reading, so a metered site never looks meterless.
  A meter that stops reporting shows as status `meter` or `meter_issue`.
- The summary has no series: the day judge's series is asked once a site
  and day, after sunset (`day_series`): `GET /systems/{id}/telemetry/
  production_micro?start_at=<local midnight>&granularity=day`, up to 288
  5-minute intervals `{end_at, devices_reporting, powr, enwh}` (same spec,
  GetSystemProductionMicroTelemetryResponse). Enphase gives device
  telemetry from the Kilowatt plan up: on Watt it answers 403.

A 429 body says which `period` (minute or month) is spent and `period_end`:
the ledger blocks until then instead of hammering a spent monthly quota.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from ..capture import FIVE_MINUTES, DayCapture, day_bounds, on_grid
from ..devices import from_lifetime, norm
from ..geo import zone
from ..readings import CONNECTIONS
from .base import (
    AuthError,
    BaseClient,
    Liveness,
    LivenessResult,
    PayloadError,
    PollResult,
    SiteRef,
    TransientError,
    describe,
    number,
)
from .device_energy import DeviceEnergyError, SiteDeviceDay

DEFAULT_URL = "https://api.enphaseenergy.com"
# production_micro's intervals are stamped at their end
FIVE = timedelta(minutes=FIVE_MINUTES)


def _iso(epoch):
    if epoch in (None, "", -1):
        return None
    if isinstance(epoch, bool) or not isinstance(epoch, (int, float)):
        raise PayloadError(f"timestamp is not epoch seconds: {epoch!r}")
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat()


class EnphaseClient(BaseClient):
    vendor = "enphase"

    def __init__(
        self,
        base_url,
        ledger,
        api_key: str,
        client_id: str = "",
        client_secret: str = "",
        access_token: str = "",
        refresh_token: str = "",
        on_tokens: Callable[[dict], None] | None = None,
        **kwargs,
    ):
        super().__init__(base_url or DEFAULT_URL, ledger, **kwargs)
        self._api_key = api_key
        self._client_id = client_id
        self._client_secret = client_secret
        self._access_token = access_token
        self._refresh_token = refresh_token
        self._on_tokens = on_tokens
        self.summary_sites: set[str] | None = None  # None: every site

    def _secrets(self):
        return (
            self._api_key,
            self._client_secret,
            self._access_token,
            self._refresh_token,
        )

    def refresh_tokens(self) -> None:
        """Refresh tokens rotate: hand both new tokens to the caller at once,
        so it can persist them in one write before using them."""
        if not self._refresh_token:
            raise self._fail(AuthError, "access token refused and no refresh token")
        basic = base64.b64encode(f"{self._client_id}:{self._client_secret}".encode()).decode()
        response = self._send(
            "POST",
            "/oauth/token",
            params={"grant_type": "refresh_token", "refresh_token": self._refresh_token},
            headers={"Authorization": f"Basic {basic}"},
        )
        if response.status_code in (400, 401, 403):
            raise self._fail(AuthError, f"token refresh refused ({response.status_code})")
        self._raise_for_status(response, "/oauth/token")
        data = self._json(response, "/oauth/token")
        try:
            tokens = {
                "access_token": data["access_token"],
                "refresh_token": data["refresh_token"],
                "expires_in": int(data.get("expires_in") or 0),
            }
        except (KeyError, TypeError, ValueError) as err:
            raise self._fail(PayloadError, "token answer without tokens") from err
        self._access_token = tokens["access_token"]
        self._refresh_token = tokens["refresh_token"]
        if self._on_tokens:
            self._on_tokens(tokens)

    def _get(self, path: str, params=None, retried=False):
        query = dict(params or {}, key=self._api_key)
        response = self._send(
            "GET",
            "/api/v4" + path,
            params=query,
            headers={"Authorization": f"Bearer {self._access_token}"},
        )
        if response.status_code == 401 and not retried:
            self.refresh_tokens()
            return self._get(path, params, retried=True)
        if response.status_code == 429:
            self._block_from_429(response, path)
        self._raise_for_status(response, path)
        return self._json(response, path)

    def _block_from_429(self, response, path):
        try:
            body = response.json()
            period = str(body.get("period") or "minute")
            until = datetime.fromtimestamp(float(body["period_end"]), timezone.utc)
        except (ValueError, KeyError, TypeError):
            period, until = "minute", datetime.fromtimestamp(self.ledger.clock() + 60, timezone.utc)
        self.ledger.block(period, until)
        raise self._fail(
            TransientError, f"{path} answered 429: {period} quota spent until {until.isoformat()}"
        )

    def list_systems(self, wanted: set[str] | None = None) -> list[dict]:
        """The account's systems, 100 a call (`page` from 1); with `wanted`
        (system ids), paging stops once all of them were seen."""
        systems, seen, page = [], set(), 1
        while True:
            data = self._get("/systems", {"page": page, "size": 100})
            items, total = self._systems_page(data)
            ids = {str(s.get("system_id")) for s in items if isinstance(s, dict)}
            if not ids - seen:  # an empty or repeated page: nothing more to come
                return systems
            seen |= ids
            systems.extend(items)
            if len(systems) >= total or (wanted is not None and wanted <= seen):
                return systems
            page += 1

    def summary(self, system_id: str) -> dict:
        return self._get(f"/systems/{system_id}/summary")

    def production_micro(self, system_id: str, start_at: int) -> dict:
        """The site's micros together, 5-minute intervals of one day from
        `start_at` (epoch seconds): `granularity=day` answers up to 288."""
        return self._get(
            f"/systems/{system_id}/telemetry/production_micro",
            {"start_at": start_at, "granularity": "day"},
        )

    def _day_series(self, sites: list[SiteRef], day, at: datetime, result) -> None:
        """The day's series of each site: `production_micro` from local
        midnight, one call a site. Below the Kilowatt plan Enphase refuses
        device telemetry (403): that refusal is the sites' (each is told
        why), not the account's credentials, and the other sites are not
        asked again."""
        refused = ""
        for site in sites:
            if refused:
                result.site_errors[site.key] = refused
                continue
            start, end = day_bounds(day, site.timezone)
            end = min(end, at)
            try:
                capture = self._site_call(
                    result,
                    site,
                    lambda s=site, a=start, b=end: self._micro_capture(s, day, a, b),
                )
            except AuthError as err:
                if "(403)" not in str(err):
                    raise
                refused = (
                    "enphase: production_micro refused (403): the account's plan gives no "
                    "device telemetry (Kilowatt plan and up), so no day series"
                )
                result.site_errors[site.key] = refused
                continue
            if capture is not None:
                result.series[site.key] = capture

    def _micro_capture(self, site: SiteRef, day, start: datetime, end: datetime) -> DayCapture:
        body = self.production_micro(site.vendor_ref, int(start.timestamp()))
        where = f"enphase: system {site.vendor_ref} production_micro"
        intervals = body.get("intervals") if isinstance(body, dict) else None
        if not isinstance(intervals, list):
            raise PayloadError(f"{where}: expected intervals, got {describe(body)}")
        points = []
        for item in intervals:
            if not isinstance(item, dict):
                raise PayloadError(f"{where}: an interval is {describe(item)}")
            stamp = _iso(item.get("end_at"))
            if stamp is None:
                raise PayloadError(f"{where}: an interval has no end_at")
            ends = datetime.fromisoformat(stamp)
            points.append((ends - FIVE, number(item.get("powr"), f"{where} powr")))
        return DayCapture(
            site.key, day, FIVE_MINUTES, on_grid(points, day, site.timezone, FIVE_MINUTES), end
        )

    def _listed(self, refs) -> dict[str, dict]:
        wanted = set(refs)
        return {
            str(system.get("system_id")): system
            for system in self.list_systems(wanted)
            if isinstance(system, dict) and str(system.get("system_id")) in wanted
        }

    def _liveness(self, sites: list[SiteRef], at: datetime, result: LivenessResult) -> None:
        listed = self._listed(s.vendor_ref for s in sites)
        for site in sites:
            system = listed.get(site.vendor_ref)
            if system is None:
                result.site_errors[site.vendor_ref] = (
                    f"enphase: system {site.vendor_ref} is not in the account"
                )
                continue
            try:
                last = _iso(system.get("last_report_at"))
            except PayloadError as err:
                result.site_errors[site.vendor_ref] = f"enphase: system {site.vendor_ref}: {err}"
                continue
            result.sites[site.vendor_ref] = Liveness(
                site.vendor_ref,
                datetime.fromisoformat(last) if last else None,
                system.get("status"),
            )

    def _poll(self, sites: list[SiteRef], at: datetime, result: PollResult) -> None:
        listed = self._listed(s.vendor_ref for s in sites)
        for site in sites:
            ref = site.vendor_ref
            system = listed.get(ref)
            if system is None:
                result.site_errors[site.key] = f"enphase: system {ref} is not in the account"
                continue
            summary = None
            if self.summary_sites is None or site.key in self.summary_sites:
                summary = self._site_call(result, site, lambda r=ref: self.summary(r))
                if site.key in result.site_errors:
                    continue
                if not isinstance(summary, dict):
                    result.site_errors[site.key] = (
                        f"enphase: system {ref}: summary is {describe(summary)}, not an object"
                    )
                    continue
            self._add(result, site, lambda s=site, y=system, m=summary: self._reading(s, y, m))

    def _reading(self, site: SiteRef, system: dict, summary: dict | None):
        summary = summary or {}
        energy = summary.get("energy_today", system.get("energy_today"))
        # the list answers -1 for energy: only a summary knows
        energy = None if energy in (None, -1) else number(energy, "energy_today")
        metered = summary.get("source") == "meter"
        notes = []
        if metered:
            notes.append("energy_today is the production meter's figure (source: meter)")
        return self._site_reading(
            site,
            last_report_at=_iso(summary.get("last_report_at", system.get("last_report_at"))),
            power_w=number(summary.get("current_power"), "current_power"),
            energy_today_wh=energy,
            devices_total=summary.get("modules"),
            # v4 counts no modules reporting below the Kilowatt plan: status
            # `micro` says when some are silent
            devices_reporting=None,
            meter_energy_today_wh=energy if metered else None,
            # meter faults come from status `meter`/`meter_issue`; a site that
            # is not metered at Enphase has no meter figure to compare
            meter_expected=site.meter_expected and metered,
            vendor_status=summary.get("status") or system.get("status"),
            # documented: ethernet, wifi, cellular; anything else is not a
            # reason to lose the site's reading
            connection=(
                system.get("connection_type")
                if system.get("connection_type") in CONNECTIONS
                else site.connection
            ),
            notes=notes,
        )

    # ------------------------------------------------------------ discovery
    # (onboarding: the account's systems, a system's devices and its size)
    def discovery_pages(self):
        """Every system of the account (all pages), and whether the list was
        read to its `total`."""
        systems = self.list_systems()
        return systems, True

    def discovery_devices(self, ref: str):
        """GET /systems/{id}/devices: only active devices are listed."""
        return self._get(f"/systems/{ref}/devices")

    def discovery_size_kwp(self, ref: str) -> float | None:
        """The system's size from its summary (`size_w`): the list answers -1."""
        summary = self.summary(ref)
        size = number(summary.get("size_w"), "size_w") if isinstance(summary, dict) else None
        return size / 1000 if size and size > 0 else None

    # ------------------------------------------------ per-device day energy
    # (issue 26, item 2). Shape: NathanBaulch/EnphaseOpenAPI:monitoring.yaml
    # (branch v4, commit 7853d1e0), GetInvertersSummaryByEnvoyOrSiteResponse:
    # an array of envoys, each with `micro_inverters` [{serial_number, model,
    # status, power_produced{value,units}, energy{value,units} (lifetime),
    # last_report_date (ISO 8601 with offset)}]. The spec's own example gives
    # one `power_produced` as a bare number: read either way (power is not
    # used for the day).
    def inverters_summary(self, site_ref: str):
        return self._get("/systems/inverters_summary_by_envoy_or_site", {"site_id": site_ref})

    def _device_day(self, site: SiteRef, day, at, baseline):
        def bad(field_name, problem):
            return DeviceEnergyError("enphase", site.vendor_ref, field_name, problem)

        body = self.inverters_summary(site.vendor_ref)
        if not isinstance(body, list):
            raise bad("(answer)", f"must be a list of envoys, got {describe(body)}")
        tz = zone(site.timezone)
        lifetimes = {norm(k): v for k, v in baseline.items()}
        devices, notes = {}, []
        for e, envoy in enumerate(body):
            micros = envoy.get("micro_inverters") if isinstance(envoy, dict) else None
            if not isinstance(micros, list):
                raise bad(f"[{e}].micro_inverters", f"must be a list, got {describe(micros)}")
            for m, micro in enumerate(micros):
                where = f"[{e}].micro_inverters[{m}]"
                if not isinstance(micro, dict):
                    raise bad(where, f"must be an object, got {describe(micro)}")
                serial = micro.get("serial_number")
                if not isinstance(serial, str) or not serial.strip():
                    raise bad(f"{where}.serial_number", f"must be a serial, got {serial!r}")
                status = micro.get("status")
                if status == "retired":
                    notes.append(f"micro {serial} is retired: left out")
                    continue
                lifetime = _lifetime_wh(
                    micro.get("energy"), lambda p, w=where: bad(f"{w}.energy", p)
                )
                last = _report_date(
                    micro.get("last_report_date"),
                    lambda p, w=where: bad(f"{w}.last_report_date", p),
                )
                reported = last is not None and last.astimezone(tz).date() >= day
                devices[serial] = from_lifetime(
                    serial,
                    lifetime,
                    lifetimes.get(norm(serial)),
                    reported,
                    model=micro.get("model") if isinstance(micro.get("model"), str) else None,
                    vendor_status=status if isinstance(status, str) else None,
                    last_report_at=last,
                )
        return SiteDeviceDay(
            site.key,
            site.vendor_ref,
            day,
            tuple(devices[k] for k in sorted(devices)),
            notes=tuple(notes),
        )


ENERGY_UNITS = {"wh": 1.0, "kwh": 1000.0, "mwh": 1_000_000.0}


def _lifetime_wh(energy, bad):
    """A micro's lifetime energy in Wh from {value, units}; None when the
    micro never reported one."""
    if energy is None:
        return None
    if not isinstance(energy, dict):
        raise bad(f"must be an object with value and units, got {describe(energy)}")
    value = energy.get("value")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad(f"value must be a number, got {value!r}")
    scale = ENERGY_UNITS.get(str(energy.get("units") or "Wh").strip().lower())
    if scale is None:
        raise bad(f"units must be Wh, kWh or MWh, got {energy.get('units')!r}")
    return float(value) * scale


def _report_date(text, bad):
    if text in (None, ""):
        return None
    if not isinstance(text, str):
        raise bad(f"must be an ISO 8601 date-time, got {text!r}")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as err:
        raise bad(f"must be an ISO 8601 date-time, got {text!r}") from err
    if parsed.tzinfo is None:
        raise bad(f"must carry its offset, got {text!r}")
    return parsed
