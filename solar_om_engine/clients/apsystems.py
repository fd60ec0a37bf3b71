"""APsystems OpenAPI (EMA), signed with HMAC-SHA256 `X-CA-*` headers.

Errors come as HTTP 200 with a non-zero JSON `code` (7002: too many
requests), so every answer's code is checked. There is no alarm endpoint and
no last-seen field: freshness is the time of the ECU's last minutely sample.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from datetime import datetime, timedelta, timezone

from ..geo import zone
from .base import (
    AuthError,
    BaseClient,
    PayloadError,
    PollResult,
    SiteRef,
    TransientError,
    VendorError,
    number,
)

DEFAULT_URL = "https://api.apsystemsema.com:9282"
RETRYABLE = {5000, 6000, 7001, 7002, 7003}
AUTH_CODES = {2000, 2001, 2002, 2003, 2004, 3000, 3001, 3002, 3003, 3004, 4000}
# light: 1 green, 2 yellow (micro alarm / comms / low production), 3 red
# (ECU network issue), 4 grey (nothing uploaded yet)
LIGHT_STATUS = {1: None, 2: "micro", 3: "comm", 4: "no_data"}


def sign(app_secret: str, string_to_sign: str) -> str:
    digest = hmac.new(app_secret.encode(), string_to_sign.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class APsystemsClient(BaseClient):
    vendor = "apsystems"

    def __init__(self, base_url, ledger, app_id: str, app_secret: str, profile="user", **kw):
        super().__init__(base_url or DEFAULT_URL, ledger, **kw)
        if profile not in ("user", "installer"):
            raise ValueError(f"APsystems profile must be 'user' or 'installer', got {profile!r}")
        self._app_id = app_id
        self._app_secret = app_secret
        self.prefix = f"/{profile}/api/v2"

    def _secrets(self):
        return (self._app_secret,)

    def _headers(self, path: str, method: str) -> dict:
        timestamp = str(int(time.time() * 1000))
        nonce = uuid.uuid4().hex
        last_segment = path.rstrip("/").rsplit("/", 1)[-1]
        to_sign = "/".join([timestamp, nonce, self._app_id, last_segment, method, "HmacSHA256"])
        return {
            "X-CA-AppId": self._app_id,
            "X-CA-Timestamp": timestamp,
            "X-CA-Nonce": nonce,
            "X-CA-Signature-Method": "HmacSHA256",
            "X-CA-Signature": sign(self._app_secret, to_sign),
        }

    def _get(self, path: str, params=None):
        full = self.prefix + path
        response = self._send("GET", full, params=params, headers=self._headers(full, "GET"))
        self._raise_for_status(response, path)
        body = self._json(response, path)
        if not isinstance(body, dict) or "code" not in body:
            raise self._fail(PayloadError, f"{path}: answer without a code")
        code = body["code"]
        if code == 0:
            return body.get("data")
        if code in (7001, 7002, 7003):
            self.ledger.block("minute", datetime.now(timezone.utc) + timedelta(seconds=60))
            raise self._fail(TransientError, f"{path}: code {code}, too many requests (429)")
        if code == 2005:
            now = datetime.now(timezone.utc)
            self.ledger.block("month", (now.replace(day=1) + timedelta(days=32)).replace(day=1))
            raise self._fail(TransientError, f"{path}: code 2005, monthly access limit spent (429)")
        if code in AUTH_CODES:
            raise self._fail(AuthError, f"{path}: code {code}, credentials or signature refused")
        if code == 1001:
            return None  # no data (yet)
        if code in RETRYABLE:
            raise self._fail(TransientError, f"{path}: code {code}")
        raise self._fail(VendorError, f"{path}: code {code}")

    def details(self, sid: str):
        return self._get(f"/systems/details/{sid}")

    def ecu_minutely(self, sid: str, eid: str, day: str):
        return self._get(
            f"/systems/{sid}/devices/ecu/energy/{eid}",
            {"energy_level": "minutely", "date_range": day},
        )

    def _poll(self, sites: list[SiteRef], at: datetime, result: PollResult) -> None:
        for site in sites:
            fetched = self._site_call(result, site, lambda s=site: self._fetch(s, at))
            if site.key in result.site_errors:
                continue
            details, minutely, day = fetched
            self._add(
                result,
                site,
                lambda s=site, d=details, m=minutely, dd=day: self._reading(s, d, m, dd),
            )

    def _fetch(self, site: SiteRef, at: datetime):
        details = self.details(site.vendor_ref)
        if not isinstance(details, dict):
            raise PayloadError(f"details of {site.vendor_ref} is not an object")
        ecus = details.get("ecu") or []
        local_day = at.astimezone(zone(site.timezone)).date().isoformat()
        minutely = self.ecu_minutely(site.vendor_ref, ecus[0], local_day) if ecus else None
        return details, minutely, local_day

    def _reading(self, site: SiteRef, details: dict, minutely: dict | None, day: str):
        tz = zone(site.timezone)
        last_report, power, energy = None, None, None
        if minutely:
            times = minutely.get("time") or []
            powers = minutely.get("power") or []
            if not isinstance(times, list) or not isinstance(powers, list):
                raise PayloadError("minutely time/power are not lists")
            last_local = datetime.fromisoformat(day).replace(tzinfo=tz)
            if times:
                hh, mm = str(times[-1]).split(":")
                last_local = last_local.replace(hour=int(hh), minute=int(mm))
                power = number(powers[-1], "power") if powers else None
            # no sample yet today: the ECU was last heard from before midnight
            last_report = last_local.isoformat()
            today_kwh = number(minutely.get("today"), "today")
            energy = None if today_kwh is None else today_kwh * 1000
        else:
            last_report = details.get("last_upload")  # simulator extension, may be absent
        try:
            light = int(details.get("light")) if details.get("light") is not None else None
        except (TypeError, ValueError) as err:
            raise PayloadError(f"light is not a number: {details.get('light')!r}") from err
        return self._site_reading(
            site,
            last_report_at=last_report,
            power_w=power,
            energy_today_wh=energy,
            vendor_status=LIGHT_STATUS.get(light),
        )
