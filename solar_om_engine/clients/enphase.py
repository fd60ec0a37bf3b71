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
            items = data.get("systems") if isinstance(data, dict) else None
            try:
                total = int(data["total"])
            except (KeyError, TypeError, ValueError) as err:
                raise self._fail(
                    PayloadError, f"/systems: expected total and systems, got {describe(data)}"
                ) from err
            if not isinstance(items, list):
                raise self._fail(PayloadError, "/systems: systems is not a list")
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
