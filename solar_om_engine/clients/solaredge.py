"""SolarEdge Monitoring API v2 (`/v2`, header `X-API-Key`, optional
`X-Account-Key`). v1 was retired in November 2026 and answers 410.

Free tier: about 2,000 credits a month at 1 credit a call and 10 calls a
minute; the minute figures come back in `x-ratelimit-*-minute` headers, the
month is counted by the ledger.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..geo import zone
from .base import BaseClient, PayloadError, PollResult, SiteRef, TransientError, number

DEFAULT_URL = "https://monitoringapi.solaredge.com/v2"


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
        remaining = response.headers.get("x-ratelimit-remaining-minute")
        if remaining is not None and remaining.isdigit():
            self.ledger.remaining_minute = int(remaining)
        if response.status_code == 429:
            self.ledger.block("minute", datetime.now(timezone.utc) + timedelta(seconds=60))
            raise self._fail(TransientError, f"{path} answered 429: minute limit reached")
        self._raise_for_status(response, path)
        return self._json(response, path)

    def list_sites(self) -> list[dict]:
        sites, start = [], 0
        while True:
            data = self._get("/sites", {"startIndex": start, "size": 100})
            try:
                page = data["sites"]["site"]
                count = int(data["sites"]["count"])
            except (KeyError, TypeError, ValueError) as err:
                raise self._fail(PayloadError, "/sites: no sites.site list") from err
            sites.extend(page)
            start += len(page)
            if not page or start >= count:
                return sites

    def overview(self, site_ref: str, site_tz: str, at: datetime) -> dict:
        local = at.astimezone(zone(site_tz))
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return self._get(
            f"/sites/{site_ref}/overview",
            {"from": midnight.isoformat(), "to": local.isoformat()},
        )

    def devices(self, site_ref: str) -> list[dict]:
        data = self._get(f"/sites/{site_ref}/devices")
        return data.get("devices", []) if isinstance(data, dict) else []

    def alerts(self) -> list[dict]:
        data = self._get("/alerts")
        return data.get("alerts", []) if isinstance(data, dict) else []

    def _poll(self, sites: list[SiteRef], at: datetime, result: PollResult) -> None:
        for site in sites:
            data = self._site_call(
                result, site, lambda s=site: self.overview(s.vendor_ref, s.timezone, at)
            )
            if site.key not in result.site_errors:
                self._add(result, site, lambda s=site, d=data: self._reading(s, d))

    def _reading(self, site: SiteRef, data: dict):
        if not isinstance(data, dict):
            raise PayloadError(f"overview of site {site.vendor_ref} is not an object")
        production = data.get("production") or {}
        power = (data.get("currentPower") or {}).get("power")
        return self._site_reading(
            site,
            last_report_at=data.get("lastUpdateTime"),
            power_w=number(power, "currentPower.power"),
            energy_today_wh=number(production.get("total"), "production.total"),
            meter_energy_today_wh=number(
                (data.get("meter") or {}).get("production"), "meter.production"
            ),
        )
