"""APsystems OpenAPI (EMA), signed with HMAC-SHA256 `X-CA-*` headers.

Shapes: APsystems OpenAPI User Manual (End User) V1.8, 2025-07-18
(Apsystems_OpenAPI_User_Manual_End_User_EN.pdf, in mjrgr/apsystems-mcp-server:
docs/), 3.1.1 system details and 3.3.2 ECU energy; codes from its Annex 1.

Errors come as HTTP 200 with a non-zero JSON `code`, so every answer's code
is checked. Codes about the application (2000-2005) or its token (3000-3004)
and the access limits (7001-7003) concern the whole account; any other code
(4000 "request parameter exception", 1000, 5000, ...) concerns the request,
i.e. that one site. There is no alarm endpoint and no last-seen field:
freshness is the time of the latest minutely sample of the system's ECUs
(`HH:mm` in the system's zone), and every ECU of a system is read. A shared
sub-user's system lists `main-virtual` ECU ids; data is asked with the
virtual part.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from datetime import date, datetime, timedelta, timezone

from ..capture import FIVE_MINUTES, DayCapture, on_grid
from ..devices import from_energies
from ..geo import zone
from .base import (
    AuthError,
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

DEFAULT_URL = "https://api.apsystemsema.com:9282"
RETRYABLE = {5000, 6000, 7001, 7002, 7003}
# the application account and its token: a person must act, for every site
AUTH_CODES = {2000, 2001, 2002, 2003, 2004, 3000, 3001, 3002, 3003, 3004}
CODE_MEANING = {
    1000: "data exception",
    4000: "request parameter exception (also what a bad signature gets)",
    4001: "invalid request parameter",
    5000: "internal server error",
    6000: "communication exception",
}
# ECUs whose latest sample is this much older than the freshest ECU's are
# not reporting (three missed 15-minute uploads)
ECU_SILENT_AFTER = timedelta(minutes=45)
# light: 1 green, 2 yellow (micro alarm / comms / low production), 3 red
# (ECU network issue), 4 grey (nothing uploaded yet)
LIGHT_STATUS = {1: "normal", 2: "micro", 3: "comm", 4: "no_data"}
# a minutely sample's `HH:mm` is the end of the 5 minutes it sums up
SAMPLE = timedelta(minutes=FIVE_MINUTES)


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
        return self._answer(response, path)

    def _answer(self, response, path: str):
        """The `data` of an answer, or the error its `code` means."""
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
        meaning = CODE_MEANING.get(code, "unknown code")
        if code in RETRYABLE:
            raise self._fail(TransientError, f"{path}: code {code} ({meaning})")
        raise self._fail(VendorError, f"{path}: code {code} ({meaning})")

    def details(self, sid: str):
        return self._get(f"/systems/details/{sid}")

    def ecu_minutely(self, sid: str, eid: str, day: str):
        return self._get(
            f"/systems/{sid}/devices/ecu/energy/{eid}",
            {"energy_level": "minutely", "date_range": day},
        )

    @staticmethod
    def data_ecu(ecu: str) -> str:
        """The id data is asked with: a shared sub-user sees `main-virtual`
        and must ask with the virtual part (manual 3.1.1)."""
        return ecu.rsplit("-", 1)[-1] if "-" in ecu else ecu

    def _details(self, site: SiteRef) -> dict:
        details = self.details(site.vendor_ref)
        if details is None:
            raise VendorError(f"apsystems: system {site.vendor_ref}: no data (code 1001)")
        if not isinstance(details, dict):
            raise PayloadError(
                f"apsystems: system {site.vendor_ref}: details is {describe(details)}, "
                "not an object"
            )
        ecus = details.get("ecu") or []
        if not isinstance(ecus, list) or not all(isinstance(e, (str, int)) for e in ecus):
            raise PayloadError(
                f"apsystems: system {site.vendor_ref}: ecu is {describe(ecus)}, not a list of ids"
            )
        return details

    def _poll(self, sites: list[SiteRef], at: datetime, result: PollResult) -> None:
        refused = 0
        for site in sites:
            fetched = self._site_call(result, site, lambda s=site: self._fetch(s, at))
            if site.key in result.site_errors:
                refused += "code 4000" in result.site_errors[site.key]
                continue
            self._add(result, site, lambda s=site, f=fetched: self._reading(s, *f))
            if site.key not in result.site_errors:
                capture = self._site_call(
                    result, site, lambda s=site, f=fetched: self._capture(s, *f[1:], at)
                )
                if capture is not None:
                    result.series[site.key] = capture
        if sites and refused == len(sites):
            # every request refused alike: most likely the signature, but each
            # site keeps its own error and nothing was stopped for it
            result.account_error = (
                f"apsystems: all {refused} systems answered code 4000 (request parameter "
                "exception): check the app id and secret"
            )
            result.account_error_kind = "auth"

    def _liveness(self, sites: list[SiteRef], at: datetime, result: LivenessResult) -> None:
        for site in sites:
            probe = PollResult()
            details = self._site_call(probe, site, lambda s=site: self._details(s))
            if site.key in probe.site_errors:
                result.site_errors[site.vendor_ref] = probe.site_errors[site.key]
                continue
            try:
                status = self._status(site, details)
            except PayloadError as err:
                result.site_errors[site.vendor_ref] = str(err)
                continue
            # no documented call but the minutely series carries a time
            result.sites[site.vendor_ref] = Liveness(site.vendor_ref, None, status)

    def _fetch(self, site: SiteRef, at: datetime):
        details = self._details(site)
        tz_name = details.get("timezone") or site.timezone
        try:
            tz = zone(tz_name)
        except ValueError:
            tz_name, tz = site.timezone, zone(site.timezone)
        day = at.astimezone(tz).date().isoformat()
        series = []
        for ecu in details.get("ecu") or []:
            eid = self.data_ecu(str(ecu))
            minutely = self.ecu_minutely(site.vendor_ref, eid, day)
            if minutely is not None and not isinstance(minutely, dict):
                raise PayloadError(
                    f"apsystems: system {site.vendor_ref}: ECU {eid} energy is "
                    f"{describe(minutely)}, not minutely data (time, power, today)"
                )
            series.append((eid, minutely))
        return details, series, day, tz_name

    def _capture(self, site: SiteRef, series, day: str, tz_name: str, at: datetime) -> DayCapture:
        """The system's day series: each ECU's samples (`HH:mm`, the end of
        a 5-minute sample in the system's zone) on the site's 5-minute grid,
        summed over the ECUs (a step none of them reported stays None)."""
        where = f"apsystems: system {site.vendor_ref}"
        local_day = date.fromisoformat(day)
        grids = []
        for eid, minutely in series:
            if minutely is None:
                continue
            times, powers = minutely.get("time") or [], minutely.get("power") or []
            if not isinstance(times, list) or not isinstance(powers, list):
                raise PayloadError(f"{where} ECU {eid}: time/power are not lists")
            points = []
            for text, value in zip(times, powers, strict=False):
                try:
                    hh, mm = str(text).split(":")
                    end = datetime.combine(local_day, datetime.min.time()).replace(
                        hour=int(hh), minute=int(mm), tzinfo=zone(tz_name)
                    )
                except ValueError as err:
                    raise PayloadError(f"{where} ECU {eid}: time {text!r} is not HH:mm") from err
                points.append((end - SAMPLE, number(value, f"{where} ECU {eid} power")))
            grids.append(on_grid(points, local_day, site.timezone, FIVE_MINUTES))
        summed = tuple(
            None if all(g[i] is None for g in grids) else sum(g[i] or 0.0 for g in grids)
            for i in range(24 * 60 // FIVE_MINUTES)
        )
        return DayCapture(site.key, local_day, FIVE_MINUTES, summed, at)

    def _day_series(self, sites: list[SiteRef], day, at: datetime, result) -> None:
        """The day's minutely series of every ECU (`date_range` = the day),
        after the system's details name its ECUs: 1 + ECUs calls a site."""
        for site in sites:

            def fetch(s=site):
                details = self._details(s)
                tz_name = details.get("timezone") or s.timezone
                try:
                    zone(tz_name)
                except ValueError:
                    tz_name = s.timezone
                series = []
                for ecu in details.get("ecu") or []:
                    eid = self.data_ecu(str(ecu))
                    series.append((eid, self.ecu_minutely(s.vendor_ref, eid, day.isoformat())))
                return self._capture(s, series, day.isoformat(), tz_name, at)

            capture = self._site_call(result, site, fetch)
            if capture is not None:
                result.series[site.key] = capture

    @staticmethod
    def _status(site: SiteRef, details: dict) -> str | None:
        light = details.get("light")
        try:
            light = int(light) if light is not None else None
        except (TypeError, ValueError) as err:
            raise PayloadError(
                f"apsystems: system {site.vendor_ref}: light is not a number: {light!r}"
            ) from err
        return LIGHT_STATUS.get(light)

    def _ecu_sample(self, site: SiteRef, eid: str, minutely: dict, day: str, tz_name: str):
        """(time of the latest sample or None, its power, energy today Wh)."""
        where = f"apsystems: system {site.vendor_ref} ECU {eid}"
        times = minutely.get("time") or []
        powers = minutely.get("power") or []
        if not isinstance(times, list) or not isinstance(powers, list):
            raise PayloadError(f"{where}: time/power are not lists")
        today = number(minutely.get("today"), f"{where} today")
        energy = None if today is None else today * 1000  # kWh strings
        if not times:
            return None, None, energy
        try:
            hh, mm = str(times[-1]).split(":")
            local = datetime.fromisoformat(day).replace(
                hour=int(hh), minute=int(mm), tzinfo=zone(tz_name)
            )
        except ValueError as err:
            raise PayloadError(f"{where}: time {times[-1]!r} is not HH:mm") from err
        power = (
            number(powers[len(times) - 1], f"{where} power") if len(powers) >= len(times) else None
        )
        return local, power, energy

    def _reading(self, site: SiteRef, details: dict, series, day: str, tz_name: str):
        samples = [
            self._ecu_sample(site, eid, minutely, day, tz_name)
            for eid, minutely in series
            if minutely is not None
        ]
        notes = []
        times = [t for t, _, _ in samples if t is not None]
        if times:
            last_report = max(times)
        elif samples:
            # answered, but no sample yet today: last heard before midnight
            last_report = datetime.fromisoformat(day).replace(tzinfo=zone(tz_name))
            notes.append("no ECU sample yet today: last report taken as local midnight")
        else:
            last_report = None
        powers = [p for t, p, _ in samples if t is not None and p is not None]
        energies = [e for _, _, e in samples if e is not None]
        total = reporting = None
        if len(series) > 1:
            total = len(series)
            reporting = sum(1 for t in times if last_report - t <= ECU_SILENT_AFTER)
            notes.append(f"{len(series)} ECUs read; power and energy are their sums")
        return self._site_reading(
            site,
            last_report_at=last_report.isoformat() if last_report else None,
            power_w=sum(powers) if powers else None,
            energy_today_wh=sum(energies) if energies else None,
            devices_total=total,
            devices_reporting=reporting,
            vendor_status=self._status(site, details),
            notes=notes,
        )

    # ------------------------------------------------------------ discovery
    # (onboarding: the installer's systems and a system's ECUs and micros)
    LIST_PAGE_SIZE = 50  # the manual allows 10, 20 or 50

    def discovery_pages(self):
        """The installer's systems, `POST /installer/api/v2/systems` page by
        page (Installer manual V1.8, 5.1), and True once `total` is reached.
        The end-user profile has no list call: its systems are pasted or
        imported by id and read with `details`. The manual leaves the POST
        body's encoding open; its example is a JSON object, sent as such."""
        if not self.prefix.startswith("/installer"):
            raise self._fail(
                VendorError,
                "the end-user profile of the APsystems OpenAPI lists no systems: "
                "paste or import the system ids",
            )
        systems, page = [], 1
        while True:
            data = self._post("/systems", {"page": page, "size": self.LIST_PAGE_SIZE})
            items, total = self._systems_page(data)
            systems.extend(items)
            if not items or len(systems) >= total:
                return systems, len(systems) >= total
            page += 1

    def discovery_details(self, sid: str):
        """A pasted system id's details (`systems/details/{sid}`), or None."""
        return self.details(sid)

    def discovery_devices(self, sid: str):
        """`GET systems/inverters/{sid}`: each ECU with its inverters (5.3)."""
        return self._get(f"/systems/inverters/{sid}")

    def _post(self, path: str, body: dict):
        full = self.prefix + path
        response = self._send("POST", full, json=body, headers=self._headers(full, "POST"))
        return self._answer(response, path)

    # ------------------------------------------------ per-device day energy
    # (issue 26, item 2). Manual V1.8 3.5.3 (pp. 25-26), "Get Energy in a Day
    # for all inverters below a Particular ECU": with energy_level=energy,
    # `data.energy` is a list of strings "<uid>-<channel>-<kWh>" (example
    # "701000001234-1-1.24"), one per micro input; the manual prints no
    # literal answer, only that field list. Read from the right, so a uid
    # holding a dash stays whole.
    def inverter_batch_energy(self, sid: str, eid: str, day: str):
        return self._get(
            f"/systems/{sid}/devices/inverter/batch/energy/{eid}",
            {"energy_level": "energy", "date_range": day},
        )

    def _device_day(self, site: SiteRef, day, at, baseline):
        def bad(field_name, problem):
            return DeviceEnergyError("apsystems", site.vendor_ref, field_name, problem)

        details = self._details(site)
        channels, notes = {}, []
        for ecu in details.get("ecu") or []:
            eid = self.data_ecu(str(ecu))
            data = self.inverter_batch_energy(site.vendor_ref, eid, day.isoformat())
            if data is None:  # code 1001: nothing under this ECU that day
                notes.append(f"ECU {eid}: no data (code 1001)")
                continue
            items = data.get("energy") if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise bad(f"ECU {eid} energy", f"must be a list, got {describe(items)}")
            for i, item in enumerate(items):
                parts = item.rsplit("-", 2) if isinstance(item, str) else []
                if len(parts) != 3 or not parts[0] or not parts[1].isdigit():
                    raise bad(f"ECU {eid} energy[{i}]", f"must be 'uid-channel-kWh', got {item!r}")
                try:
                    kwh = number(parts[2], "kWh")
                except PayloadError as err:
                    raise bad(f"ECU {eid} energy[{i}]", f"has no kWh: {item!r}") from err
                key = f"{parts[0]}-{parts[1]}"
                channels[key] = from_energies(key, [None if kwh is None else kwh * 1000])
        return SiteDeviceDay(
            site.key,
            site.vendor_ref,
            day,
            tuple(channels[k] for k in sorted(channels)),
            per_channel=True,
            notes=tuple(notes),
        )
