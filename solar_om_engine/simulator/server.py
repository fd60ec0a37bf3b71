"""A local HTTP server that speaks the three vendor APIs over a `Fleet`.

Paths, auth headers, pagination, quota answers and error shapes follow the
vendors (see docs/vendors.md):

    /solaredge/v2/...        X-API-Key; 429 with x-ratelimit-*-minute headers
    /enphase/api/v4/...      Bearer token + ?key=; 429 body with period/period_end
    /enphase/oauth/token     refresh_token grant, rotating refresh tokens
    /apsystems/{user|installer}/api/v2/...   X-CA-* HMAC; errors as 200 + code

and a control API under /_sim for tests and the demo (clock, faults,
outages, clear spells, API failures). It binds to 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from ..clients.apsystems import sign
from ..geo import zone
from .fleet import (
    SLOT,
    Fleet,
    SimSite,
    device_serials,
    device_units,
    ecu_units,
    gateway_serial,
)

_logger = logging.getLogger(__name__)


class _Reply(Exception):
    def __init__(self, status: int, body, headers=None, raw: bytes | None = None):
        self.status, self.body, self.headers, self.raw = status, body, headers or {}, raw


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class Simulator:
    """`with Simulator(fleet) as sim:` serves on 127.0.0.1:<free port>."""

    def __init__(self, fleet: Fleet, port: int = 0, host: str = "127.0.0.1"):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the simulator only listens on the loopback interface")
        self.fleet = fleet
        # injected API failures: (vendor, account or "*") -> [mode, remaining count]
        self.api_faults: dict[tuple[str, str], list] = {}
        # how long an injected "timeout" keeps the client waiting
        self.timeout_seconds = 3.0
        self.calls = 0
        self._slot_cache: dict = {}
        handler = type("Handler", (_Handler,), {"sim": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def base_url(self, vendor: str) -> str:
        return {
            "solaredge": f"{self.url}/solaredge/v2",
            "enphase": f"{self.url}/enphase",
            "apsystems": f"{self.url}/apsystems",
        }[vendor]

    def start(self) -> Simulator:
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc):
        self.stop()

    # ------------------------------------------------------------ quota and faults
    def _spend(self, account_key: str) -> None:
        """Count a call. Minutes and months are those of the simulated clock,
        so a test with the clock frozen sees a minute that never rolls over
        however slow the machine, and one that moves the clock into the next
        month finds the monthly quota renewed."""
        account = self.fleet.accounts[account_key]
        moment = self.fleet.now()
        now = moment.timestamp()
        with self.fleet.lock:
            month = moment.strftime("%Y-%m")
            if account.month != month:
                account.month, account.calls_month = month, 0
            account.minute_calls = [t for t in account.minute_calls if t > now - 60]
            if account.calls_month >= account.per_month:
                raise _Quota("month", account)
            if len(account.minute_calls) >= account.per_minute:
                raise _Quota("minute", account)
            account.minute_calls.append(now)
            account.calls_month += 1
            self.calls += 1

    def slots(self, site: SimSite, start: datetime, end: datetime):
        """The 15-minute slots from `start` to `end` that are complete, each
        with its average power, or None where the vendor has nothing: the
        inverter asleep (sun down), after the site's last upload, or no data
        visible at all (configuration issue)."""
        fleet = self.fleet
        seen = fleet.last_report(site, fleet.now())
        epoch = datetime(2000, 1, 1, tzinfo=timezone.utc)
        slot = epoch + ((start.astimezone(timezone.utc) - epoch) // SLOT) * SLOT
        if slot < start:
            slot += SLOT
        out = []
        while slot + SLOT <= end:
            watts = None
            if slot + SLOT <= seen and site.fault != "configuration_issue":
                clear = site.cloud_cell in fleet.clear_cells
                key = (site.ref, slot, site.fault, site.fault_since, clear)
                watts = self._slot_cache.get(key, -1.0)
                if watts == -1.0:
                    mid = slot + SLOT / 2
                    healthy = fleet.healthy_power(site, mid)
                    watts = round(healthy * fleet._factor(site, mid), 1) if healthy > 0 else None
                    if len(self._slot_cache) > 500_000:
                        self._slot_cache.clear()
                    self._slot_cache[key] = watts
            out.append((slot, watts))
            slot += SLOT
        return out

    def _api_fault(self, vendor: str, account: str) -> str | None:
        with self.fleet.lock:
            for key in ((vendor, account), (vendor, "*")):
                fault = self.api_faults.get(key)
                if fault and fault[1] != 0:
                    fault[1] -= 1
                    return fault[0]
        return None


class _Quota(Exception):
    def __init__(self, period, account):
        self.period, self.account = period, account


class _Handler(BaseHTTPRequestHandler):
    sim: Simulator
    protocol_version = "HTTP/1.1"
    # one write per answer and no Nagle delay: otherwise every keep-alive
    # request waits ~40 ms for a delayed ACK
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # keep test output quiet
        _logger.debug(fmt, *args)

    # ------------------------------------------------------------ plumbing
    def _dispatch(self, method: str):
        parts = urlsplit(self.path)
        self.wrong_types = False  # one connection serves many requests
        self.query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        try:
            if parts.path.startswith("/_sim/"):
                self._control(method, parts.path)
            elif parts.path.startswith("/solaredge/"):
                self._solaredge(method, parts.path[len("/solaredge") :])
            elif parts.path.startswith("/enphase/"):
                self._enphase(method, parts.path[len("/enphase") :])
            elif parts.path.startswith("/apsystems/"):
                self._apsystems(method, parts.path[len("/apsystems") :])
            elif parts.path.startswith("/nominatim/"):
                self._nominatim(parts.path[len("/nominatim") :])
            else:
                raise _Reply(404, {"message": "not found"})
        except _Reply as reply:
            self._send(reply.status, reply.body, reply.headers, reply.raw)

    def do_GET(self):  # noqa: N802
        self._dispatch("GET")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def _send(self, status, body, headers=None, raw=None):
        payload = raw if raw is not None else json.dumps(body).encode()
        headers = dict(headers or {})
        self.send_response(status)
        self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(payload)))
        for k, v in headers.items():
            self.send_header(k, str(v))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer

    def _maybe_fail(self, vendor: str, account: str):
        mode = self.sim._api_fault(vendor, account)
        if mode is None:
            return
        if mode == "timeout":
            time.sleep(self.sim.timeout_seconds)
            raise _Reply(504, {"message": "gateway timeout"})
        if mode in ("500", "502", "503"):
            raise _Reply(int(mode), {"message": "internal error"})
        if mode == "410":
            raise _Reply(410, {"message": "This API version has been retired"})
        if mode == "malformed":
            raise _Reply(200, None, raw=b"<html>Service Unavailable</html>")
        if mode == "truncated":
            raise _Reply(200, None, raw=b'{"production": {"total": 12')
        if mode == "wrong_types":
            self.wrong_types = True

    # ------------------------------------------------------------ control API
    def _control(self, method, path):
        fleet = self.sim.fleet
        data = json.loads(self.body or b"{}")
        if path == "/_sim/clock":
            if method == "POST":
                at = _parse_time(data["at"]) if data.get("at") else None
                fleet.set_clock(at, frozen=data.get("frozen", True))
            raise _Reply(200, {"now": fleet.now().isoformat()})
        if path == "/_sim/fault":
            try:
                since = _parse_time(data["since"]) if data.get("since") else None
                fleet.inject(data["site"], data.get("kind"), since)
            except (KeyError, ValueError) as err:
                raise _Reply(400, {"message": str(err)}) from err
            raise _Reply(200, {"site": data["site"], "fault": data.get("kind")})
        if path == "/_sim/outage":
            since = _parse_time(data["since"]) if data.get("since") else None
            fleet.outage(data["account"], bool(data.get("on", True)), since)
            raise _Reply(200, {"account": data["account"], "on": bool(data.get("on", True))})
        if path == "/_sim/clear":
            # a clear spell over a cloud cell (a city and its neighbours)
            cell = data.get("cell")
            if not isinstance(cell, str):
                raise _Reply(400, {"message": "cell must name a cloud cell (a city)"})
            if data.get("on", True):
                fleet.clear_cells.add(cell)
            else:
                fleet.clear_cells.discard(cell)
            raise _Reply(200, {"clear": sorted(fleet.clear_cells)})
        if path == "/_sim/api_fault":
            key = (data["vendor"], data.get("account", "*"))
            self.sim.api_faults[key] = [data["mode"], int(data.get("count", -1))]
            raise _Reply(200, {"ok": True})
        if path == "/_sim/system":
            # onboarding: the vendor deactivates a system or swaps a device
            site = fleet.sites.get(data.get("site", ""))
            if site is None:
                raise _Reply(400, {"message": f"unknown site {data.get('site')!r}"})
            if "deactivated" in data:
                site.deactivated = bool(data["deactivated"])
            site.swaps.update(data.get("swaps") or {})
            raise _Reply(200, {"site": site.ref, "deactivated": site.deactivated})
        if path == "/_sim/stats":
            raise _Reply(200, {"calls": self.sim.calls, "sites": len(fleet.sites)})
        if path == "/_sim/sites":
            raise _Reply(
                200,
                [
                    {
                        "ref": s.ref,
                        "vendor": s.vendor,
                        "account": s.account,
                        "name": s.name,
                        "latitude": s.latitude,
                        "longitude": s.longitude,
                        "timezone": s.timezone,
                        "capacity_w": s.capacity_w,
                        # the roof as the O&M company knows it; None: unknown
                        "arrays": (
                            [
                                {"dc_kwp": a.dc_kwp, "tilt": a.tilt, "azimuth": a.azimuth}
                                for a in s.arrays
                            ]
                            if s.roof_known and s.arrays
                            else None
                        ),
                        "connection": s.connection,
                        "fault": s.fault,
                    }
                    for s in fleet.sites.values()
                ],
            )
        raise _Reply(404, {"message": f"unknown control path {path}"})

    # ------------------------------------------------------------ SolarEdge v2
    # Shapes: live captures in CathalOConnorRH/solaredge-v2:tests/fixtures and
    # CathalOConnorRH/ha-solaredge-one:fixtures (see tests/conformance).
    def _solaredge(self, method, path):
        if path.startswith("/site/") or not path.startswith("/v2/"):
            raise _Reply(410, {"message": "Monitoring API v1 was retired on 2026-11-03"})
        fleet = self.sim.fleet
        key = self.headers.get("X-API-Key", "")
        account = next(
            (a for a in fleet.accounts.values() if a.vendor == "solaredge" and a.api_key == key),
            None,
        )
        if account is None:
            raise _Reply(
                401,
                _problem(401, "Unauthorized", "Invalid API key"),
                {"Content-Type": PROBLEM_JSON},
            )
        try:
            self.sim._spend(account.key)
        except _Quota as q:
            headers = {"x-ratelimit-limit-minute": account.per_minute}
            if q.period == "month":
                # Kong sends a month pair when a month limit is configured
                headers.update(
                    {"x-ratelimit-limit-month": account.per_month, "x-ratelimit-remaining-month": 0}
                )
                headers["x-ratelimit-remaining-minute"] = account.per_minute
            else:
                headers["x-ratelimit-remaining-minute"] = 0
            raise _Reply(429, {"message": "API rate limit exceeded"}, headers) from q
        self._maybe_fail("solaredge", account.key)
        remaining = max(account.per_minute - len(account.minute_calls), 0)
        rate = {
            "x-ratelimit-limit-minute": account.per_minute,
            "x-ratelimit-remaining-minute": remaining,
        }
        sub = path[len("/v2") :]
        sites = fleet.sites_of(account.key)
        if sub == "/sites":
            start = int(self.query.get("startIndex", 0))
            size = min(int(self.query.get("size", 100)), 100)
            page = sites[start : start + size]
            body = {"sites": {"count": len(sites), "site": [_se_site(s) for s in page]}}
            raise _Reply(200, body, rate)
        if sub == "/alerts":
            raise _Reply(200, [], rate)
        match = re.fullmatch(
            r"/sites/([^/]+)(/overview|/devices|/power|/energy|/alerts|/meters/telemetry"
            r"|/inverters/telemetry)?",
            sub,
        )
        site = fleet.sites.get(match.group(1)) if match else None
        if site is None or site.account != account.key:
            detail = "Unknown endpoint" if match is None else f"Site {match.group(1)} not found"
            raise _Reply(404, _problem(404, "Not Found", detail), dict(rate, **PROBLEM))
        what = match.group(2)
        tz = zone(site.timezone)
        now = fleet.now()
        local_now = now.astimezone(tz)
        midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        start = _parse_time(self.query["from"]) if self.query.get("from") else midnight
        end = _parse_time(self.query["to"]) if self.query.get("to") else now
        end = min(end, now)
        if what in ("/power", "/energy"):
            values = []
            for slot, watts in self.sim.slots(site, start, end):
                value = watts if what == "/power" else (None if watts is None else watts / 4)
                values.append({"timestamp": slot.astimezone(tz).isoformat(), "value": value})
            if self.wrong_types and values:
                values[-1]["value"] = "a lot"
            body = {
                "period": {
                    "from": start.astimezone(tz).isoformat(),
                    "to": end.astimezone(tz).isoformat(),
                },
                "unit": "W" if what == "/power" else "WH",
                "resolution": "QUARTER_HOUR",
                "values": values,
            }
            raise _Reply(200, body, rate)
        if what == "/overview":
            total = sum(w for _, w in self.sim.slots(site, start, end) if w is not None) / 4
            body = {
                "siteId": int(site.ref) if site.ref.isdigit() else site.ref,
                "production": {
                    "total": round(total, 1),
                    "unit": "WH",
                    "toSelfConsumption": None,
                    "toStorage": None,
                    "toGrid": None,
                },
                "consumption": {
                    "total": None,
                    "unit": "WH",
                    "fromPv": None,
                    "fromStorage": None,
                    "fromGrid": None,
                },
            }
            if self.wrong_types:
                body["production"]["total"] = "a lot"
            raise _Reply(200, body, rate)
        if what in ("/devices", "/inverters/telemetry"):
            raise _Reply(200, self._se_equipment(site, what, start, end, tz), rate)
        if what == "/alerts":
            raise _Reply(200, [], rate)
        if what == "/meters/telemetry":
            raise _Reply(200, self._se_meters(site, start, end, tz), rate)
        raise _Reply(200, _se_site(site), rate)

    def _se_meters(self, site: SimSite, start, end, tz):
        """A production meter's lifetime counter per quarter. The v2 shape is
        documented only as `meters.*.exportEnergy.values` (no capture): this is
        the simulator's reading of that digest, and the client treats a shape
        it does not recognise as 'meter not judged'."""
        if not site.has_meter:
            return {"meters": []}
        counter, values = 10_000_000.0, []
        for slot, watts in self.sim.slots(site, start, end):
            if watts is not None:
                counter += watts / 4 * 0.99
            silent = watts is None or site.fault == "meter_fault"
            values.append(
                {
                    "timestamp": slot.astimezone(tz).isoformat(),
                    "value": None if silent else round(counter, 1),
                }
            )
        return {
            "meters": [
                {
                    "serialNumber": f"M{site.ref}",
                    "type": "PRODUCTION",
                    "unit": "WH",
                    "exportEnergy": {"values": values},
                }
            ]
        }

    def _se_equipment(self, site: SimSite, what, start, end, tz):
        """The inventory (a bare array), or each inverter's telemetry."""
        if what == "/devices":
            return _se_devices(site)
        return self._se_inverters_telemetry(site, start, end, tz)

    def _se_inverters_telemetry(self, site: SimSite, start, end, tz):
        """Each inverter's power and energy per hour (or quarter hour) from
        `start` to `end`; at most 24 h at HOUR and 12 h at QUARTER_HOUR, as
        SolarEdge documents (longer: 400). Shape: trooperthorn/ha_int_solaredge
        docs/protocol.md and tests/fixtures/inverters_telemetry.json."""
        resolution = self.query.get("resolution", "HOUR")
        step = {"HOUR": timedelta(hours=1), "QUARTER_HOUR": SLOT}.get(resolution)
        limit = {"HOUR": timedelta(hours=24), "QUARTER_HOUR": timedelta(hours=12)}.get(resolution)
        if step is None or end - start > limit:
            raise _Reply(
                400,
                _problem(400, "Bad Request", f"resolution {resolution} allows at most {limit}"),
                PROBLEM,
            )
        fleet = self.sim.fleet
        series: dict[str, dict[str, list]] = {
            k: {"power": [], "energy": []} for k in device_units(site)
        }
        bucket = start.astimezone(tz).replace(minute=0, second=0, microsecond=0)
        while bucket < end:
            upper = min(bucket + step, end)
            made = fleet.device_energies(site, bucket, upper)
            hours = (upper - bucket).total_seconds() / 3600
            seen = fleet.last_report(site, fleet.now())
            for serial, wh in made.items():
                silent = bucket >= fleet.device_last_report(site, serial, seen) or bucket >= seen
                stamp = bucket.isoformat()
                series[serial]["energy"].append(
                    {"timestamp": stamp, "value": None if silent else round(wh, 1)}
                )
                series[serial]["power"].append(
                    {"timestamp": stamp, "value": None if silent else round(wh / hours, 1)}
                )
            bucket += step
        body = {
            "inverters": {
                serial: {
                    "power": {"unit": "W", "resolution": resolution, "values": data["power"]},
                    "energy": {"unit": "WH", "resolution": resolution, "values": data["energy"]},
                }
                for serial, data in series.items()
            }
        }
        if self.wrong_types and body["inverters"]:
            first = next(iter(body["inverters"].values()))
            first["energy"]["unit"] = "BTU"
        return body

    # ------------------------------------------------------------ Enphase v4
    def _enphase(self, method, path):
        fleet = self.sim.fleet
        if path == "/oauth/token" and method == "POST":
            auth = self.headers.get("Authorization", "")
            refresh = self.query.get("refresh_token", "")
            for account in fleet.accounts.values():
                if account.vendor == "enphase" and account.refresh_token == refresh:
                    expected = base64.b64encode(
                        f"{account.key}-client:{account.secret}".encode()
                    ).decode()
                    if auth != f"Basic {expected}":
                        raise _Reply(401, {"error": "invalid_client"})
                    n = int(time.time() * 1000)
                    account.access_token = f"{account.key}-access-{n}"
                    account.refresh_token = f"{account.key}-refresh-{n}"
                    raise _Reply(
                        200,
                        {
                            "access_token": account.access_token,
                            "refresh_token": account.refresh_token,
                            "token_type": "bearer",
                            "expires_in": 86393,
                        },
                    )
            raise _Reply(401, {"error": "invalid_grant"})
        if not path.startswith("/api/v4/"):
            raise _Reply(404, {"message": "Not Found"})
        key = self.query.get("key", "")
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        account = next(
            (a for a in fleet.accounts.values() if a.vendor == "enphase" and a.api_key == key),
            None,
        )
        if account is None:
            raise _Reply(
                401,
                {"message": "Not Authorized", "details": "API Key -Client mismatch", "code": 401},
            )
        if token != account.access_token:
            raise _Reply(
                401, {"message": "Not Authorized", "details": "User is not authorized", "code": 401}
            )
        try:
            self.sim._spend(account.key)
        except _Quota as q:
            now = int(time.time())
            month_start = fleet.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            end = (
                now - now % 60 + 60
                if q.period == "minute"
                # the first instant of the next (simulated) month
                else int((month_start + timedelta(days=32)).replace(day=1).timestamp())
            )
            raise _Reply(
                429,
                {
                    "message": "Too Many Requests",
                    "details": "Usage limit exceeded for plan Watt",
                    "code": 429,
                    "period": q.period,
                    "period_start": now,
                    "period_end": end,
                    "limit": account.per_minute if q.period == "minute" else account.per_month,
                },
            ) from q
        self._maybe_fail("enphase", account.key)
        sub = path[len("/api/v4") :]
        sites = fleet.sites_of(account.key)
        if sub == "/systems":
            page = max(int(self.query.get("page", 1)), 1)
            size = min(int(self.query.get("size", 10)), 100)
            chunk = sites[(page - 1) * size : page * size]
            items = []
            for s in chunk:
                snap = fleet.snapshot(s)
                seen = int(snap["last_report_at"].timestamp())
                items.append(
                    {
                        "system_id": _int_ref(s.ref),
                        "name": s.name,
                        "public_name": "Residential System",
                        "timezone": s.timezone,
                        "address": {
                            "city": s.cloud_cell,
                            "state": None,
                            "country": None,
                            "postal_code": None,
                        },
                        "connection_type": s.connection,
                        "energy_lifetime": -1,
                        "energy_today": -1,
                        "system_size": -1,
                        "status": self._enphase_status(s, snap),
                        "last_report_at": seen,
                        "last_energy_at": seen,
                        "operational_at": _epoch(s.installed),
                        "attachment_type": None,
                        "interconnect_date": None,
                    }
                )
                _en_onboarding(items[-1], s)
            raise _Reply(
                200,
                {
                    "total": len(sites),
                    "current_page": page,
                    "size": size,
                    "count": len(items),
                    "items": "systems",
                    "systems": items,
                },
            )
        if sub == "/systems/inverters_summary_by_envoy_or_site":
            raise _Reply(200, self._enphase_inverters(account))
        devices = re.fullmatch(r"/systems/([^/]+)/devices", sub)
        if devices:
            self._enphase_devices(devices.group(1), account)
        micro = re.fullmatch(r"/systems/([^/]+)/telemetry/production_micro", sub)
        if micro:
            self._enphase_micro(account, micro.group(1))
        match = re.fullmatch(r"/systems/([^/]+)/summary", sub)
        site = fleet.sites.get(match.group(1)) if match else None
        if site is None or site.account != account.key:
            ref = match.group(1) if match else sub
            raise _Reply(
                404,
                {
                    "message": "Not Found",
                    "details": f'System not found for {{:id=>"{ref}"}}',
                    "code": 404,
                },
            )
        snap = fleet.snapshot(site)
        metered = site.has_meter and site.fault != "meter_fault"
        # source "meter": energy_today is the production meter's figure
        energy = snap["meter_energy_today_wh"] if metered else snap["energy_today_wh"]
        seen = int(snap["last_report_at"].timestamp())
        body = {
            "system_id": _int_ref(site.ref),
            "current_power": None if snap["power_w"] is None else round(snap["power_w"]),
            "energy_lifetime": None if energy is None else round(site.capacity_w * 900 + energy),
            "energy_today": None if energy is None else round(energy),
            "last_interval_end_at": seen,
            "last_report_at": seen,
            "modules": snap["devices_total"],
            "operational_at": 1_640_995_200,
            "size_w": round(site.capacity_w),
            "source": "meter" if metered else "microinverters",
            "status": self._enphase_status(site, snap),
            "summary_date": fleet.now().astimezone(zone(site.timezone)).date().isoformat(),
            "battery_charge_w": 0,
            "battery_discharge_w": 0,
            "battery_capacity_wh": 0,
        }
        if self.wrong_types:
            body["energy_today"] = {"value": 3}
        raise _Reply(200, body)

    def _enphase_inverters(self, account):
        """Every micro of a site with its lifetime energy, in the shape of
        the v4 spec's GetInvertersSummaryByEnvoyOrSiteResponse
        (NathanBaulch/EnphaseOpenAPI:monitoring.yaml, branch v4): one envoy,
        its `micro_inverters`. A dead micro stops reporting (status `micro`,
        its last report and lifetime frozen at its death)."""
        fleet = self.sim.fleet
        ref = self.query.get("site_id", "")
        if not ref:
            raise _Reply(
                422,
                {
                    "message": "Unprocessable Entity",
                    "details": "Envoy serial number or Site ID mandatory",
                    "code": 422,
                },
            )
        site = fleet.sites.get(ref)
        if site is None or site.account != account.key or site.vendor != "enphase":
            raise _Reply(
                404,
                {"message": "Not Found", "details": f"Site not found for {ref}", "code": 404},
            )
        now = fleet.now()
        tz = zone(site.timezone)
        lifetimes = fleet.device_lifetimes(site, now)
        seen = fleet.last_report(site, now)
        powers = fleet.device_powers(site, seen)
        digits = "".join(c for c in site.ref if c.isdigit()) or "0"
        micros = []
        for i, serial in enumerate(device_units(site)):
            last = fleet.device_last_report(site, serial, now)
            silent = last < seen
            micros.append(
                {
                    "id": int(digits) * 1000 + i,
                    "serial_number": serial,
                    "model": "IQ7PLUS",
                    "part_number": "800-00625-r02",
                    "sku": "IQ7PLUS-72-2-US",
                    "status": "micro" if silent else "normal",
                    "power_produced": {
                        "value": 0 if silent else round(powers[serial]),
                        "units": "W",
                        "precision": 0,
                    },
                    "proc_load": "520-00082-r01-v04.27.04",
                    "param_table": "540-00242-r01-v04.22.09",
                    "envoy_serial_number": gateway_serial(site),
                    "energy": {"value": round(lifetimes[serial]), "units": "Wh", "precision": 0},
                    "grid_profile": "5e9ab1c8e4d7973ae602c4e6",
                    "last_report_date": last.astimezone(tz).isoformat(timespec="seconds"),
                }
            )
        if self.wrong_types and micros:
            micros[0]["energy"] = {"value": "lots", "units": "Wh", "precision": 0}
        return [{"signal_strength": 5, "micro_inverters": micros}]

    def _enphase_micro(self, account, ref: str):
        """`production_micro`, granularity `day`: the micros' 5-minute
        intervals from `start_at` (default: local midnight) for a day or up
        to now, where the micros reported (Shape: NathanBaulch/
        EnphaseOpenAPI:monitoring.yaml branch v4,
        GetSystemProductionMicroTelemetryResponse)."""
        fleet = self.sim.fleet
        site = fleet.sites.get(ref)
        if site is None or site.account != account.key:
            raise _Reply(
                404,
                {
                    "message": "Not Found",
                    "details": f'System not found for {{:id=>"{ref}"}}',
                    "code": 404,
                },
            )
        if not account.device_telemetry:
            raise _Reply(
                403,
                {
                    "message": "Forbidden",
                    "details": "Not authorized to access this resource",
                    "code": 403,
                },
            )
        if self.query.get("granularity", "day") != "day":
            raise _Reply(
                422, {"message": "Unprocessable Entity", "details": "granularity", "code": 422}
            )
        now = fleet.now()
        tz = zone(site.timezone)
        if self.query.get("start_at"):
            start = datetime.fromtimestamp(int(self.query["start_at"]), timezone.utc)
        else:
            start = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
        end = min(now, start + timedelta(days=1))
        intervals = []
        reporting = site.devices_total
        for slot, watts in self.sim.slots(site, start, end):
            if watts is None:
                continue
            if site.fault == "partial_outage" and site.fault_since and slot >= site.fault_since:
                reporting = site.devices_total // 2
            for k in range(3):
                intervals.append(
                    {
                        "end_at": int((slot + SAMPLE * (k + 1)).timestamp()),
                        "devices_reporting": reporting,
                        "powr": round(watts),
                        "enwh": round(watts / 12),
                    }
                )
        if self.wrong_types and intervals:
            intervals[-1]["powr"] = "a lot"
        snap = fleet.snapshot(site)
        raise _Reply(
            200,
            {
                "system_id": _int_ref(site.ref),
                "granularity": "day",
                "total_devices": site.devices_total,
                "start_at": int(start.timestamp()),
                "end_at": int(end.timestamp()),
                "items": "intervals",
                "intervals": intervals,
                "meta": {
                    "status": self._enphase_status(site, snap),
                    "last_report_at": int(snap["last_report_at"].timestamp()),
                    "last_energy_at": int(snap["last_report_at"].timestamp()),
                    "operational_at": 1_640_995_200,
                },
            },
        )

    def _enphase_status(self, site: SimSite, snap) -> str:
        if site.deactivated:
            return "deactivated"
        now = self.sim.fleet.now()
        limit = 6 * 3600 * 2 if site.connection == "cellular" else 3600
        if (now - snap["last_report_at"]).total_seconds() > limit:
            return "comm"
        if snap["devices_reporting"] < snap["devices_total"]:
            return "micro"
        if site.has_meter and site.fault == "meter_fault":
            return "meter"
        return "normal"

    # ------------------------------------------------------------ APsystems
    def _apsystems(self, method, path):
        fleet = self.sim.fleet
        match = re.match(r"/(user|installer)/api/v2(/.*)$", path)
        if not match:
            raise _Reply(404, {"code": 4001})
        sub = match.group(2)
        h = self.headers
        app_id = h.get("X-CA-AppId", "")
        account = next(
            (a for a in fleet.accounts.values() if a.vendor == "apsystems" and a.api_key == app_id),
            None,
        )
        last_segment = path.rstrip("/").rsplit("/", 1)[-1]
        to_sign = "/".join(
            [
                h.get("X-CA-Timestamp", ""),
                h.get("X-CA-Nonce", ""),
                app_id,
                last_segment,
                method,
                h.get("X-CA-Signature-Method", ""),
            ]
        )
        if account is None or h.get("X-CA-Signature") != sign(account.secret, to_sign):
            raise _Reply(200, {"code": 4000, "data": None})
        try:
            self.sim._spend(account.key)
        except _Quota as q:
            raise _Reply(200, {"code": 7002 if q.period == "minute" else 2005, "data": None}) from q
        self._maybe_fail("apsystems", account.key)
        self._apsystems_discovery(method, match.group(1), sub, account)
        # Shapes: APsystems OpenAPI User Manual (End User) V1.8, 3.1.1 and 3.3.2
        m = re.fullmatch(r"/systems/details/([^/]+)", sub)
        if m:
            site = fleet.sites.get(m.group(1))
            if site is None or site.account != account.key:
                raise _Reply(200, {"code": 1001, "data": None})
            snap = fleet.snapshot(site)
            light = 1
            if snap["devices_reporting"] < snap["devices_total"]:
                light = 2
            raise _Reply(200, {"data": _ap_system(site, light), "code": 0})
        m = re.fullmatch(r"/systems/([^/]+)/devices/ecu/energy/([^/]+)", sub)
        if m:
            site, eids = _ap_site_ecus(fleet, account, m)
            if self.query.get("energy_level") != "minutely":
                raise _Reply(200, {"code": 4000, "data": None})
            raise _Reply(
                200,
                {
                    "code": 0,
                    "data": self._ap_minutely(site, len(eids), self.query.get("date_range")),
                },
            )
        m = re.fullmatch(r"/systems/([^/]+)/devices/inverter/batch/energy/([^/]+)", sub)
        if m:
            site, eids = _ap_site_ecus(fleet, account, m)
            raise _Reply(200, self._ap_batch_energy(site, eids.index(m.group(2)), len(eids)))
        raise _Reply(200, {"code": 4001, "data": None})

    def _ap_batch_energy(self, site: SimSite, ecu: int, ecus: int) -> dict:
        """The day's energy of every micro input under one ECU (manual V1.8
        3.5.3, energy_level=energy): "<uid>-<channel>-<kWh>" strings. A dead
        micro's inputs read 0. The micros are dealt to the ECUs in turn."""
        fleet = self.sim.fleet
        if self.query.get("energy_level") != "energy":
            raise _Reply(200, {"code": 4000, "data": None})
        try:
            day = datetime.strptime(self.query.get("date_range", ""), "%Y-%m-%d").date()
        except ValueError as err:
            raise _Reply(200, {"code": 4000, "data": None}) from err
        tz = zone(site.timezone)
        now = fleet.now()
        if day > now.astimezone(tz).date():
            raise _Reply(200, {"code": 4000, "data": None})  # a day to come is refused
        start = datetime.combine(day, datetime.min.time(), tz)
        made = fleet.device_energies(site, start, start + timedelta(days=1))
        mine = set(ecu_units(site, ecus)[ecu])
        energy = [
            f"{key}-{wh / 1000:.2f}" for key, wh in made.items() if key.rsplit("-", 1)[0] in mine
        ]
        if self.wrong_types and energy:
            energy[0] = "lots"
        return {"data": {"energy": energy}, "code": 0}

    def _ap_minutely(self, site: SimSite, ecus: int, day: str | None = None) -> dict:
        """One ECU's share of the system's day (`date_range`, default today):
        5-minute samples from the first light to the last upload (`HH:mm`,
        W and kWh as strings)."""
        fleet = self.sim.fleet
        tz = zone(site.timezone)
        now = fleet.now()
        midnight = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
        if day:
            try:
                midnight = datetime.fromisoformat(day).replace(tzinfo=tz)
            except ValueError as err:
                raise _Reply(200, {"code": 4001, "data": None}) from err
        # aware arithmetic is wall-clock: the next local midnight
        end = min(now, midnight + timedelta(days=1))
        times, power, energy, today = [], [], [], 0.0
        for slot, watts in self.sim.slots(site, midnight, end):
            if watts is None:
                continue
            share = watts / ecus
            for k in range(3):
                moment = (slot + SAMPLE * (k + 1)).astimezone(tz)
                times.append(moment.strftime("%H:%M"))
                power.append(f"{share:.0f}")
                energy.append(f"{share / 12 / 1000:.4f}")
                today += share / 12 / 1000
        visible = site.fault != "configuration_issue"
        body = {
            "time": times,
            "energy": energy,
            "power": power,
            "today": f"{today:.2f}" if visible else None,
        }
        if self.wrong_types:
            body["time"] = "12:00"
        return body


PROBLEM_JSON = "application/problem+json"
PROBLEM = {"Content-Type": PROBLEM_JSON}
SAMPLE = timedelta(minutes=5)


def _problem(status: int, title: str, detail: str) -> dict:
    # RFC 9457, as SolarEdge v2 answers (live 404 in ha-solaredge-one fixtures)
    return {
        "type": "https://se-api.stoplight.io/docs/monitoring",
        "title": title,
        "status": status,
        "detail": detail,
        "traceId": "0" * 32,
    }


def _int_ref(ref: str):
    """Vendors number their sites; the simulator's refs may be words."""
    return int(ref) if ref.isdigit() else ref


def _se_site(s: SimSite) -> dict:
    return {
        "siteId": _int_ref(s.ref),
        "name": s.name,
        "peakPower": s.capacity_w / 1000,
        "installationDate": s.installed,
        # the site list's location, in the field names SolarEdge documents
        # (the v2 live capture redacts it; see tests/conformance sites_paged)
        "location": {
            "country": s.country or None,
            "state": None,
            "city": s.cloud_cell,
            "address": s.street or None,
            "address2": None,
            "zip": s.zip or None,
            "timeZone": s.timezone,
            "countryCode": s.country or None,
        },
        "activationStatus": "DISABLED" if s.deactivated else "ACTIVE",
        "note": "",
    }


def _se_inverter(s: SimSite, k: int = 0) -> dict:
    return {
        "type": "INVERTER",
        "serialNumber": device_serials(s)["inverter"][k],
        "manufacturer": "SolarEdge",
        "partNumber": "SE5000H-RW000BNN4",
        "createdAt": "2022-08-15T13:20:57+01:00",
        "firmwareVersion": "4.25.13",
        "connectedTo": None,
        "active": True,
        "nameplate": 0,
        "name": f"Inverter {k + 1} ({s.name})",
        "form": None,
        "communicationType": "ETHERNET",
        "firmware": "4.25.13.1.100.2061.2.100.1751",
        "connectedOptimizers": s.devices_total // max(s.inverters, 1),
    }


def _ap_ecus(site: SimSite) -> list[str]:
    ids = [f"2160{site.ref}{k}" for k in range(max(site.ecus, 1))]
    if site.shared:  # a shared sub-user's view: main ECU, '-', virtual ECU
        return [f"{eid}-99{eid[-10:]}" for eid in ids]
    return ids


def _ap_site_ecus(fleet, account, match):
    """(site, its ECU ids) of an APsystems path `/systems/{sid}/.../{eid}`:
    code 1001 for a site not of the account, 4000 for an ECU id not of the
    site (a main ECU id where the virtual one is needed, or a stranger)."""
    site = fleet.sites.get(match.group(1))
    if site is None or site.account != account.key:
        raise _Reply(200, {"code": 1001, "data": None})
    eids = [e.rsplit("-", 1)[-1] for e in _ap_ecus(site)]
    if match.group(2) not in eids:
        raise _Reply(200, {"code": 4000, "data": None})
    return site, eids


# ------------------------------------------------------------------ onboarding
# The list and device calls a discovery makes, and a Nominatim-compatible
# geocoder for the fleet's addresses. Shapes: tests/conformance fixtures
# sites_paged, devices (SolarEdge), systems_reference, devices (Enphase),
# systems_list, inverters (APsystems), nominatim/search; each names its source.


def _se_devices(site: SimSite) -> list[dict]:
    """The site's inventory (a bare array): each of its inverters."""
    return [_se_inverter(site, k) for k in range(site.inverters)]


def _epoch(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp())


def _en_onboarding(item: dict, site: SimSite) -> None:
    """The address and reference of an Enphase `/systems` item: the spec
    returns `reference`/`other_references` only when the installer set one."""
    item["address"] = {
        "city": site.cloud_cell,
        "state": None,
        "country": site.country or None,
        "postal_code": site.zip or None,
    }
    item["interconnect_date"] = site.installed
    if site.reference:
        item["reference"] = site.reference
        item["other_references"] = [site.reference]


def _ap_system(site: SimSite, light: int) -> dict:
    return {
        "sid": site.ref,
        "create_date": site.installed,
        "capacity": f"{site.capacity_w / 1000:.2f}",
        "type": 1,
        "timezone": site.timezone,
        "ecu": _ap_ecus(site),
        "light": light,
        "authorization_code": hashlib.md5(site.ref.encode()).hexdigest(),  # noqa: S324
    }


def _onboarding_methods():
    """Methods of the request handler for the onboarding calls (kept here,
    apart from the monitoring calls above)."""

    def enphase_devices(self, ref, account):
        """GET /api/v4/systems/{id}/devices: active devices by type."""
        site = self.sim.fleet.sites.get(ref)
        if site is None or site.account != account.key:
            raise _Reply(
                404,
                {
                    "message": "Not Found",
                    "details": f'System not found for {{:id=>"{ref}"}}',
                    "code": 404,
                },
            )
        serials = device_serials(site)
        seen = int(self.sim.fleet.last_report(site, self.sim.fleet.now()).timestamp())
        gateway = serials["gateway"][0]
        micros = [
            {
                "id": 1_000_000 + k,
                "last_report_at": seen,
                "name": f"Microinverter {serial}",
                "serial_number": serial,
                "part_number": "800-01391-r02",
                "sku": "IQ8PLUS-72-2-US",
                "model": "IQ8+",
                "status": "normal",
                "active": True,
            }
            for k, serial in enumerate(serials["micro"])
        ]
        gateways = [
            {
                "id": 2_000_000,
                "last_report_at": seen,
                "name": f"IQ Gateway {gateway}",
                "serial_number": gateway,
                "part_number": "800-00654-r08",
                "sku": "SC100G-M230ROW",
                "model": "Envoy-S-Standard-EU",
                "status": "normal",
                "active": True,
                "emu_sw_version": "D8.2.4264",
            }
        ]
        raise _Reply(
            200,
            {
                "system_id": _int_ref(site.ref),
                "total_devices": len(micros) + len(gateways),
                "items": "devices",
                "devices": {"micros": micros, "gateways": gateways},
            },
        )

    def apsystems_discovery(self, method, profile, sub, account):
        """POST /installer/api/v2/systems (pages of 10, 20 or 50) and
        GET /{profile}/api/v2/systems/inverters/{sid}."""
        fleet = self.sim.fleet
        if sub == "/systems" and method == "POST":
            if profile != "installer":
                raise _Reply(200, {"code": 4001, "data": None})
            try:
                query = json.loads(self.body or b"{}")
                page = max(int(query.get("page", 1)), 1)
                size = int(query.get("size", 10))
            except (ValueError, TypeError, AttributeError) as err:
                raise _Reply(200, {"code": 4001, "data": None}) from err
            if size not in (10, 20, 50):
                raise _Reply(200, {"code": 4001, "data": None})
            sites = [s for s in fleet.sites_of(account.key) if not s.deactivated]
            chunk = sites[(page - 1) * size : page * size]
            raise _Reply(
                200,
                {
                    "data": {
                        "total": len(sites),
                        "page": page,
                        "size": size,
                        "systems": [_ap_system(s, 1) for s in chunk],
                    },
                    "code": 0,
                },
            )
        m = re.fullmatch(r"/systems/inverters/([^/]+)", sub)
        if m:
            site = fleet.sites.get(m.group(1))
            if site is None or site.account != account.key or site.deactivated:
                raise _Reply(200, {"code": 1001, "data": None})
            ecus = [e.rsplit("-", 1)[-1] for e in _ap_ecus(site)]
            under = ecu_units(site, len(ecus))
            raise _Reply(
                200,
                {
                    "data": [
                        {
                            "eid": eid,
                            "type": 0,
                            "timezone": site.timezone,
                            "inverter": [{"uid": uid, "type": "DS3"} for uid in under[k]],
                        }
                        for k, eid in enumerate(ecus)
                    ],
                    "code": 0,
                },
            )

    def nominatim(self, path):
        """GET /nominatim/search?format=json&q=...: Nominatim's search answer
        (a JSON array of places, `lat`/`lon` as strings) for the fleet's
        street addresses; an empty array for any other address."""
        if path != "/search":
            raise _Reply(404, {"error": "not found"})
        query = " ".join(self.query.get("q", "").lower().replace(",", " ").split())
        padded, words = f" {query} ", set(query.split())
        places = [s for s in self.sim.fleet.sites.values() if s.geocodable]
        # a street address; else (Enphase lists no street) a postcode and city,
        # which Nominatim places too
        by_street = [
            s
            for s in places
            if s.street
            and f" {' '.join(s.street.lower().split())} " in padded
            and s.cloud_cell.lower() in query
        ]
        by_zip = [
            s for s in places if s.zip and s.zip.lower() in words and s.cloud_cell.lower() in query
        ]
        for site in (by_street or by_zip)[:1]:
            raise _Reply(
                200,
                [
                    {
                        "place_id": abs(hash(site.ref)) % 10**9,
                        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. "
                        "http://osm.org/copyright",
                        "osm_type": "way",
                        "osm_id": abs(hash(site.street)) % 10**9,
                        "lat": f"{site.latitude:.7f}",
                        "lon": f"{site.longitude:.7f}",
                        "class": "building",
                        "type": "house",
                        "place_rank": 30,
                        "importance": 0.1,
                        "addresstype": "building",
                        "name": "",
                        "display_name": f"{site.street}, {site.zip} {site.cloud_cell}",
                        "boundingbox": [
                            f"{site.latitude - 0.0001:.7f}",
                            f"{site.latitude + 0.0001:.7f}",
                            f"{site.longitude - 0.0001:.7f}",
                            f"{site.longitude + 0.0001:.7f}",
                        ],
                    }
                ],
            )
        raise _Reply(200, [])

    return {
        "_enphase_devices": enphase_devices,
        "_apsystems_discovery": apsystems_discovery,
        "_nominatim": nominatim,
    }


for _name, _method in _onboarding_methods().items():
    setattr(_Handler, _name, _method)
